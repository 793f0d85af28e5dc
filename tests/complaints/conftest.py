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
