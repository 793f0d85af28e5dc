"""tests/migration_data.py: after a transactional test has emptied every table, restore() puts back
what the data migrations load, as `migrate` did, and only what is missing."""
import pytest
from django_celery_beat.models import PeriodicTask

from tests import migration_data
from wagecase.core.models import CalendarDay, ObjectChange, Region

CHILDREN_FIRST = ("township", "county", "city", "province")  # a region's parent is protected


@pytest.mark.django_db(transaction=True)
def test_restore_puts_back_what_the_migrations_loaded():
    before = {
        "regions": Region.objects.count(),
        "days": CalendarDay.objects.count(),
        "tasks": sorted(PeriodicTask.objects.values_list("name", "task")),
    }
    assert before["regions"] > 40_000 and before["days"] > 300 and len(before["tasks"]) >= 5
    for level in CHILDREN_FIRST:
        Region.objects.filter(code__startswith="62", level=level).delete()
    CalendarDay.objects.all().delete()
    PeriodicTask.objects.all().delete()
    assert migration_data.missing()
    changes = ObjectChange.objects.count()

    migration_data.restore()

    assert not migration_data.missing()
    assert Region.objects.count() == before["regions"]
    assert CalendarDay.objects.count() == before["days"]
    assert sorted(PeriodicTask.objects.values_list("name", "task")) == before["tasks"]
    assert ObjectChange.objects.count() == changes  # loaded as migrations load: no change records


@pytest.mark.django_db(transaction=True)
def test_gansu_regions_for_a_transactional_test():
    for level in CHILDREN_FIRST:
        Region.objects.filter(level=level).delete()
    CalendarDay.objects.all().delete()

    migration_data.load_gansu_regions()

    assert Region.objects.filter(pk=migration_data.HOME).exists()
    assert not Region.objects.exclude(code__startswith="62").exists()
    assert CalendarDay.objects.exists()
