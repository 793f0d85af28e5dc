"""Drop the second index Django adds on PostgreSQL for a unique CharField: `varchar_pattern_ops`, for
prefix searches (LIKE 'abc%'). Nothing searches ID numbers by prefix (exact lookups use the unique
index; the free-text search is icontains, UPPER(...) LIKE '%…%', which no btree serves), so it was
only a cost on every new worker: 20,000 entries more per roster import file."""
from django.db import migrations

INDEX = "projects_worker_id_number_300e4541_like"


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON projects_worker (id_number varchar_pattern_ops)")


class Migration(migrations.Migration):
    dependencies = [("projects", "0005_employment_no_redundant_project_index")]

    operations = [migrations.RunPython(drop, create, elidable=False)]
