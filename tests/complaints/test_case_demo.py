"""The arrears cases' demo data: a small run of the seeder (40 cases) on the core demo, a few projects
and a small clue seed. Seeding takes a while, so it runs once for the module, inside a transaction
rolled back at the end (each test runs in a savepoint within it)."""
import datetime
import io
import random
from collections import Counter
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from complaints import case_demo
from complaints import demo as clues_demo
from complaints.choices import CaseStatus, ClueCategory, IncidentKind, PaymentSource, ReferralStatus, SupervisionLevel
from complaints.models import ArrearsCase, CaseEvent, CasePayment, CriminalReferral, Incident
from projects.models import Project
from projects.services import deposit_set, project_save
from wagecase.core.choices import ChangeSource, EnterpriseRole
from wagecase.core.context import change_context
from wagecase.core.demo import COUNTIES, seed_core
from wagecase.core.models import Enterprise, ObjectChange

CLUES = 120
CASES = 40


def _projects(rng):
    """Two projects per county (one government-investment, one social), under way for two years; a wage
    deposit on those of 秦州区."""
    today = timezone.localdate()
    builders = [e for e in Enterprise.objects.order_by("name") if EnterpriseRole.BUILDER in e.roles]
    contractors = [e for e in Enterprise.objects.order_by("name") if EnterpriseRole.GENERAL_CONTRACTOR in e.roles]
    for i, county in enumerate(COUNTIES):
        for j, (industry, investment) in enumerate([("housing", "government"), ("transport", "social")]):
            project = project_save(project=Project(
                code=f"TS-C-{county}-{j}", name=f"案件演示测试项目{county}-{j}", region_id=county, investment_type=investment,
                industry=industry, contract_amount=Decimal("30000000.00"), contract_signed_on=today - datetime.timedelta(days=800),
                start_date=today - datetime.timedelta(days=790), planned_end_date=today + datetime.timedelta(days=300),
                status="in_progress", builder=rng.choice(builders), general_contractor=contractors[(2 * i + j) % len(contractors)],
            ))
            if county == "620502":
                deposit_set(project=project, form="cash", amount=Decimal("600000.00"),
                            deposited_on=today - datetime.timedelta(days=780))


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            out = io.StringIO()

            def write(line):
                out.write(line + "\n")

            with change_context(source=ChangeSource.COMMAND, label="test seed_demo"):
                seed_core(random.Random("test:core"), write)
                _projects(random.Random("test:projects"))
                clues_demo.seed_clues(random.Random("test:clues"), write, count=CLUES)
                case_demo.seed_cases(random.Random("test:cases"), write, count=CASES)
            yield out.getvalue()
            transaction.set_rollback(True)


def demo_cases():
    return ArrearsCase.objects.filter(region__code__startswith="6205")


def test_every_status_county_and_source(seeded, db):
    cases = demo_cases()
    assert cases.count() == CASES
    assert f"cases: {CASES} ({CASES} new)" in seeded
    assert set(cases.values_list("status", flat=True)) == set(CaseStatus.values)
    cleared = cases.filter(status=CaseStatus.CLEARED).count()
    assert 0.35 <= cleared / CASES <= 0.8
    counties = Counter(cases.values_list("region_id", flat=True))
    assert set(counties) <= set(COUNTIES) and counties.most_common(1)[0][0] == "620502" and len(counties) >= 4
    from_clues = cases.filter(source_clue__isnull=False)
    assert from_clues.count() >= CASES * 0.2
    for case in from_clues.select_related("source_clue"):
        clue = case.source_clue
        assert clue.category == ClueCategory.WAGE_ARREARS and (clue.employer_id or clue.employer_uscc)
        assert case.region_id == clue.region_id and case.project_id == clue.project_id
    direct = cases.filter(source_clue__isnull=True)
    assert direct.filter(project__isnull=False).exists()
    for case in direct.filter(project__isnull=False).select_related("project"):
        assert case.project.region_id == case.region_id
        assert case.government_type == case.project.is_government_type
    assert cases.filter(government_type=True).exists() and cases.filter(government_type=False).exists()


def test_five_haves_supervision_and_dates(seeded, db):
    today = timezone.localdate()
    cases = demo_cases()
    for case in cases:
        case.full_clean()
        for name in ("responsible_unit", "responsible_leader", "responsible_person", "measures"):
            assert getattr(case, name).strip(), (case.pk, name)
        assert case.responsible_leader.endswith(("副区长）", "副县长）"))
        assert case.occurred_on <= today and case.deadline >= case.occurred_on
        assert case.occurred_on >= today - datetime.timedelta(days=440)
        assert case.zero_clearance_due == case_demo.zero_clearance_due(case.occurred_on, case.government_type)
        if case.supervision_level != SupervisionLevel.NONE:
            assert case.leader_in_charge
    levels = Counter(cases.values_list("supervision_level", flat=True))
    assert levels.most_common(1)[0][0] == SupervisionLevel.NONE
    assert levels[SupervisionLevel.PROVINCE] >= 1 and levels[SupervisionLevel.CITY] + levels[SupervisionLevel.COUNTY] >= 2
    now = timezone.now()
    assert not CaseEvent.objects.filter(case__in=cases, created__gt=now).exists()
    # The patched clock: the timeline and the change log reach back months.
    assert CaseEvent.objects.filter(case__in=cases, created__lt=now - datetime.timedelta(days=200)).exists()
    assert ObjectChange.objects.filter(changed_object_type__model="arrearscase", time__lt=now - datetime.timedelta(days=200)).exists()


