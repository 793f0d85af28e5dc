"""The change records' before/after documents as PostgreSQL `json` instead of `jsonb`
(ChangeDataField): one rewrite of the table for both columns. Elsewhere the column is unchanged."""
import wagecase.core.models.changelog
from django.db import migrations

COLUMNS = ("prechange_data", "postchange_data")


def retype(type_):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        changes = ", ".join(f"ALTER COLUMN {c} TYPE {type_} USING {c}::{type_}" for c in COLUMNS)
        schema_editor.execute(f"ALTER TABLE core_objectchange {changes}")

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0012_objectchange_user_time_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='objectchange',
                    name='postchange_data',
                    field=wagecase.core.models.changelog.ChangeDataField(blank=True, null=True, verbose_name='after'),
                ),
                migrations.AlterField(
                    model_name='objectchange',
                    name='prechange_data',
                    field=wagecase.core.models.changelog.ChangeDataField(blank=True, null=True, verbose_name='before'),
                ),
            ],
            database_operations=[migrations.RunPython(retype("json"), retype("jsonb"))],
        ),
    ]
