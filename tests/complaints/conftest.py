"""Fixtures of complaints: clues made through the services themselves."""
import datetime as dt
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from complaints import services
from tests.conftest import HOME
from tests.projects.conftest import make_project  # noqa: F401  (a fixture)

TZ = ZoneInfo("Asia/Shanghai")
_phones = itertools.count(13900000001)


def at(day, hour=10):
    """A receipt time in Beijing time on `day` (a date or 'YYYY-MM-DD')."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


@pytest.fixture
def make_clue(db, inspector):
    def make(user=None, region=HOME, **fields):
        fields.setdefault("channel", "hotline_12333")
        fields.setdefault("received_at", at("2026-11-02"))
        fields.setdefault("complainant_name", "王小明")
        fields.setdefault("complainant_phone", str(next(_phones)))
        fields.setdefault("employer_name", f"甘肃测试劳务有限公司{next(_phones) % 1000}")
        fields.setdefault("workers_involved", 3)
        fields.setdefault("amount_claimed", Decimal("18600.00"))
        fields.setdefault("description", "三名工人2026年9月至10月工资未发放。")
        from wagecase.core.models import Region

        return services.clue_receive(user=user if user is not None else inspector, region=Region.objects.get(pk=region), **fields)

    return make


@pytest.fixture
def housing_department(make_department):
    return make_department(kind="housing", region="6205", name="天水市住房和城乡建设局")


FIVE_HAVES = {
    "responsible_unit": "秦州区住房和城乡建设局",
    "responsible_leader": "王副区长",
    "responsible_person": "李志强",
    "measures": "约谈总包单位，督促使用工程款优先支付农民工工资。",
    "deadline": dt.date(2026, 12, 20),
}


@pytest.fixture
def make_case(db, inspector, make_enterprise):
    def make(user=None, region=HOME, **fields):
        from wagecase.core.models import Region

        fields.setdefault("enterprise", make_enterprise(region))
        fields.setdefault("occurred_on", dt.date(2026, 9, 1))
        fields.setdefault("workers_owed", 12)
        fields.setdefault("amount_owed", Decimal("96000.00"))
        for key, value in FIVE_HAVES.items():
            fields.setdefault(key, value)
        if "project" not in fields:
            fields.setdefault("region", Region.objects.get(pk=region))
        return services.case_open(user=user if user is not None else inspector, **fields)

    return make
