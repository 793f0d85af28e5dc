"""Masking of personal data and the permission to see it unmasked."""
from wagecase.core.choices import Role
from wagecase.core.pii import can_view_pii, mask_id_number, mask_name, mask_phone, pii_log_access
from wagecase.core.models import PiiAccessLog


def test_id_number_mask():
    assert mask_id_number("62050219900101123X") == "620502********123X"
    assert mask_id_number("") == ""
    assert mask_id_number(None) is None


def test_phone_mask():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0938-8212345") == "093*****2345"


def test_name_mask():
    assert mask_name("张三丰") == "张**"


def test_who_may_see_personal_data(make_user):
    assert can_view_pii(make_user(Role.INSPECTOR))
    assert can_view_pii(make_user(Role.OFFICE_HEAD, "6205"))
    assert can_view_pii(make_user(Role.ADMIN, "6205"))
    assert not can_view_pii(make_user(Role.OFFICE_STAFF))
    assert not can_view_pii(make_user(Role.BUREAU, "6205"))


def test_access_is_logged(make_enterprise, make_user, inspector, django_assert_num_queries):
    """One insert for any number of records of any models, each row naming its record's own type."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    enterprise, worker = make_enterprise(), make_user(username="pii_subject")
    before = timezone.now()
    ContentType.objects.get_for_models(type(enterprise), type(worker))
    with django_assert_num_queries(1):
        count = pii_log_access(user=inspector, objects_fields=[
            (enterprise, "legal_representative_id_number"), (worker, "id_number"), (worker, "phone"),
        ], channel="web")
    assert count == 3
    rows = {(row.object_type.model_class(), row.object_id, row.field): row for row in PiiAccessLog.objects.all()}
    assert set(rows) == {
        (type(enterprise), str(enterprise.pk), "legal_representative_id_number"),
        (type(worker), str(worker.pk), "id_number"),
        (type(worker), str(worker.pk), "phone"),
    }
    assert all(row.user == inspector and row.channel == "web" and row.time >= before for row in rows.values())
    assert pii_log_access(user=inspector, objects_fields=[], channel="web") == 0


def _reveal(client, obj, field):
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    content_type = ContentType.objects.get_for_model(obj)
    return client.post(reverse("core:pii_reveal", args=[content_type.pk, obj.pk, field]))


def test_the_office_head_sees_who_unmasked_what_in_the_offices_under_them(make_enterprise, make_user, inspector, client):
    """An unmasked view is a permission (core.view_pii) and leaves a row that the office head reads on
    /pii-accesses/ (the user, the record linked, the field, the channel), never the value itself;
    heads of other counties, inspectors, staff and bureau clients do not see the page or the row."""
    from django.urls import reverse

    from tests.conftest import HOME, OTHER

    enterprise = make_enterprise(legal_representative_id_number="620502199001011235")
    client.force_login(inspector)
    response = _reveal(client, enterprise, "legal_representative_id_number")
    assert response.status_code == 200 and "620502199001011235" in response.content.decode()
    assert PiiAccessLog.objects.filter(user=inspector, channel="web").count() == 1

    staff = make_user(Role.OFFICE_STAFF, HOME, username="staff_pii")
    client.force_login(staff)
    assert _reveal(client, enterprise, "legal_representative_id_number").status_code == 403  # no core.view_pii
    assert PiiAccessLog.objects.count() == 1

    url = reverse("core:piiaccesslog_list")
    head = make_user(Role.OFFICE_HEAD, HOME, username="head_pii")
    client.force_login(head)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert inspector.full_name in page and enterprise.name in page and "Web page" in page
    assert "620502199001011235" not in page
    assert client.get(url, {"channel": "api"}).content.decode().count(enterprise.name) == 0

    other_head = make_user(Role.OFFICE_HEAD, OTHER, username="head_other_pii")
    client.force_login(other_head)
    assert enterprise.name not in client.get(url).content.decode()
    for role, region in ((Role.INSPECTOR, HOME), (Role.OFFICE_STAFF, HOME), (Role.BUREAU, "6205")):
        client.force_login(make_user(role, region, username=f"{role}_pii_page"))
        assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_the_access_page_costs_the_same_queries_for_many_rows(make_enterprise, make_user, inspector, client,
                                                               django_assert_max_num_queries):
    from django.urls import reverse

    from tests.conftest import HOME

    enterprises = [make_enterprise() for _ in range(3)]
    pii_log_access(user=inspector, objects_fields=[(e, "legal_representative_id_number") for e in enterprises], channel="api")
    client.force_login(make_user(Role.OFFICE_HEAD, HOME, username="head_pii_q"))
    client.get(reverse("core:piiaccesslog_list"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("core:piiaccesslog_list"))
    pii_log_access(user=inspector, objects_fields=[(make_enterprise(), "legal_representative_id_number") for _ in range(10)],
                   channel="api")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("core:piiaccesslog_list"))
    assert response.content.decode().count("<tr") >= 14


def test_the_log_table_has_no_key_constraints_and_no_redundant_index(db):
    """Written on every response that shows personal data: no foreign-key check per record and no
    index on the type alone (pii_object_idx begins with it); the time, user and object indexes stay."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, PiiAccessLog._meta.db_table)
    assert not [name for name, c in constraints.items() if c["foreign_key"]]
    indexed = sorted(tuple(c["columns"]) for c in constraints.values() if c["index"] and not c["primary_key"])
    assert indexed == sorted([("object_type_id", "object_id"), ("time",), ("user_id",)])


