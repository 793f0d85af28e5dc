"""What the data migrations load (regions, the working-day calendar, the Celery beat schedule), put
back after a transactional test: such a test ends by emptying every table, and the tests that run
after it in the same process expect the database as `migrate` left it.

Serially, pytest-django runs the transactional tests last; with one process per CPU (pytest-xdist)
a process may run other files after one, so tests/conftest.py puts the data back after every file
that has a transactional test, and the transactional tests themselves load what they need first."""
import tempfile
from importlib import import_module

from django.db import connection

HOME = "620502"  # tests/conftest.py HOME: a county every test's records lie in


def missing():
    """True when some of what the data migrations load is not there."""
    from django_celery_beat.models import PeriodicTask

    from wagecase.core.models import CalendarDay, Region

    return not (Region.objects.filter(pk=HOME).exists() and CalendarDay.objects.exists()
                and PeriodicTask.objects.exists())


def restore():
    """Run every data migration's forward function again, as `migrate` did: with the models of the
    migrations' final state, which write no change records. Each of them adds only what is missing."""
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.operations import RunPython

    from wagecase.core.workdays import clear_cache

    if not missing():
        return
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    targets = graph.leaf_nodes()
    plan = list(dict.fromkeys(key for target in targets for key in graph.forwards_plan(target)))
    apps = executor.loader.project_state(targets).apps
    with connection.schema_editor(atomic=True) as editor:
        for key in plan:
            for operation in graph.nodes[key].operations:
                if isinstance(operation, RunPython):
                    operation.code(apps, editor)
    clear_cache()


class _PlainApps:
    """An `apps` for a data migration's function: the real models, through managers that write no
    change records (quicker than rendering the migrations' state, for one function)."""

    def get_model(self, app_label, model_name):
        from django.apps import apps

        model = apps.get_model(app_label, model_name)

        class Plain:
            objects = model._base_manager

            def __new__(cls, **fields):
                return model(**fields)

        return Plain


def load_gansu_regions():
    """Gansu's regions only (1,500 rows, not the country's 44,700), when they are missing: enough for
    a transactional test, whose every record lies in Gansu. The calendar too, when missing."""
    from wagecase.core.models import CalendarDay, Region
    from wagecase.core.regions_data import DATA_FILE, load_regions, read_rows
    from wagecase.core.workdays import clear_cache

    if not Region.objects.filter(pk=HOME).exists():
        with tempfile.NamedTemporaryFile("w", suffix=".tsv", encoding="utf-8") as subset:
            subset.writelines(f"{code}\t{name}\n" for code, name in read_rows(DATA_FILE) if code.startswith("62"))
            subset.flush()
            load_regions(Region, path=subset.name)
    if not CalendarDay.objects.exists():  # as migration 0003 loads it, without a change record per day
        import_module("wagecase.core.migrations.0003_load_calendar").load(_PlainApps(), None)
    clear_cache()