def test_payments_within_owed(seeded, db):
    today = timezone.localdate()
    cases = demo_cases().prefetch_related("payments")
    for case in cases:
        payments = list(case.payments.all())
        total = sum((p.amount for p in payments), Decimal("0"))
        assert total == case.amount_paid <= case.amount_owed, case.pk
        assert sum(p.workers for p in payments) == case.workers_paid <= case.workers_owed
        for payment in payments:
            assert case.occurred_on <= payment.paid_on <= today
            assert (payment.source == PaymentSource.DEPOSIT) == (payment.drawdown_id is not None)
        if case.status == CaseStatus.CLEARED:
            assert case.amount_outstanding == 0 and case.cleared_on == max(p.paid_on for p in payments)
        else:
            assert case.amount_outstanding > 0 and case.cleared_on is None
    open_cases = demo_cases().filter(status=CaseStatus.OPEN)
    assert open_cases.filter(amount_paid__gt=0).exists()
    sources = set(CasePayment.objects.filter(case__in=demo_cases()).values_list("source", flat=True))
    assert {PaymentSource.ENTERPRISE, PaymentSource.DEPOSIT} <= sources and len(sources) >= 3
    assert CasePayment.objects.filter(case__in=demo_cases()).values("case").annotate(n=Sum(1)).filter(n__gte=2).exists()


def test_clear_to_zero_story(seeded, db):
    today = timezone.localdate()
    cases = demo_cases()
    overdue = cases.filter(status=CaseStatus.OPEN, zero_clearance_due__lt=today)
    assert overdue.exists()
    assert overdue.count() <= 3  # only the pinned ones: the rest of the past cleared
    assert cases.filter(status=CaseStatus.OPEN, zero_clearance_due__gte=today).exists()
    assert cases.filter(status=CaseStatus.CLEARED, occurred_on__year=today.year - 1).exists()


def test_key_monitoring(seeded, db):
    cases = demo_cases()
    key = cases.filter(key_monitoring=True)
    assert key.count() >= 2
    assert key.filter(amount_owed__gte=Decimal("1000000")).exists()
    for case in cases:
        assert case.key_monitoring == (case.amount_owed >= Decimal("1000000") or case.workers_owed >= 30)


def test_orders_and_referrals(seeded, db):
    today = timezone.localdate()
    cases = demo_cases()
    ordered = cases.filter(order_issued_on__isnull=False)
    assert ordered.count() >= CASES * 0.15
    assert any(c.order_ignored(today) for c in ordered)
    assert any(not c.order_ignored(today) for c in ordered)
    for case in cases.filter(compensation_percent__isnull=False):
        assert 50 <= case.compensation_percent <= 100 and case.order_ignored(case.compensation_ordered_on)
    referrals = CriminalReferral.objects.filter(case__in=cases).select_related("case")
    assert 4 <= referrals.count() <= 6
    assert {ReferralStatus.REFERRED, ReferralStatus.FILED, ReferralStatus.PROSECUTED, ReferralStatus.CONVICTED} <= set(
        referrals.values_list("status", flat=True))
    for referral in referrals:
        case = referral.case
        assert case.order_ignored(referral.referred_on) and case.criminal_threshold_met()
        assert case.order_pay_by < referral.referred_on <= today and referral.police_unit


def test_incidents(seeded, db):
    incidents = Incident.objects.filter(region__code__startswith="6205")
    assert incidents.count() >= 6
    assert set(incidents.values_list("kind", flat=True)) == set(IncidentKind.values)
    late = [i.report_late for i in incidents]
    assert True in late and False in late
    assert incidents.filter(serious=True).exists()
    now = timezone.now()
    for incident in incidents:
        incident.full_clean()
        assert incident.reported_at >= incident.occurred_at and incident.occurred_at <= now
        if incident.case_id:
            assert incident.case.region_id == incident.region_id
            assert CaseEvent.objects.filter(case=incident.case, type="incident", parameters__incident=incident.pk).exists()
        if incident.closed_at:
            assert incident.closing_report and incident.occurred_at < incident.closed_at <= now
    assert incidents.filter(case__isnull=False).count() > incidents.count() / 2
    assert incidents.filter(closed_at__isnull=False).exists() and incidents.filter(closed_at__isnull=True).exists()


def test_rerun_creates_nothing(seeded, db):
    counts = lambda: (ArrearsCase.objects.count(), CasePayment.objects.count(), CaseEvent.objects.count(),  # noqa: E731
                      Incident.objects.count(), ObjectChange.objects.count())
    before = counts()
    out = []
    with change_context(source=ChangeSource.COMMAND, label="test seed_demo"):
        case_demo.seed_cases(random.Random("test:cases"), out.append, count=CASES)
    assert counts() == before
    assert "(0 new)" in out[0]


def test_the_plan_is_reproducible(seeded, db):
    def plan():
        ctx = case_demo.Context(timezone.localdate(), timezone.now(), random.Random(3))
        plans, incidents = case_demo.make_plan(random.Random(5), ctx, 30)
        return ([(p.region, p.occurred_on, p.amount_owed, p.workers_owed, [(s[0], s[2]) for s in p.steps]) for p in plans],
                [(i.kind, i.occurred_at) for i in incidents])

    assert plan() == plan()
