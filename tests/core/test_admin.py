"""The admin site: installation-wide records are the operators' (superusers'), not a city
administrator's, and "view on site" keeps to the user's scope."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from wagecase.core.choices import Role
from wagecase.core.models import Enterprise, User

SYSTEM_CHANGELISTS = (
    "authtoken_tokenproxy", "auth_group", "django_celery_beat_periodictask", "django_celery_beat_crontabschedule",
    "django_celery_beat_intervalschedule", "django_celery_beat_solarschedule", "django_celery_beat_clockedschedule",
    "django_celery_results_taskresult", "django_celery_results_groupresult",
)


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root-admin", password="pw-for-tests-only", full_name="运维", role=Role.ADMIN)


@pytest.mark.django_db
@pytest.mark.parametrize("changelist", SYSTEM_CHANGELISTS)
def test_a_city_administrator_is_refused_the_installation_wide_records(changelist, admin_user, superuser):
    url = reverse(f"admin:{changelist}_changelist")
    assert logged_in(admin_user).get(url).status_code == 403
    assert logged_in(superuser).get(url).status_code == 200


@pytest.mark.django_db
def test_a_city_administrator_cannot_read_anyones_api_token_key(admin_user, superuser, inspector):
    token = Token.objects.create(user=inspector)
    client = logged_in(admin_user)
    for url in (reverse("admin:authtoken_tokenproxy_changelist"),
                reverse("admin:authtoken_tokenproxy_change", args=[inspector.pk]),
                reverse("admin:authtoken_tokenproxy_add")):
        response = client.get(url)
        assert response.status_code == 403 and token.key not in response.content.decode()
    index = client.get(reverse("admin:index")).content.decode()
    assert "authtoken" not in index and "django_celery_beat" not in index
    assert "/admin/core/enterprise/" in index  # what the administrator does manage is still there
    assert token.key in logged_in(superuser).get(reverse("admin:authtoken_tokenproxy_changelist")).content.decode()


@pytest.mark.django_db
def test_the_holiday_calendar_is_read_only_for_a_city_administrator(admin_user, superuser):
    client = logged_in(admin_user)
    assert client.get(reverse("admin:core_calendarday_changelist")).status_code == 200
    assert client.get(reverse("admin:core_calendarday_add")).status_code == 403
    assert client.post(reverse("admin:core_calendarday_add"), {"date": "2026-12-07", "is_working_day": ""}).status_code == 403
    assert logged_in(superuser).get(reverse("admin:core_calendarday_add")).status_code == 200


@pytest.mark.django_db
def test_view_on_site_answers_404_for_a_record_out_of_scope_as_for_none(make_user, make_enterprise):
    ours = make_enterprise(region="620502")
    theirs = make_enterprise(region="620102")  # 城关区, Lanzhou
    city_admin = make_user(Role.ADMIN, "6205", username="admin_tianshui")
    other_admin = make_user(Role.ADMIN, "6201", username="admin_lanzhou")
    content_type = ContentType.objects.get_for_model(Enterprise).pk

    def url(pk):
        return reverse("admin:view_on_site", args=[content_type, pk])

    answer = logged_in(city_admin).get(url(ours.pk))
    assert answer.status_code == 302 and answer["Location"].endswith(ours.get_absolute_url())
    client = logged_in(other_admin)
    assert client.get(url(ours.pk)).status_code == 404
    assert client.get(url(987654321)).status_code == 404
    assert client.get(url("not-a-key")).status_code == 404
    assert client.get(url(theirs.pk)).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("changelist", ["axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"])
def test_an_administrator_sees_the_logins_of_its_own_users_only(changelist, make_user, superuser):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    model = {"axes_accessattempt": AccessAttempt, "axes_accesslog": AccessLog, "axes_accessfailurelog": AccessFailureLog}[changelist]
    ours = make_user(Role.INSPECTOR, "620502", username="inspector_tianshui")
    theirs = make_user(Role.INSPECTOR, "620102", username="inspector_lanzhou")
    extra = {"failures_since_start": 5} if model is AccessAttempt else {}
    for username in (ours.username, theirs.username, "nobody-guessed"):
        model.objects.create(username=username, ip_address="10.0.0.9", user_agent="test", **extra)
    city_admin = make_user(Role.ADMIN, "6205", username="admin_tianshui")
    text = logged_in(city_admin).get(reverse(f"admin:{changelist}_changelist")).content.decode()
    assert ours.username in text and theirs.username not in text and "nobody-guessed" not in text
    text = logged_in(superuser).get(reverse(f"admin:{changelist}_changelist")).content.decode()
    assert all(name in text for name in (ours.username, theirs.username, "nobody-guessed"))


@pytest.mark.django_db
def test_history_of_an_operators_only_record_is_refused_whether_it_exists_or_not(admin_user, superuser, inspector):
    Token.objects.create(user=inspector)
    client = logged_in(admin_user)
    exists = client.get(reverse("admin:authtoken_tokenproxy_history", args=[inspector.pk]))
    missing = client.get(reverse("admin:authtoken_tokenproxy_history", args=[987654321]))
    assert exists.status_code == missing.status_code == 403
    assert logged_in(superuser).get(reverse("admin:authtoken_tokenproxy_history", args=[inspector.pk])).status_code == 200
