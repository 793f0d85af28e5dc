"""The projects' demo data: a lived-in Tianshui with rosters, payroll, arrears, deposits and warnings.

Seeding takes a while, so it runs once for the module, inside a transaction that is rolled back at
the end (each test runs in a savepoint within it)."""
import datetime
import io
import random
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Sum
from stdnum.cn import ric

from projects import demo as projects_demo
from projects.choices import DepositForm, InvestmentType, ProjectStatus
from projects.models import (
    Allocation, Attendance, DepositDrawdown, Employment, NoticeBoard, Payroll, PayrollLine, Project, ProjectSubcontractor,
    ProjectWarning, WageDeposit, Worker, WorkTeam,
)
from projects.selectors import project_arrears
from wagecase.core.choices import EnterpriseRole, Industry
from wagecase.core.models import ObjectChange

COUNTIES = ["620502", "620503", "620521", "620522", "620523", "620524", "620525"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            out = io.StringIO()
            call_command("seed_demo", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


def demo_projects():
    return Project.objects.filter(code__startswith=f"{projects_demo.CODE_PREFIX}-")


def test_projects_cover_the_county(demo, db):
    projects = demo_projects()
    assert 280 <= projects.count() <= 320
    assert set(projects.values_list("status", flat=True)) == set(ProjectStatus.values)
    assert set(projects.values_list("investment_type", flat=True)) == set(InvestmentType.values)
    assert set(projects.values_list("industry", flat=True)) == set(Industry.values)
    statuses = Counter(projects.values_list("status", flat=True))
    assert statuses.most_common(1)[0][0] == ProjectStatus.IN_PROGRESS
    per_county = Counter(projects.values_list("region_id", flat=True))
    assert set(per_county) == set(COUNTIES)
    assert min(per_county["620502"], per_county["620503"]) > max(per_county[c] for c in COUNTIES[2:])
    amounts = sorted(projects.values_list("contract_amount", flat=True))
    assert amounts[0] < Decimal("1000000") and amounts[-1] > Decimal("300000000")
    assert projects.filter(monitoring_required=False).exists() and projects.filter(monitoring_required=True).exists()
    assert projects.filter(name="秦州区藉河南岸棚户区改造项目（二期）").exists()
    assert projects.values("name").distinct().count() == projects.count()

    today = datetime.date.today()
    assert not projects.filter(contract_signed_on__lt=today - datetime.timedelta(days=31 * 31)).exists()
    assert not projects.exclude(status=ProjectStatus.PLANNED).filter(start_date__gt=today).exists()
    assert not projects.filter(status=ProjectStatus.PLANNED, start_date__lte=today).exists()
    for project in projects.select_related("builder", "general_contractor", "regulator", "township"):
        assert EnterpriseRole.BUILDER in project.builder.roles
        assert EnterpriseRole.GENERAL_CONTRACTOR in project.general_contractor.roles
        assert project.regulator is not None
        assert project.township_id.startswith(project.region_id) and len(project.township_id) == 9
        assert project.contract_signed_on <= project.start_date
        assert (project.status == ProjectStatus.COMPLETED) == (project.completed_on is not None)
        project.full_clean()
    assert ProjectSubcontractor.objects.filter(project__in=projects).exists()
    assert WorkTeam.objects.filter(project__in=projects).exclude(leader_name="").count() > 300


def test_rosters_are_real_people(demo, db):
    projects = demo_projects()
    roster = Employment.objects.filter(project__in=projects)
    assert roster.count() > 2000
    workers = Worker.objects.filter(employments__project__in=projects).distinct()
    assert workers.count() > 2000
    for id_number in workers.values_list("id_number", flat=True):
        assert ric.is_valid(id_number), id_number
    gansu = sum(1 for i in workers.values_list("id_number", flat=True) if i.startswith("62"))
    assert gansu / workers.count() > 0.85
    assert len(set(roster.values_list("trade", flat=True))) >= 10

    # One person, many projects: a few hundred worked on two, one after the other.
    shared = Worker.objects.annotate(n=Count("employments")).filter(n=2)
    assert 100 <= shared.count() <= 500
    for worker in shared[:100]:
        first, second = sorted(worker.employments.all(), key=lambda e: e.entered_on)
        assert first.project_id != second.project_id
        assert first.exited_on is not None and first.exited_on < second.entered_on

    # Per active project 8-40 workers; most signed a day or more before entering, a few did not.
    sizes = Counter(roster.filter(project__status=ProjectStatus.IN_PROGRESS).values_list("project_id", flat=True))
    assert max(sizes.values()) <= 40 and sorted(sizes.values())[len(sizes) // 10] >= 8
    signed_before = roster.filter(contract_signed_on__lt=F("entered_on")).count()
    assert signed_before / roster.count() > 0.9
    assert roster.filter(contract_signed_on__gt=F("entered_on")).exists()
    assert roster.filter(contract_signed_on__isnull=True).exists()
    assert not projects.filter(status=ProjectStatus.PLANNED, roster__isnull=False).exists()


def test_months_of_money(demo, db):
    projects = demo_projects()
    this_month = datetime.date.today().replace(day=1)
    assert not Payroll.objects.filter(project__in=projects, period__gte=this_month).exists()
    assert not Allocation.objects.filter(project__in=projects, period__gte=this_month).exists()
    lines = PayrollLine.objects.filter(project__in=projects)
    assert lines.count() > 5000
    assert Attendance.objects.filter(project__in=projects).count() >= lines.count()
    # Each line is the worker's daily wage times the days attended that month.
    for line in lines.select_related("employment", "payroll")[:300]:
        attended = Attendance.objects.get(employment=line.employment, period=line.payroll.period)
        assert line.amount_due == (line.employment.daily_wage * attended.days).quantize(Decimal("0.01"))
        assert Decimal("180") <= line.employment.daily_wage <= Decimal("400")
        assert line.payroll.paid_on is None or line.payroll.paid_on > line.payroll.period
    vias = Counter(Payroll.objects.filter(project__in=projects).values_list("paid_via", flat=True))
    assert vias.most_common(1)[0][0] == "contractor_bank" and len(vias) == 3
    history = Payroll.objects.filter(project__in=projects).values("project").annotate(n=Count("pk"))
    assert max(row["n"] for row in history) >= 10
    assert Allocation.objects.filter(project__in=projects).count() > 500


def test_arrears_are_concentrated_and_warned(demo, db):
    projects = demo_projects()
    worked = projects.exclude(status=ProjectStatus.PLANNED).count()
    owed = dict(
        PayrollLine.objects.filter(project__in=projects, amount_paid__lt=F("amount_due"))
        .values("project").annotate(owed=Sum(F("amount_due") - F("amount_paid"))).values_list("project", "owed")
    )
    assert 0.05 <= len(owed) / worked <= 0.2
    big = [Project.objects.get(pk=pk) for pk, amount in owed.items() if amount >= 100000]
    assert any(project_arrears(p)["workers_owed"] >= 30 for p in big)
    red = set(ProjectWarning.objects.filter(project__in=projects, active=True, severity="red").values_list("project_id", flat=True))
    assert red & set(owed)
    assert ProjectWarning.objects.filter(project__in=projects, active=True, rule="underpaid", severity="red").exists()
    assert set(ProjectWarning.objects.filter(project__in=projects, active=True).values_list("severity", flat=True)) == {
        "red", "orange", "yellow"}
    # ... while many projects keep every system in place.
    assert projects.filter(compliance_score=100).count() >= 50
    assert projects.filter(compliance_score__lt=60).exists()
    assert not projects.filter(compliance_evaluated_on__isnull=True).exists()


def test_deposits_and_boards(demo, db):
    projects = demo_projects()
    deposits = WageDeposit.objects.filter(project__in=projects)
    assert set(deposits.exclude(form="").values_list("form", flat=True)) == set(DepositForm.values)
    assert deposits.filter(exempt=True).exclude(exemption_reason="").exists()
    assert projects.filter(deposit__isnull=True).exclude(status=ProjectStatus.PLANNED).exists()
    assert ProjectWarning.objects.filter(project__in=projects, active=True, rule="deposit_short").exists()
    drawdowns = DepositDrawdown.objects.filter(project__in=projects)
    assert drawdowns.filter(topped_up_on__isnull=False).exists() and drawdowns.filter(topped_up_on__isnull=True).exists()
    assert ProjectWarning.objects.filter(project__in=projects, active=True, rule="topup_overdue").exists()

    boards = NoticeBoard.objects.filter(project__in=projects)
    complete = [b for b in boards if not b.missing_items]
    assert len(complete) > boards.count() / 2
    assert len(complete) < boards.count()
    assert projects.exclude(status=ProjectStatus.PLANNED).filter(notice_board__isnull=True).exists()


def test_the_plan_is_reproducible(demo, db):
    ctx = projects_demo.Context(datetime.date.today())
    first = projects_demo.make_plan(random.Random(7), ctx)
    second = projects_demo.make_plan(random.Random(7), ctx)
    assert [(s.code, s.name, s.status) for s in first] == [(s.code, s.name, s.status) for s in second]
    for a, b in zip(first[:20], second[:20]):
        projects_demo.build_spec(a, ctx)
        projects_demo.build_spec(b, ctx)
        assert a.fields == b.fields and [vars(s) for s in a.slots] == [vars(s) for s in b.slots]


def test_rerun_creates_nothing(demo, db):
    models = [Project, Worker, Employment, Attendance, Payroll, PayrollLine, Allocation, WageDeposit, DepositDrawdown,
              NoticeBoard, WorkTeam, ProjectSubcontractor, ProjectWarning, ObjectChange]
    before = {m.__name__: m.objects.count() for m in models}
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert {m.__name__: m.objects.count() for m in models} == before
    assert "0 new" in out.getvalue()


def test_the_seeding_tells_the_planner_how_many_rows_it_wrote(demo, db):
    """Inside the seeding's transaction autovacuum sees nothing; a table last analyzed while empty was
    planned as holding 0 rows, and the deposits' per-contractor queries took 3 s each (CI, 18 minutes).
    The seeders ANALYZE what they wrote, inside their transaction."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    with connection.cursor() as cursor:
        for model in (PayrollLine, Payroll, Employment, Worker, Project):
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table])
            estimated = cursor.fetchone()[0]
            actual = model.objects.count()
            assert actual > 0 and 0.5 * actual <= estimated <= 2 * actual, (model.__name__, estimated, actual)
