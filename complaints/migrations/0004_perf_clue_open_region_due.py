"""Issue 10: an index for the overdue clue list (`?overdue=true&region_code=...`), its count and its
page of ids.

The filter is `region_id LIKE '<prefix>%' AND status IN (open statuses) AND due_on < today`, the
order `received_at DESC, id DESC`. With only the (status, due_on) and region LIKE indexes,
PostgreSQL ANDs two bitmaps (every open clue past its deadline in the province, every clue of the
region) and then visits the heap for each match. With 300,000 clues (province scale) and a city of
42,000, 3,450 of them overdue, the count alone took 18-22 ms and the page's ids 7-13 ms.

This partial index holds the open clues only (its predicate is the filter's status list), keyed by
region (varchar_pattern_ops: a LIKE prefix is a range scan in any collation) and deadline, and
carries received_at and id: the count and the list's page of ids (ClueViewSet.paginate_queryset)
are index-only scans, 0.75 ms and 1.2 ms there. Closed and resolved clues, the large majority over
time, are left out, so the index stays small. SQLite ignores the operator classes and the INCLUDE
columns (Django leaves them out there)."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0003_arrearscase_caseevent_casepayment_caseworker_and_more"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="clue",
            index=models.Index(
                condition=models.Q(("status__in", ("received", "accepted", "in_progress", "transferred"))),
                fields=["region", "due_on"],
                include=["received_at", "id"],
                name="clue_open_region_due_idx",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
        ),
    ]
