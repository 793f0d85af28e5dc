"""Document number sequences are kept per prefix instead of per office.

Before, each county counted its own numbers while the default prefix took two characters of its
name, so 临夏市 and 临夏县 (both 临夏人社监令) could give out the same number. Each existing counter
gets the prefix its office used (the nearest configured DocumentPrefix up the region tree, else
the office's first two characters + the kind's default); counters that share a prefix are merged
keeping the highest number."""
from django.db import migrations, models

DEFAULT_PREFIX = {
    "rectification_order": "人社监令", "penalty_decision": "人社监罚",
    "listing_notice": "人社失信告", "listing_decision": "人社失信决",
}


def ancestors(code):
    return [code[:n] for n in (9, 6, 4, 2) if len(code) >= n]


def fill_prefixes(apps, schema_editor):
    Sequence = apps.get_model("inspections", "DocumentSequence")
    Prefix = apps.get_model("inspections", "DocumentPrefix")
    Region = apps.get_model("core", "Region")
    configured = {(p.region_id, p.kind): p.prefix for p in Prefix.objects.all()}
    names = dict(Region.objects.values_list("code", "name"))
    kept = {}
    for seq in Sequence.objects.order_by("pk"):
        prefix = next((configured[(code, seq.kind)] for code in ancestors(seq.office_code) if (code, seq.kind) in configured),
                      None) or f"{names.get(seq.office_code, '')[:2]}{DEFAULT_PREFIX.get(seq.kind, '')}"
        key = (prefix, seq.kind, seq.year)
        if key in kept:
            first = kept[key]
            if seq.last > first.last:
                first.last = seq.last
                first.save(update_fields=["last"])
            seq.delete()
        else:
            seq.prefix = prefix
            seq.save(update_fields=["prefix"])
            kept[key] = seq


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
        ("inspections", "0003_alter_documentprefix_kind_and_more"),
    ]

    operations = [
        migrations.AddField(model_name="documentsequence", name="prefix", field=models.CharField(default="", max_length=30),
                            preserve_default=False),
        migrations.RemoveConstraint(model_name="documentsequence", name="document_sequence_unique"),
        migrations.RunPython(fill_prefixes, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="documentsequence",
            constraint=models.UniqueConstraint(fields=("prefix", "kind", "year"), name="document_sequence_unique_prefix"),
        ),
    ]
