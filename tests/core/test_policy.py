"""Regional policy values: inheritance county → city → province → national default, validation."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from wagecase.core.choices import ChangeAction
from wagecase.core.models import ObjectChange, PolicyValue
from wagecase.core.policy import POLICIES, effective_policies, get_policy


def set_policy(region, key, value):
    policy = PolicyValue(region_id=region, key=key, value=Decimal(value))
    policy.full_clean()
    policy.save()
    return policy


def test_national_default_when_nothing_is_set(db):
    assert get_policy("monitoring_threshold", "620502") == Decimal("3000000")
    assert get_policy("clue_accept_days", "620502") == 5
    assert get_policy("criminal_threshold_per_worker", "110101") == Decimal("5000")


def test_inheritance_nearest_wins(db):
    set_policy("62", "deposit_rate", "2.5")
    set_policy("6205", "deposit_rate", "2")
    set_policy("620525", "deposit_rate", "1.5")
    assert get_policy("deposit_rate", "620525") == Decimal("1.5")  # county's own
    assert get_policy("deposit_rate", "620502") == Decimal("2")  # city's
    assert get_policy("deposit_rate", "620102") == Decimal("2.5")  # province's (Lanzhou)
    assert get_policy("deposit_rate", "110101") == POLICIES["deposit_rate"].default
    national = PolicyValue(region=None, key="deposit_rate", value=Decimal("1"))
    national.full_clean()
    national.save()
    assert get_policy("deposit_rate", "110101") == Decimal("1")
    sources = {d.key: src for d, _v, src in effective_policies("620502")}
    assert sources["deposit_rate"] == "6205" and sources["monitoring_threshold"] == "default"


def test_primed_values_are_those_looked_up_one_by_one(db, django_assert_num_queries):
    from wagecase.core import policy

    set_policy("62", "deposit_rate", "2.5")
    set_policy("620525", "deposit_rate", "1.5")
    set_policy("620502", "payday_day", "10")
    regions = ["620525", "620502", "620502001", "620102", "110101"]
    keys = ["deposit_rate", "payday_day", "clue_accept_days"]
    policy._cache.clear()
    one_by_one = {(key, code): get_policy(key, code) for key in keys for code in regions}
    policy._cache.clear()
    with django_assert_num_queries(1):
        policy.prime_policies(keys, regions)
    with django_assert_num_queries(0):
        primed = {(key, code): get_policy(key, code) for key in keys for code in regions}
    assert primed == one_by_one
    assert primed[("deposit_rate", "620525")] == Decimal("1.5") and primed[("payday_day", "620502001")] == 10
    assert isinstance(primed[("clue_accept_days", "110101")], int)


def test_township_inherits_from_its_county(db):
    set_policy("620502", "payday_day", "10")
    assert get_policy("payday_day", "620502001") == 10


@pytest.mark.parametrize(
    "key, value",
    [("deposit_rate", "3.5"), ("deposit_rate", "0.4"), ("criminal_threshold_total", "20000"),
     ("criminal_threshold_per_worker", "25000"), ("clue_accept_days", "2.5"), ("clue_accept_days", "6")],
)
def test_out_of_range_values_are_refused(db, key, value):
    with pytest.raises(ValidationError) as err:
        set_policy("6205", key, value)
    assert "value" in err.value.message_dict
    assert not PolicyValue.objects.exists()


def test_unknown_key_is_refused(db):
    with pytest.raises(ValidationError) as err:
        set_policy("6205", "no_such_policy", "1")
    assert "key" in err.value.message_dict


def test_one_value_per_region_and_key(db):
    set_policy("6205", "deposit_rate", "2")
    with pytest.raises(ValidationError):
        set_policy("6205", "deposit_rate", "1.5")


def test_changes_are_logged(db):
    policy = set_policy("6205", "deposit_rate", "2")
    policy.value = Decimal("1.5")
    policy.full_clean()
    policy.save()
    change = ObjectChange.objects.get(changed_object_id=str(policy.pk), action=ChangeAction.UPDATE)
    assert change.diff() == [("value", "2.00", "1.50")]


def test_policy_scope(make_user, db):
    from wagecase.core.choices import Role

    province = set_policy("62", "deposit_rate", "2")
    city = set_policy("6205", "clue_resolve_days", "30")
    other_city = set_policy("6201", "clue_resolve_days", "40")
    admin = make_user(Role.ADMIN, "6205")
    visible = set(PolicyValue.objects.restrict(admin, "view"))
    assert visible == {province, city}
    assert set(PolicyValue.objects.restrict(admin, "change")) == {city}
    inspector = make_user(Role.INSPECTOR, "620502")
    assert set(PolicyValue.objects.restrict(inspector, "change")) == set()
    assert other_city not in set(PolicyValue.objects.restrict(inspector, "view"))
