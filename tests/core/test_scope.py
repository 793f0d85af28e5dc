"""Scope at the model level: restrict(user, action) for regions, enterprises, departments, users."""
from wagecase.core.choices import Role
from wagecase.core.models import Department, Enterprise, ENTERPRISE_SCOPE_EXTENSIONS, Region, User

from ..conftest import HOME, OTHER


def test_regions_in_scope(inspector):
    codes = Region.objects.restrict(inspector)
    assert codes.filter(code=HOME).exists()
    assert codes.filter(code=f"{HOME}001").exists()  # its townships
    assert not codes.filter(code=OTHER).exists()
    assert not codes.filter(code="6205").exists()


def test_city_user_sees_all_counties(make_user):
    head = make_user(Role.OFFICE_HEAD, "6205")
    assert Region.objects.restrict(head).filter(code__in=[HOME, OTHER]).count() == 2
    assert not Region.objects.restrict(head).filter(code="620102").exists()


def test_enterprises_in_scope(inspector, other_inspector, make_enterprise):
    ours = make_enterprise(HOME)
    township = make_enterprise(f"{HOME}001")
    theirs = make_enterprise(OTHER)
    assert set(Enterprise.objects.restrict(inspector)) == {ours, township}
    assert set(Enterprise.objects.restrict(other_inspector)) == {theirs}


def test_enterprise_scope_extension(inspector, make_enterprise):
    theirs = make_enterprise(OTHER)
    from django.db.models import Q

    ENTERPRISE_SCOPE_EXTENSIONS.append(lambda user: Q(pk=theirs.pk))
    try:
        assert theirs in Enterprise.objects.restrict(inspector, "view")
        assert theirs not in Enterprise.objects.restrict(inspector, "change")
    finally:
        ENTERPRISE_SCOPE_EXTENSIONS.pop()


def test_role_without_permission_sees_nothing(make_user, make_department):
    make_department(region=HOME)
    staff = make_user(Role.OFFICE_STAFF)
    assert Department.objects.restrict(staff, "view").count() == 1
    assert Department.objects.restrict(staff, "add").count() == 0
    assert Department.objects.restrict(staff, "delete").count() == 0


def test_bureau_scope_by_region(bureau, make_enterprise):
    city = make_enterprise(HOME)
    lanzhou = make_enterprise("620102")
    assert city in Enterprise.objects.restrict(bureau)
    assert lanzhou not in Enterprise.objects.restrict(bureau)


def test_anonymous_and_inactive_see_nothing(inspector, make_enterprise):
    from django.contrib.auth.models import AnonymousUser

    make_enterprise(HOME)
    assert Enterprise.objects.restrict(AnonymousUser()).count() == 0
    inspector.is_active = False
    assert Enterprise.objects.restrict(inspector).count() == 0
    assert Enterprise.objects.restrict(None).count() == 0


def test_user_without_jurisdiction_sees_nothing(inspector, make_enterprise):
    make_enterprise(HOME)
    inspector.jurisdiction = None
    assert Enterprise.objects.restrict(inspector).count() == 0


def test_superuser_sees_everything(db, make_enterprise):
    root = User.objects.create_superuser("root", password="x-for-tests")
    make_enterprise(HOME), make_enterprise(OTHER)
    assert Enterprise.objects.restrict(root).count() == 2


def test_users_in_scope(inspector, other_inspector):
    assert set(User.objects.restrict(inspector)) == {inspector}
    assert other_inspector not in User.objects.restrict(inspector)


def test_responsible_department_is_nearest_up_the_tree(make_department):
    city = make_department("housing", "6205")
    county = make_department("housing", HOME)
    assert Department.responsible_for("housing", HOME) == county
    assert Department.responsible_for("housing", OTHER) == city
    assert Department.responsible_for("housing", f"{OTHER}001") == city
    assert Department.responsible_for("court", HOME) is None
