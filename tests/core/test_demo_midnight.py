"""The demo seeders just after midnight. A step planned for today is written at an office time of
today, capped at a moment before now; capped by that alone it fell on yesterday when the seeding ran
in the first minute after midnight, and the service refused today's date as being in the future
(`make test` at 00:00 Beijing time: 13 errors in the demo tests)."""
import datetime
import random

import pytest
from django.utils import timezone

from blacklist import demo as blacklist_demo
from complaints import case_demo
from inspections import demo as inspections_demo
from wagecase.core.demo import not_after

TZ = timezone.get_default_timezone()
TODAY = datetime.date(2026, 12, 5)
JUST_AFTER_MIDNIGHT = datetime.datetime(2026, 12, 5, 0, 0, 30, tzinfo=TZ)


def test_not_after():
    latest = JUST_AFTER_MIDNIGHT - datetime.timedelta(minutes=1)  # 23:59:30 yesterday
    planned = datetime.datetime(2026, 12, 5, 10, 0, tzinfo=TZ)
    assert not_after(planned, latest, TODAY) == datetime.datetime(2026, 12, 5, tzinfo=TZ)  # today's first moment
    earlier = datetime.datetime(2026, 12, 4, 16, 0, tzinfo=TZ)
    assert not_after(earlier, latest, TODAY - datetime.timedelta(days=1)) == earlier  # before the cap: as planned
    noon = datetime.datetime(2026, 12, 5, 12, 0, tzinfo=TZ)
    assert not_after(planned, noon - datetime.timedelta(minutes=1), TODAY) == planned
    assert not_after(datetime.datetime(2026, 12, 5, 15, 0, tzinfo=TZ), noon - datetime.timedelta(minutes=1), TODAY) == \
        noon - datetime.timedelta(minutes=1)


def _context(module):
    ctx = module.Context.__new__(module.Context)  # only the clock: no database
    ctx.tz, ctx.now, ctx.today = TZ, JUST_AFTER_MIDNIGHT, TODAY
    return ctx


@pytest.mark.parametrize("plan_time", [
    lambda rng: _context(case_demo).office_time(rng, TODAY),
    lambda rng: _context(blacklist_demo).office_time(rng, TODAY),
    lambda rng: _context(inspections_demo).at(rng, TODAY),
], ids=["cases", "listings", "inspections"])
def test_a_step_planned_for_today_stays_on_today_just_after_midnight(plan_time):
    for seed in range(50):
        t = plan_time(random.Random(seed))
        assert timezone.localtime(t, TZ).date() == TODAY and t <= JUST_AFTER_MIDNIGHT
