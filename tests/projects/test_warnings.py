"""Early-warning rules raise and clear on writes; the risk ranking explains itself; arrears figures."""
import datetime as dt
from decimal import Decimal

from projects.models import Project, ProjectWarning
from projects.selectors import project_arrears
from projects.services import (
    account_set, allocation_upsert, deposit_drawdown, deposit_set, notice_board_set, payroll_upsert, project_refresh,
    worker_register,
)
from projects.warnings import risk_ranking
from wagecase.core.identifiers import make_id_number

D = dt.date


def active_rules(project):
    return set(ProjectWarning.objects.filter(project=project, active=True).values_list("rule", flat=True))


def test_rules_raise_and_clear(make_project, rng):
    project = make_project(start_date=D(2026, 1, 5), contract_signed_on=D(2025, 12, 20))
    project_refresh(project=project, as_of=D(2026, 3, 20))
    assert {"allocation_missing", "payroll_late", "roster_empty", "no_notice_board", "deposit_short"} <= active_rules(project)

    ids = [make_id_number(rng) for _ in range(2)]
    worker_register(project=project, id_number=ids[0], name="甲", contract_signed_on=D(2026, 1, 4), entered_on=D(2026, 1, 5))
    worker_register(project=project, id_number=ids[1], name="乙", contract_signed_on=D(2026, 1, 9), entered_on=D(2026, 1, 5))
    account_set(project=project, bank_name="建设银行", account_number="62", opened_on=D(2026, 1, 2))
    for month, paid in [(1, D(2026, 2, 10)), (2, D(2026, 3, 10))]:
        allocation_upsert(project=project, period=D(2026, month, 1), amount=Decimal("100000"), paid_on=paid)
        payroll_upsert(project=project, period=D(2026, month, 1), paid_on=paid, paid_via="contractor_bank",
                       lines=[{"id_number": i, "amount_due": "5000", "amount_paid": "5000"} for i in ids])
    notice_board_set(project=project, installed_on=D(2026, 1, 6), items=["builder"])
    deposit_set(project=project, form="cash", amount=Decimal("240000"), deposited_on=D(2026, 1, 3))
    project_refresh(project=project, as_of=D(2026, 3, 20))
    assert active_rules(project) == {"entered_before_contract"}
    cleared = ProjectWarning.objects.get(project=project, rule="roster_empty")
    assert not cleared.active and cleared.cleared_on is not None

    deposit_drawdown(project=project, amount=Decimal("10000"), drawn_on=D(2026, 3, 2), reason="动用")
    project_refresh(project=project, as_of=D(2026, 3, 20))  # due 16 March (10 working days)
    assert {"topup_overdue", "deposit_short"} <= active_rules(project)


def test_underpaid_warning_and_arrears(make_project, rng):
    project = make_project(start_date=D(2026, 1, 5))
    ids = [make_id_number(rng) for _ in range(3)]
    for i in ids:
        worker_register(project=project, id_number=i, name="工", contract_signed_on=D(2026, 1, 4), entered_on=D(2026, 1, 5))
    payroll_upsert(project=project, period=D(2026, 1, 1), paid_on=D(2026, 2, 10), paid_via="contractor_bank",
                   lines=[{"id_number": ids[0], "amount_due": "6000", "amount_paid": "1000"},
                          {"id_number": ids[1], "amount_due": "6000", "amount_paid": "6000"},
                          {"id_number": ids[2], "amount_due": "6000", "amount_paid": "0"}])
    payroll_upsert(project=project, period=D(2026, 2, 1), paid_on=D(2026, 3, 10), paid_via="contractor_bank",
                   lines=[{"id_number": ids[0], "amount_due": "6000", "amount_paid": "5500"}])
    arrears = project_arrears(project)
    assert arrears["workers_owed"] == 2
    assert arrears["amount_owed"] == Decimal("11500.00")
    assert arrears["by_period"] == [
        {"period": "2026-01", "workers_owed": 2, "amount_owed": Decimal("11000.00")},
        {"period": "2026-02", "workers_owed": 1, "amount_owed": Decimal("500.00")},
    ]
    project_refresh(project=project, as_of=D(2026, 3, 20))
    assert "underpaid" in active_rules(project)
    ranking = risk_ranking(Project.objects.filter(pk=project.pk))
    assert ranking[0]["project"] == project
    assert ranking[0]["level"] in ("red", "orange")
    assert any("11,500.00" in str(f) for f, _p in ranking[0]["factors"])


