"""Load the GB/T 2260 regions (with townships) from the committed fixture."""
from django.db import migrations


def load(apps, schema_editor):
    from wagecase.core.regions_data import load_regions

    load_regions(apps.get_model("core", "Region"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
