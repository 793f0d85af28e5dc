"""Seed the working-day calendar from the chinese-calendar library for the years it knows."""
from django.db import migrations


def load(apps, schema_editor):
    import chinese_calendar
    from chinese_calendar import constants

    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    years = sorted({d.year for d in constants.holidays} | {d.year for d in constants.workdays})
    def name(holiday):
        return constants.Holiday(holiday).chinese if isinstance(holiday, str) else holiday.chinese

    days = {}
    for day, holiday in constants.holidays.items():
        days[day] = (False, name(holiday))
    for day, holiday in constants.workdays.items():
        days[day] = (True, name(holiday) + "调休")
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, is_working_day=w, name=n) for d, (w, n) in sorted(days.items()) if d.year >= 2015],
        ignore_conflicts=True,
    )
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=y, source="library", note=f"chinese-calendar {chinese_calendar.__version__}") for y in years if y >= 2015],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_load_regions")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