def test_wages_owed_is_stored_by_every_payroll_change_and_read_by_the_ranking(make_project, rng):
    """Project.wages_owed: what project_arrears sums from the lines, stored by project_refresh (which each
    payroll change runs); the ranking reads the stored figure, with one query for all projects; no change
    record (a derived figure, like the compliance score)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from projects.selectors import wages_owed, wages_owed_expression
    from wagecase.core.models import ObjectChange

    project, paid_up = make_project(start_date=D(2026, 1, 5)), make_project(start_date=D(2026, 1, 5))
    ids = [make_id_number(rng) for _ in range(2)]
    for i in ids:
        worker_register(project=project, id_number=i, name="工", contract_signed_on=D(2026, 1, 4), entered_on=D(2026, 1, 5))
    assert Project.objects.get(pk=project.pk).wages_owed == 0
    payroll_upsert(project=project, period=D(2026, 1, 1), paid_on=D(2026, 2, 10), paid_via="contractor_bank",
                   lines=[{"id_number": ids[0], "amount_due": "6000.50", "amount_paid": "1000"},
                          {"id_number": ids[1], "amount_due": "6000", "amount_paid": "6500"}])  # overpaid: owes nothing
    assert Project.objects.get(pk=project.pk).wages_owed == Decimal("5000.50") == project_arrears(project)["amount_owed"]
    changes = ObjectChange.objects.filter(changed_object_id=str(project.pk), changed_object_type__model="project")
    assert not any("wages_owed" in (c.postchange_data or {}) for c in changes)

    with CaptureQueriesContext(connection) as queries:
        ranking = risk_ranking(Project.objects.filter(pk__in=[project.pk, paid_up.pk]))
    assert [row["project"] for row in ranking if any("5,000.50" in str(f) for f, _p in row["factors"])] == [project]
    assert not any("payroll" in q["sql"] for q in queries.captured_queries)  # the stored figure, no line summed

    payroll_upsert(project=project, period=D(2026, 1, 1), paid_on=D(2026, 2, 10), paid_via="contractor_bank",
                   lines=[{"id_number": ids[0], "amount_due": "6000.50", "amount_paid": "6000.50"},
                          {"id_number": ids[1], "amount_due": "6000", "amount_paid": "6000"}])
    assert Project.objects.get(pk=project.pk).wages_owed == 0 == wages_owed(project)
    # The migration's and the generator's fill (one UPDATE for all projects) agree with project_refresh.
    Project.objects.filter(pk=project.pk).update(wages_owed=Decimal("1.00"))
    from django.db.models import QuerySet

    QuerySet(model=Project).filter(pk__in=[project.pk, paid_up.pk]).update(wages_owed=wages_owed_expression())
    assert list(Project.objects.filter(pk__in=[project.pk, paid_up.pk]).values_list("wages_owed", flat=True)) == [0, 0]


def test_monitoring_threshold_from_policy(make_project):
    from wagecase.core.models import PolicyValue

    small = make_project(contract_amount=Decimal("2999999.99"))
    big = make_project(contract_amount=Decimal("3000000"))
    assert not small.monitoring_required and Project.objects.get(pk=big.pk).monitoring_required
    # Xiuwen-style rule: ≥ 4,000,000 and ≥ 6 months.
    PolicyValue.objects.create(region_id="620503", key="monitoring_threshold", value=Decimal("4000000"))
    PolicyValue.objects.create(region_id="620503", key="monitoring_min_months", value=Decimal("6"))
    short = make_project(region="620503", contract_amount=Decimal("5000000"), start_date=D(2026, 1, 1),
                         planned_end_date=D(2026, 4, 30))
    long = make_project(region="620503", contract_amount=Decimal("5000000"), start_date=D(2026, 1, 1),
                        planned_end_date=D(2026, 8, 31))
    assert not Project.objects.get(pk=short.pk).monitoring_required
    assert Project.objects.get(pk=long.pk).monitoring_required


def test_allocation_warning_is_early_then_overdue(make_project):
    project = make_project(start_date=D(2026, 1, 5), contract_signed_on=D(2025, 12, 20))
    account_set(project=project, bank_name="建设银行", account_number="62", opened_on=D(2026, 1, 2), refresh=False)
    # 10 February: January's allocation is not late (due 28 February) but not paid yet: early yellow.
    project_refresh(project=project, as_of=D(2026, 2, 10))
    warning = ProjectWarning.objects.get(project=project, rule="allocation_missing", active=True)
    assert warning.severity == "yellow" and "2026-02-28" in warning.message
    project_refresh(project=project, as_of=D(2026, 3, 2))
    warning.refresh_from_db()
    assert warning.severity == "orange"
    project_refresh(project=project, as_of=D(2026, 4, 2))
    warning.refresh_from_db()
    assert warning.severity == "red"


def test_suspended_project_has_no_monthly_warnings(make_project):
    project = make_project(start_date=D(2026, 1, 5), status="suspended")
    project_refresh(project=project, as_of=D(2026, 6, 1))
    assert not {"allocation_missing", "payroll_late"} & active_rules(project)


def test_old_late_payroll_stops_warning_after_three_months(make_project, rng):
    project = make_project(start_date=D(2026, 1, 5))
    worker = make_id_number(rng)
    worker_register(project=project, id_number=worker, name="甲", contract_signed_on=D(2026, 1, 4), entered_on=D(2026, 1, 5))
    for month in range(1, 7):
        paid = D(2026, month + 1, 10) if month > 1 else D(2026, 2, 20)  # January paid late
        payroll_upsert(project=project, period=D(2026, month, 1), paid_on=paid, paid_via="contractor_bank",
                       lines=[{"id_number": worker, "amount_due": "5000", "amount_paid": "5000"}], refresh=False)
    project_refresh(project=project, as_of=D(2026, 3, 20))
    assert "payroll_late" in active_rules(project)
    project_refresh(project=project, as_of=D(2026, 7, 20))
    assert "payroll_late" not in active_rules(project)


def test_risk_ranking_scores_every_project_but_loads_only_those_shown(make_project):
    """The ranking scores each project in scope from its warnings' severities and what it owes, and loads
    only the `limit` it shows: the same rows, points, factors and order (points, then code; a project's
    warnings newest first, then in the order raised) as risk_of over every project."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from projects.warnings import risk_of

    projects = [make_project() for _ in range(5)]
    severities = [["red", "orange"], ["orange"], [], ["yellow"], ["red"]]
    owed = [Decimal("0"), Decimal("160000"), Decimal("9999.99"), Decimal("10000"), Decimal("0")]
    for project, found, amount in zip(projects, severities, owed):
        for n, severity in enumerate(found):
            ProjectWarning.objects.create(project=project, rule=f"rule_{n}", severity=severity, message=f"{severity} {n}",
                                          raised_on=D(2026, 11, 1 + n))
        Project.objects.filter(pk=project.pk).update(wages_owed=amount)
    scope = Project.objects.filter(pk__in=[p.pk for p in projects])
    expected = []
    for project in scope.select_related("region"):
        warnings = ProjectWarning.objects.filter(project=project, active=True).order_by("-raised_on", "pk")
        level, points, factors = risk_of(project, list(warnings), project.wages_owed)
        if level:
            expected.append((-points, project.code, project.pk, level, [(str(f), p) for f, p in factors]))
    expected.sort()
    assert len(expected) >= 4 and len({points for points, *_rest in expected}) > 1

    def shown(rows):
        return [(-r["points"], r["project"].code, r["project"].pk, r["level"], [(str(f), p) for f, p in r["factors"]])
                for r in rows]

    assert shown(risk_ranking(scope)) == expected
    with CaptureQueriesContext(connection) as queries:
        assert shown(risk_ranking(scope, limit=2)) == expected[:2]
    # Whole projects (with their region) are read once, for the two shown; the scoring reads tuples.
    loaded = [q["sql"] for q in queries.captured_queries if '"projects_project"."name"' in q["sql"]]
    assert len(loaded) == 1 and '"core_region"' in loaded[0]
    import re

    assert len(re.findall(r'"projects_project"\."id" IN \(([^)]*)\)', loaded[0])[-1].split(",")) == 2  # after the scope's
