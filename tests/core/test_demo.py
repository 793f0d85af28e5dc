"""The demo data: a lived-in Tianshui, valid identifiers, and idempotent reruns."""
import random

from stdnum.cn import ric, uscc

from wagecase.core.choices import Role
from wagecase.core.demo import seed_core
from wagecase.core.models import Department, Enterprise, User


def test_core_seeder_builds_tianshui_and_is_idempotent(db):
    # The full seed_demo (all apps) is exercised in tests/projects/test_demo.py.
    def run():
        seed_core(random.Random("2026:core"), lambda line: None)

    run()
    counts = (Enterprise.objects.count(), Department.objects.count(), User.objects.count())
    run()
    assert (Enterprise.objects.count(), Department.objects.count(), User.objects.count()) == counts
    assert counts[0] >= 300
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    for county in ["620502", "620503", "620521", "620522", "620523", "620524", "620525"]:
        assert Department.objects.filter(region_id=county, kind="labour_inspection").exists()
        assert Enterprise.objects.filter(region__code__startswith=county).exists()
    for enterprise in Enterprise.objects.all():
        assert uscc.is_valid(enterprise.uscc)
        assert ric.is_valid(enterprise.legal_representative_id_number)
    inspector = User.objects.get(username="inspector")
    assert inspector.check_password("demo-2026")
    assert inspector.department.kind == "labour_inspection"
