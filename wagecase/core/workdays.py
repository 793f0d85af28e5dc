"""Working days and the lunar New Year.

The State Council's schedule (holidays and make-up working days) is data in CalendarDay, seeded
from the chinese-calendar library and editable in admin. A year with no CalendarYear row has no
known schedule: it falls back to Monday–Friday, and `missing_schedule_years` lets the UI say so."""
import datetime

from django.utils import timezone
import threading
import time

from lunardate import LunarDate

_cache = {}
_cache_lock = threading.Lock()
CACHE_SECONDS = 300


def within_days(field, date_from=None, date_to=None):
    """Q for a timestamp `field` falling on Beijing dates date_from..date_to (inclusive; either may
    be None). The same rows as `field__date__gte/__lte`, but as a range on the column itself, so
    PostgreSQL can use the column's index instead of converting every row's time zone."""
    from django.db.models import Q

    tz = timezone.get_default_timezone()
    q = Q()
    if date_from:
        q &= Q(**{f"{field}__gte": datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)})
    if date_to:
        after = date_to + datetime.timedelta(days=1)
        q &= Q(**{f"{field}__lt": datetime.datetime.combine(after, datetime.time.min, tzinfo=tz)})
    return q


def clear_cache(**kwargs):
    with _cache_lock:
        _cache.clear()


def _year(year):
    """(has_schedule, {date: is_working_day}) for a year, cached for a few minutes per process."""
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(year)
        if hit and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    from .models.calendar import CalendarDay, CalendarYear

    has_schedule = CalendarYear.objects.filter(year=year).exists()
    days = dict(CalendarDay.objects.filter(date__year=year).values_list("date", "is_working_day"))
    value = (has_schedule, days)
    with _cache_lock:
        _cache[year] = (now, value)
    return value


def is_working_day(day):
    _, exceptions = _year(day.year)
    if day in exceptions:
        return exceptions[day]
    return day.weekday() < 5


def add_working_days(start, n):
    """The n-th working day after `start` (start itself not counted); n=0 gives start."""
    if n < 0:
        raise ValueError("n must be >= 0")
    day = start
    count = 0
    while count < n:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return day


def working_days_between(start, end):
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def previous_working_day_or_same(day):
    """A payday that falls on a rest day moves earlier (Regulation art. 14)."""
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def has_schedule(year):
    return _year(year)[0]


def missing_schedule_years(today=None):
    """Years the UI should warn about: this year, and next year from November on."""
    today = today or timezone.localdate()
    years = [today.year] + ([today.year + 1] if today.month >= 11 else [])
    return [y for y in years if not has_schedule(y)]


def lunar_new_year(year):
    """Lunar New Year's Day (正月初一) that falls in Gregorian `year`."""
    return LunarDate(year, 1, 1).to_solar_date()


def lunar_new_years_eve(year):
    """除夕: the day before the lunar New Year's Day in Gregorian `year`."""
    return lunar_new_year(year) - datetime.timedelta(days=1)


def next_new_years_eve(after):
    """The first 除夕 on or after `after`."""
    eve = lunar_new_years_eve(after.year)
    if eve < after:
        eve = lunar_new_years_eve(after.year + 1)
    return eve


def load_from_library(years=None):
    """Load the schedule for the years the chinese-calendar library knows (or those given).

    Returns the years loaded. Years entered by hand (source manual) are left alone."""
    import chinese_calendar
    from chinese_calendar import constants

    from .choices import CalendarSource
    from .models.calendar import CalendarDay, CalendarYear

    known = sorted({d.year for d in constants.holidays} | {d.year for d in constants.workdays})
    known = [y for y in known if y >= 2015]
    if years is not None:
        known = [y for y in known if y in set(years)]
    loaded = []
    for year in known:
        existing = CalendarYear.objects.filter(year=year).first()
        if existing and existing.source == CalendarSource.MANUAL:
            continue
        wanted = {}
        for day, holiday in constants.holidays.items():
            if day.year == year:
                wanted[day] = (False, _holiday_name(holiday))
        for day, holiday in constants.workdays.items():
            if day.year == year:
                wanted[day] = (True, _holiday_name(holiday) + "调休")
        current = {d.date: d for d in CalendarDay.objects.filter(date__year=year)}
        for day, (working, name) in sorted(wanted.items()):
            row = current.pop(day, None)
            if row is None:
                CalendarDay.objects.create(date=day, is_working_day=working, name=name)
            elif row.is_working_day != working or row.name != name:
                row.is_working_day, row.name = working, name
                row.save()
        for row in current.values():
            row.delete()
        if not existing:
            CalendarYear.objects.create(year=year, source=CalendarSource.LIBRARY, note=f"chinese-calendar {chinese_calendar.__version__}")
        loaded.append(year)
    clear_cache()
    return loaded


def _holiday_name(holiday):
    from chinese_calendar import constants

    if isinstance(holiday, str):
        holiday = constants.Holiday(holiday)
    return holiday.chinese