def test_a_user_or_type_in_the_log_cannot_be_deleted(make_enterprise, make_user, inspector):
    """Without constraints in the database, Django's on_delete (PROTECT) still keeps the log whole."""
    import pytest
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import ProtectedError

    viewer, enterprise = make_user(username="pii_viewer"), make_enterprise()
    pii_log_access(user=viewer, objects_fields=[(enterprise, "legal_representative_id_number")], channel="web")
    with pytest.raises(ProtectedError):
        viewer.delete()
    with pytest.raises(ProtectedError):
        ContentType.objects.get_for_model(enterprise).delete()
    assert PiiAccessLog.objects.filter(user=viewer).count() == 1


def test_the_log_filters_by_beijing_date_as_a_range_on_the_time(make_enterprise, make_user):
    """`time_after`/`time_before` are Beijing dates, inclusive: the first and the last instant of the
    day in, the next instant out; the SQL compares the indexed column itself."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wagecase.core.filtersets import PiiAccessLogFilterSet

    bj = dt.timezone(dt.timedelta(hours=8))
    viewer, enterprise = make_user(username="pii_dates"), make_enterprise()
    times = {"before": dt.datetime(2026, 2, 28, 23, 59, 59, 999999, tzinfo=bj),
             "first": dt.datetime(2026, 3, 1, 0, 0, tzinfo=bj),
             "utc_previous_day": dt.datetime(2026, 3, 9, 17, 0, tzinfo=dt.timezone.utc),  # 10 March 01:00 in Beijing
             "last": dt.datetime(2026, 3, 10, 23, 59, 59, 999999, tzinfo=bj),
             "after": dt.datetime(2026, 3, 11, 0, 0, tzinfo=bj)}
    for field, at in times.items():
        pii_log_access(user=viewer, objects_fields=[(enterprise, field)], channel="web")
        PiiAccessLog.objects.filter(field=field).update(time=at)

    def fields(**params):
        filterset = PiiAccessLogFilterSet(params, queryset=PiiAccessLog.objects.all())
        assert filterset.is_valid(), filterset.errors
        return set(filterset.qs.values_list("field", flat=True))

    assert fields(time_after="2026-03-01", time_before="2026-03-10") == {"first", "utc_previous_day", "last"}
    assert fields(time_after="2026-03-10", time_before="2026-03-10") == {"utc_previous_day", "last"}
    assert fields(time_before="2026-02-28") == {"before"}
    assert fields(time_after="2026-03-11") == {"after"}
    assert fields(time_after="") == set(times)
    with CaptureQueriesContext(connection) as queries:
        fields(time_after="2026-03-01", time_before="2026-03-10")
    assert "AT TIME ZONE" not in queries[-1]["sql"] and "django_datetime_cast_date" not in queries[-1]["sql"]
