"""Fixtures shared by every test: users of each role in two counties, enterprises, departments.

Regions and the working-day calendar are loaded by migrations, so every test database has them.
Data is made through the real models and services, never by hand-written SQL."""
import itertools
import random

import pytest
from rest_framework.test import APIClient

from wagecase.core.choices import DepartmentKind, Role
from wagecase.core.identifiers import make_id_number, make_mobile, make_uscc
from wagecase.core.models import Department, Enterprise, Region, User

# Two counties of Tianshui: "ours" and a neighbour whose records must stay invisible.
HOME = "620502"  # 秦州区
OTHER = "620503"  # 麦积区
OTHER_CITY = "620102"  # 兰州市城关区

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Per-process caches (policy values, calendar) and the active language must not carry one test's
    state into the next."""
    from django.core.cache import cache
    from django.utils import translation

    from wagecase.core import policy, workdays

    policy.clear_cache()
    workdays.clear_cache()
    cache.clear()  # rate-limit counters of the public pages
    yield
    policy.clear_cache()
    workdays.clear_cache()
    cache.clear()
    # A request in English through the test client leaves English active in this thread
    # (LocaleMiddleware activates, nothing deactivates): the next test starts in the default language.
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_root(request, settings, tmp_path_factory):
    """Uploaded photos and generated PDFs go to a throwaway directory, not var/. Not for the tests
    with a real Celery worker: the worker is another process and writes where its settings say."""
    if request.node.get_closest_marker("real_worker") is None:
        settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


def _is_transactional(item):
    """Whether the test commits for real (and so ends by emptying every table)."""
    if {"transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames):
        return True
    marker = item.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
                            or (marker.args and marker.args[0])))


@pytest.fixture(scope="module", autouse=True)
def _migration_data_after_the_file(request, django_db_blocker):
    """After a file with a transactional test: what the data migrations load, back for the files that
    run next in this process (tests/migration_data.py)."""
    yield
    if any(_is_transactional(item) for item in request.session.items if item.module is request.module):
        from tests import migration_data

        with django_db_blocker.unblock():
            migration_data.restore()


@pytest.fixture
def rng():
    return random.Random(20261122)


@pytest.fixture
def make_user(db):
    def make(role=Role.INSPECTOR, region=HOME, username=None, industries=None, **extra):
        username = username or f"{role}-{region}-{next(_counter)}"
        department = extra.pop("department", None) or Department.objects.filter(region_id=region[:6]).first()
        user = User(
            username=username,
            full_name=extra.pop("full_name", username),
            role=role,
            jurisdiction=Region.objects.get(code=region),
            department=department,
            industries=industries or ([] if role != Role.BUREAU else ["housing"]),
            is_staff=role == Role.ADMIN,
            **extra,
        )
        user.set_password("pw-for-tests-only")
        user.full_clean()
        user.save()
        return user

    return make


@pytest.fixture
def inspector(make_user):
    return make_user(Role.INSPECTOR, HOME, username="inspector_home")


@pytest.fixture
def other_inspector(make_user):
    return make_user(Role.INSPECTOR, OTHER, username="inspector_other")


@pytest.fixture
def office_staff(make_user):
    return make_user(Role.OFFICE_STAFF, HOME, username="staff_home")


@pytest.fixture
def admin_user(make_user):
    return make_user(Role.ADMIN, "6205", username="admin_city")


@pytest.fixture
def bureau(make_user):
    return make_user(Role.BUREAU, "6205", username="bureau_housing", industries=["housing"])


@pytest.fixture
def make_enterprise(db, rng):
    def make(region=HOME, **fields):
        fields.setdefault("name", f"测试建筑工程有限公司{next(_counter)}")
        fields.setdefault("uscc", make_uscc(rng, region))
        fields.setdefault("legal_representative", "王建国")
        fields.setdefault("legal_representative_id_number", make_id_number(rng, "620502"))
        fields.setdefault("contact_phone", make_mobile(rng))
        fields.setdefault("roles", ["general_contractor"])
        enterprise = Enterprise(region_id=region, **fields)
        enterprise.full_clean()
        enterprise.save()
        return enterprise

    return make


@pytest.fixture
def make_department(db):
    def make(kind=DepartmentKind.HRSS, region=HOME, name=None):
        department = Department(kind=kind, region_id=region, name=name or f"{region}{kind}{next(_counter)}")
        department.full_clean()
        department.save()
        return department

    return make


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as():
    """An API client authenticated by token as the given user."""
    from rest_framework.authtoken.models import Token

    def login(user):
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return login
