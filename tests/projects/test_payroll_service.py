"""payroll_upsert: a month's payroll written in bulk, each line change-logged once, the same statements
for 4 lines as for 40, and every bad line reported by its number."""
import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from projects.models import Payroll, PayrollLine
from projects.services import payroll_upsert, worker_register
from wagecase.core.choices import ChangeSource
from wagecase.core.context import change_context
from wagecase.core.identifiers import make_id_number
from wagecase.core.models import ObjectChange

PERIOD, PAID_ON = dt.date(2026, 9, 1), dt.date(2026, 10, 10)


def _roster(project, rng, n):
    return [worker_register(project=project, id_number=make_id_number(rng, "620502"), name=f"工资{i}",
                            contract_signed_on=dt.date(2025, 12, 8), entered_on=dt.date(2025, 12, 10))
            for i in range(n)]


def _lines(roster, paid="5000.00"):
    return [{"id_number": e.worker.id_number, "amount_due": "5000.00", "amount_paid": paid} for e in roster]


def _upsert(project, lines):
    return payroll_upsert(project=project, period=PERIOD, paid_on=PAID_ON, paid_via="contractor_bank", lines=lines)


def _line_records(since):
    kind = ContentType.objects.get_for_model(PayrollLine)
    return ObjectChange.objects.filter(pk__gt=since, changed_object_type=kind)


def _last_record():
    return ObjectChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_create_change_and_remove_lines_each_logged_once(make_project, rng):
    project = make_project()
    roster = _roster(project, rng, 6)
    with change_context(source=ChangeSource.API, label="payroll test"):
        mark = _last_record()
        _upsert(project, _lines(roster[:5]))
        created = _line_records(mark)
        assert created.filter(action="create").count() == 5 and created.count() == 5
        record = created.get(changed_object_id=str(PayrollLine.objects.get(employment=roster[0]).pk))
        assert record.related_object_id == str(project.pk)
        assert record.object_repr.startswith("工资0 · ") and record.postchange_data["amount_paid"] == "5000.00"

        # Posted again: two workers underpaid, one left out, one added, two unchanged.
        mark = _last_record()
        lines = _lines(roster[:4]) + _lines(roster[5:])
        lines[0]["amount_paid"] = lines[1]["amount_paid"] = "4200.50"
        _upsert(project, lines)
    records = _line_records(mark)
    assert sorted(records.values_list("action", flat=True)) == ["create", "delete", "update", "update"]
    update = records.filter(action="update").get(changed_object_id=str(PayrollLine.objects.get(employment=roster[0]).pk))
    assert (update.prechange_data["amount_paid"], update.postchange_data["amount_paid"]) == ("5000.00", "4200.50")
    paid = dict(PayrollLine.objects.filter(payroll__project=project).values_list("employment_id", "amount_paid"))
    assert paid == {roster[0].pk: Decimal("4200.50"), roster[1].pk: Decimal("4200.50"), roster[2].pk: Decimal("5000.00"),
                    roster[3].pk: Decimal("5000.00"), roster[5].pk: Decimal("5000.00")}
    assert Payroll.objects.get(project=project, period=PERIOD).lines.count() == 5


def test_the_statements_do_not_grow_with_the_lines(make_project, rng, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small, large = make_project(), make_project()
    counts = []
    for project, n in ((small, 4), (large, 40)):
        roster = _roster(project, rng, n)
        with CaptureQueriesContext(connection) as first:
            _upsert(project, _lines(roster))
        with CaptureQueriesContext(connection) as again:
            _upsert(project, _lines(roster, paid="4000.00"))
        counts.append((len(first), len(again)))
    # SQLite's bulk_create and bulk_update split 40 rows into a few more statements than 4 rows
    # (its limit on parameters): allow those, never a statement per line.
    assert counts[1][0] <= counts[0][0] + 3 and counts[1][1] <= counts[0][1] + 3, counts


def test_every_bad_line_is_reported_by_its_number_and_nothing_is_written(make_project, rng):
    project = make_project()
    roster = _roster(project, rng, 4)
    lines = _lines(roster)
    lines[1]["amount_paid"] = "12.345"  # three decimals: the field's own validator
    lines[2]["amount_due"] = "十元"
    lines[3]["id_number"] = roster[0].worker.id_number
    with pytest.raises(ValidationError) as caught:
        _upsert(project, lines)
    messages = caught.value.message_dict["lines"]
    assert [m.split(":")[0] for m in messages] == ["3", "4"]  # the ID repeated and the amount not a number
    assert not Payroll.objects.filter(project=project).exists()
    del lines[2:]
    with pytest.raises(ValidationError) as caught:
        _upsert(project, lines)
    assert [m.split(":")[0] for m in caught.value.message_dict["lines"]] == ["2"]
    assert not PayrollLine.objects.filter(project=project).exists()
    assert not Payroll.objects.filter(project=project).exists()
