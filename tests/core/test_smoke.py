"""The test database has the regions and the calendar the migrations load."""
from wagecase.core.models import CalendarYear, Region


def test_regions_and_calendar_loaded(db):
    assert Region.objects.get(code="620502").full_name == "甘肃省天水市秦州区"
    assert Region.objects.filter(level="county").count() > 2800
    assert CalendarYear.objects.filter(year=2026).exists()
