"""Working-day calendar (holidays and make-up days as data) and the lunar New Year."""
import datetime as dt

import pytest

from wagecase.core import workdays
from wagecase.core.models import CalendarDay, CalendarYear
from wagecase.core.workdays import (
    add_working_days,
    is_working_day,
    lunar_new_year,
    lunar_new_years_eve,
    missing_schedule_years,
    next_new_years_eve,
    previous_working_day_or_same,
    working_days_between,
)

D = dt.date


@pytest.fixture(autouse=True)
def fresh_cache():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def test_spring_festival_2026(db):
    # 2026-02-14 (Sat) is a make-up working day; 15–23 are holidays.
    assert add_working_days(D(2026, 2, 13), 5) == D(2026, 2, 27)
    assert is_working_day(D(2026, 2, 14))
    assert is_working_day(D(2026, 2, 28))
    assert not any(is_working_day(D(2026, 2, d)) for d in range(15, 24))
    assert is_working_day(D(2026, 2, 24))


def test_add_zero_and_plain_weeks(db):
    assert add_working_days(D(2026, 3, 6), 0) == D(2026, 3, 6)
    assert add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)  # Friday → Monday
    assert add_working_days(D(2026, 3, 2), 10) == D(2026, 3, 16)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 3, 2), -1)


def test_national_day_2026(db):
    # 2026-10-01..07 off; 2026-09-20 (Sun) and 2026-10-10 (Sat) worked.
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert is_working_day(D(2026, 10, 10))
    assert is_working_day(D(2026, 9, 20))


def test_working_days_between(db):
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 27)) == 5
    assert working_days_between(D(2026, 2, 27), D(2026, 2, 13)) == 0


def test_payday_moves_earlier_on_rest_day(db):
    # 2026-02-15 is a holiday (Spring Festival); payday moves back to 2026-02-14, a make-up working day.
    assert previous_working_day_or_same(D(2026, 2, 15)) == D(2026, 2, 14)
    assert previous_working_day_or_same(D(2026, 3, 15)) == D(2026, 3, 13)  # Sunday → Friday
    assert previous_working_day_or_same(D(2026, 3, 16)) == D(2026, 3, 16)


def test_year_without_schedule_falls_back_and_warns(db):
    assert not CalendarYear.objects.filter(year=2031).exists()
    assert missing_schedule_years(D(2031, 5, 1)) == [2031]
    # Monday–Friday only: 2031-01-01 is a Wednesday and counts as a working day without a schedule.
    assert is_working_day(D(2031, 1, 1))
    assert add_working_days(D(2031, 1, 3), 1) == D(2031, 1, 6)
    # From November on, next year's missing schedule is reported too.
    assert 2027 in missing_schedule_years(D(2026, 11, 22))
    assert missing_schedule_years(D(2026, 6, 1)) == []


def test_schedule_entered_by_hand_is_used(db):
    CalendarYear.objects.create(year=2027, source="manual")
    CalendarDay.objects.create(date=D(2027, 1, 1), is_working_day=False, name="元旦")
    CalendarDay.objects.create(date=D(2027, 2, 6), is_working_day=False, name="春节")
    CalendarDay.objects.create(date=D(2027, 2, 20), is_working_day=True, name="春节调休")  # a Saturday
    assert not is_working_day(D(2027, 1, 1))
    assert is_working_day(D(2027, 2, 20))
    assert 2027 not in missing_schedule_years(D(2026, 11, 22))


def test_load_from_library_is_idempotent(db):
    before = CalendarDay.objects.count()
    workdays.load_from_library([2026])
    assert CalendarDay.objects.count() == before
    assert CalendarDay.objects.get(date=D(2026, 2, 17)).name == "春节"


@pytest.mark.parametrize(
    "year, new_year",
    [(2026, D(2026, 2, 17)), (2027, D(2027, 2, 6)), (2028, D(2028, 1, 26)), (2029, D(2029, 2, 13)), (2030, D(2030, 2, 3))],
)
def test_lunar_new_year_and_eve(year, new_year):
    assert lunar_new_year(year) == new_year
    assert lunar_new_years_eve(year) == new_year - dt.timedelta(days=1)


def test_next_new_years_eve():
    assert next_new_years_eve(D(2026, 11, 22)) == D(2027, 2, 5)
    assert next_new_years_eve(D(2026, 2, 16)) == D(2026, 2, 16)
    assert next_new_years_eve(D(2026, 2, 17)) == D(2027, 2, 5)
    assert next_new_years_eve(D(2027, 12, 31)) == D(2028, 1, 25)
