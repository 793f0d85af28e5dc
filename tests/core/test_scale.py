"""The benchmark data generator (issue 10) at tiny scale: counts, valid identifiers, consistency with
the models' rules and the services' derived fields, and the app answering on the data. Runs on the
test database (SQLite locally, PostgreSQL when DATABASE_URL points to one)."""
import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import ric, uscc

from complaints.models import ArrearsCase, CaseEvent, CasePayment, Clue, ClueEvent, ClueSequence, zero_clearance_due
from complaints.services import clue_set_deadlines
from inspections.models import Inspection, RectificationOrder
from projects.models import DedicatedAccount, Employment, Payroll, PayrollLine, Project, Worker
from wagecase.core.choices import Role
from wagecase.core.models import Enterprise, ObjectChange, User
from wagecase.core.scale import MARKER_USERNAME, SCALES, GenerateRefused, IdNumbers, generate, make_uscc_n
from wagecase.reports.figures import summary

TINY = SCALES["tiny"]


@pytest.fixture
def generated(db):
    return generate(scale="tiny", seed=7, out=lambda line: None)


@pytest.fixture
def province_admin(make_user):
    return make_user(Role.ADMIN, "62", username="admin_province")


def test_counts_per_table(generated):
    assert Project.objects.count() == TINY.projects
    assert Worker.objects.count() == TINY.workers
    assert Employment.objects.count() == TINY.workers
    assert Clue.objects.count() == TINY.clues
    assert ArrearsCase.objects.count() == TINY.cases
    assert Inspection.objects.count() == TINY.inspections
    assert Enterprise.objects.count() == TINY.enterprises
    lines = PayrollLine.objects.count()
    assert 0.75 * TINY.workers * 12 <= lines <= TINY.workers * 12
    assert ClueEvent.objects.count() == TINY.clues and CaseEvent.objects.count() == TINY.cases
    assert 0 < RectificationOrder.objects.count() < TINY.inspections
    assert CasePayment.objects.exists() and DedicatedAccount.objects.exists()
    reported = {t["table"]: t["rows"] for t in generated["tables"]}
    assert reported["projects_payrollline"] == lines
    # A loader: nothing went through the change log.
    assert not ObjectChange.objects.exists()
    # Every county of the data is a real Gansu county.
    assert not Project.objects.exclude(region__code__startswith="62").exclude(region__level="county").exists()


def test_identifiers_are_valid_and_unique(generated):
    ids = list(Worker.objects.values_list("id_number", flat=True))
    assert len(set(ids)) == len(ids)
    assert all(ric.is_valid(n) for n in ids)
    complainants = [n for n in Clue.objects.values_list("complainant_id_number", flat=True) if n]
    reps = list(Enterprise.objects.values_list("legal_representative_id_number", flat=True))
    assert all(ric.is_valid(n) for n in complainants + reps)
    assert not set(ids) & set(complainants + reps)
    codes = list(Enterprise.objects.values_list("uscc", flat=True))
    assert len(set(codes)) == len(codes) and all(uscc.is_valid(c) for c in codes)
    # The counter schemes are injective far beyond province scale.
    make_id = IdNumbers(["620121", "620122", "620502"], seed=3)
    sample = [make_id(n) for n in range(0, 3_000_000, 997)]
    assert len(set(sample)) == len(sample) and all(ric.is_valid(n) for n in sample[:200])
    assert len({make_uscc_n(n, "620502", 3) for n in range(20_000)}) == 20_000


def test_models_validate(generated):
    """A sample of every kind of row passes the model's own full_clean()."""
    for model in (Enterprise, Project, Worker, Employment, Clue, ArrearsCase, Inspection, RectificationOrder, CasePayment):
        for obj in model.objects.order_by("?")[:15]:
            obj.full_clean()


def test_foreign_keys_and_payroll_consistent(generated):
    assert not PayrollLine.objects.exclude(project_id=F("payroll__project_id")).exists()
    assert not PayrollLine.objects.exclude(employment__project_id=F("project_id")).exists()
    # A line's month lies in the employment's time on the site.
    assert not PayrollLine.objects.filter(payroll__period__lt=F("employment__entered_on") - datetime.timedelta(days=31)).exists()
    assert not PayrollLine.objects.filter(employment__exited_on__lt=F("payroll__period")).exists()
    assert not PayrollLine.objects.filter(amount_paid__gt=F("amount_due")).exists()
    assert PayrollLine.objects.filter(amount_paid__lt=F("amount_due")).exists()  # some are underpaid
    assert not Payroll.objects.values("project", "period").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert not Project.objects.filter(status="planned").filter(roster__isnull=False).exists()
    assert not Project.objects.filter(Q(status="completed", completed_on__isnull=True)
                                      | Q(completed_on__isnull=False) & ~Q(status="completed")).exists()
    assert not Employment.objects.filter(exited_on__lt=F("entered_on")).exists()
    threshold = Decimal("3000000")
    assert not Project.objects.filter(contract_amount__gte=threshold, monitoring_required=False).exists()
    assert not Project.objects.filter(contract_amount__lt=threshold, monitoring_required=True).exists()
    # What each project owes is stored as project_refresh stores it (the risk ranking reads it).
    from projects.selectors import wages_owed

    stored = dict(Project.objects.values_list("pk", "wages_owed"))
    assert any(stored.values())
    assert stored == {pk: wages_owed(pk) for pk in stored}


