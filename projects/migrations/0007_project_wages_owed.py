"""Project.wages_owed: what a project owes its workers on its payroll lines, stored (kept by
project_refresh) for the risk ranking. Filled here from the lines, one UPDATE for all projects."""
from django.db import migrations, models
from django.db.models import DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    PayrollLine = apps.get_model("projects", "PayrollLine")
    money = DecimalField(max_digits=16, decimal_places=2)
    owed = (PayrollLine.objects.filter(project_id=OuterRef("pk"), amount_paid__lt=F("amount_due")).order_by()
            .values("project_id").annotate(owed=Sum(F("amount_due") - F("amount_paid"), output_field=money)).values("owed"))
    Project.objects.using(schema_editor.connection.alias).update(
        wages_owed=Coalesce(Subquery(owed, output_field=money), Value(0, output_field=money)))


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0006_worker_id_number_without_pattern_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='project',
            name='wages_owed',
            field=models.DecimalField(decimal_places=2, default=0, editable=False, max_digits=16, verbose_name='wages owed'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
