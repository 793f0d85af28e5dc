"""Issue 10: the compliance report of one project asks the database for the flagged roster entries and
the underpaid lines counted and summed by payroll, instead of loading the whole roster and every
payroll line. The outcomes must be those of the prefetched (per-row Python) path, on a project with a
bit of everything, and the report's query count must not grow with the roster."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from projects.compliance import compliance_report, evaluation_prefetch, next_month, payday_for
from projects.models import Project
from projects.services import (
    account_set, allocation_upsert, deposit_drawdown, deposit_set, notice_board_set, payroll_upsert, project_refresh,
    worker_register,
)
from wagecase.core.identifiers import make_id_number

D = dt.date


def report_paths(project, as_of):
    """The report three ways: prefetched rows (many projects at once), the API's queryset (rows
    left to the database) and a bare project (every list read on demand)."""
    prefetched = Project.objects.select_related("general_contractor", "account", "notice_board").prefetch_related(
        *evaluation_prefetch()
    ).get(pk=project.pk)
    single = Project.objects.select_related("general_contractor", "account", "notice_board", "deposit").prefetch_related(
        *evaluation_prefetch(rows=False)
    ).get(pk=project.pk)
    bare = Project.objects.get(pk=project.pk)
    return [compliance_report(p, as_of) for p in (prefetched, single, bare)]


@pytest.fixture
def mixed(make_project, rng):
    """A project started ~5 months ago: account opened in time, one allocation missing, a roster with
    a clean worker, one without a contract, one who entered before signing, one without a contract
    who has left; payrolls with underpaid lines (cents included), one paid in cash, one month
    missing; a deposit drawn down; a notice board lacking an item."""
    today = timezone.localdate()
    first = (today.replace(day=1) - dt.timedelta(days=140)).replace(day=1)
    second, third = next_month(first), next_month(next_month(first))
    project = make_project(contract_signed_on=first - dt.timedelta(days=20), start_date=first + dt.timedelta(days=3),
                           contract_amount=Decimal("12000000.00"))
    account_set(refresh=False, project=project, bank_name="甘肃银行", account_number="6230001",
                opened_on=first - dt.timedelta(days=10))
    allocation_upsert(refresh=False, project=project, period=first, amount=Decimal("300000"), paid_on=first + dt.timedelta(days=20))
    ids = {}
    people = [
        ("A-马小军", first + dt.timedelta(days=2), first + dt.timedelta(days=3), None),  # clean
        ("B-杨大山", None, first + dt.timedelta(days=3), None),  # no contract
        ("C-李春生", first + dt.timedelta(days=15), first + dt.timedelta(days=5), None),  # entered before signing
        ("D-赵已离场", None, first + dt.timedelta(days=3), first + dt.timedelta(days=25)),  # no contract, has left
    ]
    for name, signed, entered, exited in people:
        ids[name] = make_id_number(rng)
        worker_register(refresh=False, project=project, id_number=ids[name], name=name, contract_signed_on=signed,
                        entered_on=entered, exited_on=exited)

    def line(name, due, paid):
        return {"id_number": ids[name], "amount_due": Decimal(due), "amount_paid": Decimal(paid)}

    # First month: on time through the bank, two workers underpaid by 1,000.50 + 234.06 = 1,234.56.
    payroll_upsert(refresh=False, project=project, period=first, paid_on=payday_for(first, project.region_id),
                   paid_via="contractor_bank",
                   lines=[line("A-马小军", "6000", "6000"), line("B-杨大山", "6000", "4999.50"),
                          line("C-李春生", "5000.06", "4766")])
    # Second month: paid in full but in cash, after the payday.
    payroll_upsert(refresh=False, project=project, period=second,
                   paid_on=payday_for(second, project.region_id) + dt.timedelta(days=1), paid_via="cash",
                   lines=[line("A-马小军", "6000", "6000"), line("C-李春生", "6000", "6000")])
    # Third month: no payroll (due by the time of the report).
    deposit_set(refresh=False, project=project, form="cash", amount=Decimal("240000"), deposited_on=first)
    deposit_drawdown(refresh=False, project=project, amount=Decimal("50000"), drawn_on=third, reason="动用保证金支付欠薪")
    notice_board_set(refresh=False, project=project, installed_on=first + dt.timedelta(days=5),
                     items=["builder", "general_contractor", "subcontractors", "regulator", "wage_officer",
                            "minimum_wage", "payday", "complaint_hotlines"])
    project_refresh(project=project)
    return project, ids, first, second, third


def test_mixed_project_same_outcomes_on_every_path(mixed):
    project, _ids, first, second, third = mixed
    today = timezone.localdate()
    for as_of in (today, first + dt.timedelta(days=20), next_month(second) + dt.timedelta(days=20)):
        prefetched, single, bare = report_paths(project, as_of)
        assert prefetched == single == bare, as_of

    report = report_paths(project, today)[1]
    systems = report["systems"]
    assert systems["real_name"]["status"] == "deficient"
    problems = systems["real_name"]["problems"]
    # B (no contract) and C (entered before signing), by name; not D, who has left, nor A.
    assert len(problems) == 2
    assert "B-杨大山" in problems[0] and "C-李春生" in problems[1]
    assert not any("A-马小军" in p or "D-赵已离场" in p for p in problems)

    assert systems["contractor_payroll"]["status"] == "deficient"
    payroll_problems = " | ".join(systems["contractor_payroll"]["problems"])
    assert "1,234.56" in payroll_problems  # the owed sum, exact to the cent
    assert len([p for p in systems["contractor_payroll"]["problems"] if "1,234.56" in p]) == 1
    assert systems["dedicated_account"]["status"] == "deficient"  # later months not allocated
    assert systems["wage_deposit"]["status"] == "deficient"  # 240,000 less 50,000 drawn
    assert systems["notice_board"]["status"] == "deficient"
    assert report["score"] == 50


def test_planned_and_empty_roster_same_on_every_path(make_project):
    today = timezone.localdate()
    planned = make_project(status="planned", start_date=today + dt.timedelta(days=30),
                           planned_end_date=today + dt.timedelta(days=400))
    empty = make_project(start_date=today - dt.timedelta(days=60), contract_signed_on=today - dt.timedelta(days=70))
    for project in (planned, empty):
        prefetched, single, bare = report_paths(project, today)
        assert prefetched == single == bare
    assert report_paths(empty, today)[1]["systems"]["real_name"]["status"] == "missing"
    assert report_paths(planned, today)[1]["systems"]["real_name"]["status"] == "not_applicable"


def _staff(project, rng, n, first):
    ids = []
    for i in range(n):
        ids.append(make_id_number(rng))
        worker_register(refresh=False, project=project, id_number=ids[-1], name=f"工人{i:03d}",
                        contract_signed_on=None if i % 3 == 0 else first, entered_on=first + dt.timedelta(days=3))
    for period in (first, next_month(first)):
        payroll_upsert(refresh=False, project=project, period=period, paid_on=payday_for(period, project.region_id),
                       paid_via="contractor_bank",
                       lines=[{"id_number": i, "amount_due": Decimal("5000"), "amount_paid": Decimal("4800" if n % 2 else "5000")}
                              for i in ids])


def test_compliance_endpoint_queries_do_not_grow_with_the_roster(inspector, api_as, make_project, rng,
                                                                 django_assert_max_num_queries):
    today = timezone.localdate()
    first = (today.replace(day=1) - dt.timedelta(days=100)).replace(day=1)
    counts = []
    client = api_as(inspector)
    for n in (5, 50):
        project = make_project(contract_signed_on=first - dt.timedelta(days=10), start_date=first + dt.timedelta(days=2))
        account_set(refresh=False, project=project, bank_name="农业银行", account_number="1", opened_on=first)
        deposit_set(refresh=False, project=project, form="cash", amount=Decimal("100000"), deposited_on=first)
        _staff(project, rng, n, first)
        client.get(f"/api/v1/projects/{project.code}/compliance/")  # warm the caches (policy, calendar)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/projects/{project.code}/compliance/")
        assert response.status_code == 200
        assert response.json() == compliance_report(Project.objects.get(pk=project.pk), today) | {"as_of": today.isoformat()}
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts
    # 10 here: token, the project with its one-to-ones, allocations, payrolls, drawdowns, the flagged
    # roster entries, the underpaid lines by payroll, and the deposit rule's arrears years, first
    # contract and blacklist. (+1 EXISTS when nobody is flagged, +2 when the deposit rule looks at
    # real-name and account for an exemption.)
    with django_assert_max_num_queries(13):
        client.get(f"/api/v1/projects/{project.code}/compliance/")