def test_clue_deadlines_and_states_consistent(generated):
    now = timezone.now()
    stored = ("accept_due", "accept_warn_on", "resolve_due", "resolve_warn_on", "due_on", "warn_on")
    for clue in Clue.objects.all():
        before = {f: getattr(clue, f) for f in stored}
        clue_set_deadlines(clue)  # what the services would store
        assert before == {f: getattr(clue, f) for f in stored}, clue.number
        assert clue.region_id.startswith("62") and len(clue.region_id) == 6
        if clue.project_id:
            assert clue.project.region_id == clue.region_id
        times = [t for t in (clue.received_at, clue.accepted_at, clue.classified_at, clue.resolved_at, clue.closed_at) if t]
        assert times == sorted(times) and times[-1] <= now
        assert (clue.status == "closed") == bool(clue.closed_at)
        if clue.status in ("resolved", "closed") and clue.category != "not_accepted":
            assert clue.workers_paid <= clue.workers_involved and clue.amount_recovered <= clue.amount_claimed
    numbers = Clue.objects.values_list("number", flat=True)
    assert len(set(numbers)) == len(numbers)
    # The numbering continues after the generated clues.
    last = ClueSequence.objects.get(region_code=Clue.objects.first().region_id, year=Clue.objects.first().received_at.astimezone().year)
    assert last.last >= 1
    statuses = set(Clue.objects.values_list("status", flat=True))
    assert {"closed", "in_progress"} <= statuses
    assert Clue.objects.overdue().exists()


def test_cases_and_orders_consistent(generated):
    for case in ArrearsCase.objects.select_related("project", "source_clue", "source_inspection").annotate(
            paid=Sum("payments__amount")):
        assert case.amount_paid == (case.paid or Decimal("0")) <= case.amount_owed
        assert (case.status == "cleared") == (case.amount_paid == case.amount_owed)
        assert case.zero_clearance_due == zero_clearance_due(case.occurred_on, case.government_type)
        if case.project_id:
            assert case.project.region_id == case.region_id
            assert case.government_type == case.project.is_government_type
        if case.source_clue_id:
            assert case.source_clue.category == "wage_arrears" and case.source_clue.project_id == case.project_id
        if case.source_inspection_id:
            assert case.source_inspection.project_id == case.project_id
    assert ArrearsCase.objects.filter(source_clue__isnull=False).exists()
    for order in RectificationOrder.objects.select_related("inspection", "project"):
        assert order.items == order.inspection.failed_items and order.items
        assert order.enterprise_id == order.project.general_contractor_id and order.rectify_by > order.issued_on
    assert not Inspection.objects.filter(order__isnull=True).filter(checklist__icontains='"fail"').exists()


def test_app_answers_on_the_data(generated, province_admin, api_as, client):
    api = api_as(province_admin)
    response = api.get("/api/v1/projects/")
    assert response.status_code == 200
    assert response.json()["count"] == TINY.projects
    assert response.json()["results"]
    for url in ("/api/v1/clues/?overdue=true", "/api/v1/clues/", "/api/v1/cases/"):
        assert api.get(url).status_code == 200, url
    assert api.get("/api/v1/clues/").json()["count"] == TINY.clues
    response = api.get("/api/v1/stats/summary/", {"region_code": "62", "date_from": "2000-01-01",
                                                  "date_to": timezone.localdate().isoformat()})
    assert response.status_code == 200
    figures = response.json()
    assert figures["clues_received"] == TINY.clues
    assert figures["clues_closed"] == Clue.objects.filter(status="closed").count()
    assert figures == {**figures, **{k: (str(v) if isinstance(v, Decimal) else v) for k, v in summary(
        province_admin, region_code="62", date_from=datetime.date(2000, 1, 1), date_to=timezone.localdate()).items()
        if k not in ("date_from", "date_to")}}
    client.force_login(province_admin)
    for name in ("projects:project_list", "complaints:clue_list", "complaints:arrearscase_list"):
        assert client.get(reverse(name)).status_code == 200, name
    project = Project.objects.filter(status="in_progress").first()
    assert client.get(project.get_absolute_url()).status_code == 200


def test_refuses_a_database_with_other_data(db, make_enterprise):
    make_enterprise()
    with pytest.raises(GenerateRefused):
        generate(scale="tiny", out=lambda line: None)
    with pytest.raises(CommandError, match="--force"):
        call_command("generate_scale", "--scale", "tiny")
    assert Project.objects.count() == 0


def test_force_adds_next_to_other_data_and_rerun_replaces(db, make_enterprise):
    own = make_enterprise()
    generate(scale="tiny", seed=1, force=True, out=lambda line: None)
    assert Enterprise.objects.count() == TINY.enterprises + 1 and Enterprise.objects.filter(pk=own.pk).exists()
    # No marker: a database that held other data is never replaced by a later run.
    assert not User.objects.filter(username=MARKER_USERNAME).exists()
    with pytest.raises(GenerateRefused):
        generate(scale="tiny", seed=2, out=lambda line: None)


def test_rerun_on_generated_database_replaces_it(generated):
    call_command("generate_scale", "--scale", "tiny", "--seed", "8", stdout=open("/dev/null", "w"))
    assert Project.objects.count() == TINY.projects and Worker.objects.count() == TINY.workers


def test_production_settings_need_yes(db, settings):
    settings.DEBUG = False
    settings.SETTINGS_MODULE = "wagecase.settings.production"
    with pytest.raises(CommandError, match="--yes"):
        call_command("generate_scale", "--scale", "tiny")
