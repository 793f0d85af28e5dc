"""The inspections' demo data: a small run of the seeder (40 inspections) on the core demo, two projects
per county and a few clues.

Seeding takes a while, so it runs once for the module, inside a transaction that is rolled back at
the end (each test runs in a savepoint within it)."""
import datetime
import io
import random
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from complaints import demo as clues_demo
from inspections import demo as inspections_demo
from inspections import services
from inspections.choices import CampaignKind, InspectionMethod, OrderStatus, PhaseKind
from inspections.models import (
    PENALTY_RANGES, Campaign, DocumentPrefix, Draw, Inspection, PenaltyDecision, RectificationOrder, Reinspection,
)
from projects.models import Project
from projects.services import project_save
from wagecase.core.choices import ChangeSource, EnterpriseRole
from wagecase.core.context import change_context
from wagecase.core.demo import CITY, COUNTIES, seed_core
from wagecase.core.models import Enterprise, ObjectChange
from wagecase.core.models.regions import ancestor_codes

COUNT = 40


def _projects(rng):
    """Two projects per county, built by the demo's own contractors, under way for a year and more."""
    today = timezone.localdate()
    builders = [e for e in Enterprise.objects.order_by("name") if EnterpriseRole.BUILDER in e.roles]
    contractors = [e for e in Enterprise.objects.order_by("name") if EnterpriseRole.GENERAL_CONTRACTOR in e.roles]
    for i, county in enumerate(COUNTIES):
        for j, industry in enumerate(["housing", "transport"]):
            project_save(project=Project(
                code=f"TS-T-{county}-{j}", name=f"演示测试项目{county}-{j}", region_id=county,
                investment_type=["social", "government"][j], industry=industry, contract_amount=Decimal("12000000.00"),
                contract_signed_on=today - datetime.timedelta(days=700), start_date=today - datetime.timedelta(days=690),
                planned_end_date=today + datetime.timedelta(days=300), status="in_progress", builder=rng.choice(builders),
                general_contractor=contractors[(2 * i + j) % len(contractors)], injury_insurance=j == 0,
            ))


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
                clues_demo.seed_clues(random.Random("test:clues"), write, count=60)
                inspections_demo.seed_inspections(random.Random("test:inspections"), write, count=COUNT)
            yield out.getvalue()
            transaction.set_rollback(True)


def demo_inspections():
    return Inspection.objects.filter(project__region__code__startswith=CITY)


def demo_orders():
    return RectificationOrder.objects.filter(project__region__code__startswith=CITY)


def test_campaigns(seeded, db):
    today = timezone.localdate()
    winter = Campaign.objects.get(kind=CampaignKind.WINTER)
    start, eve = inspections_demo.winter_season(today)
    assert (winter.starts_on, winter.ends_on) == (start, eve) and start.month == 11 and start.day == 1
    assert winter.name == f"{start.year}—{start.year + 1}年度冬季根治欠薪专项行动"
    assert winter.region_id == CITY and winter.daily_reporting
    assert winter.target_inspected_percent == winter.target_rectified_percent == Decimal("100")
    phases = list(winter.phases.all())
    assert [p.kind for p in phases] == [PhaseKind.PUBLICITY, PhaseKind.SCREENING, PhaseKind.ENFORCEMENT, PhaseKind.CONSOLIDATION]
    assert phases[0].starts_on == start and phases[-1].ends_on == eve
    for before, after in zip(phases, phases[1:]):
        assert after.starts_on == before.ends_on + datetime.timedelta(days=1)
    if start <= today <= eve:  # the winter season: the campaign is under way
        assert winter.current_phase(today) is not None
    summer = Campaign.objects.get(kind=CampaignKind.SUMMER)
    assert summer.ends_on < today and summer.phases.count() == 4
    assert summer.inspections.exists() and winter.inspections.exists()
    assert not demo_inspections().filter(campaign=summer).exclude(inspected_on__range=(summer.starts_on, summer.ends_on)).exists()
    assert not demo_inspections().filter(campaign=winter).exclude(inspected_on__range=(winter.starts_on, winter.ends_on)).exists()


def test_draws(seeded, db):
    today = timezone.localdate()
    published = Draw.objects.get(region_id="620502", published=True, campaign__kind=CampaignKind.WINTER)
    assert services.draw_verify(published)
    assert published.inspector_pool == sorted(u.username for u in services.inspector_pool_for("620502"))
    assert len(published.inspector_pool) >= 2
    assert timezone.localtime(published.drawn_at).date() < today
    drawn = {row["project"]: set(row["inspectors"]) for row in published.result}
    inspected = published.inspections.prefetch_related("inspectors")
    assert inspected.exists()
    for inspection in inspected:
        assert inspection.method == InspectionMethod.DOUBLE_RANDOM
        assert set(inspection.inspectors.values_list("username", flat=True)) == drawn[inspection.project.code]
    unpublished = Draw.objects.filter(published=False).exclude(region_id="620502")
    assert unpublished.count() == 1 and services.draw_verify(unpublished.get())
    assert not unpublished.get().inspections.exists()


def test_inspections(seeded, db):
    today = timezone.localdate()
    inspections = demo_inspections().prefetch_related("inspectors").select_related("project", "clue")
    assert inspections.count() == COUNT
    assert f"inspections: {COUNT} ({COUNT} new)" in seeded
    assert set(inspections.values_list("method", flat=True)) == set(InspectionMethod.values)
    assert not inspections.filter(inspected_on__gt=today).exists()
    assert inspections.filter(inspected_on__lt=today - datetime.timedelta(days=100)).exists()
    # The plan draws projects at random: spread over (nearly) every county, whatever day it runs.
    assert len(set(inspections.values_list("project__region_id", flat=True))) >= len(COUNTIES) - 2
    failed = 0
    for inspection in inspections:
        inspection.full_clean()
        inspectors = list(inspection.inspectors.all())
        assert len(inspectors) >= 2
        codes = set(ancestor_codes(inspection.project.region_id))
        for user in inspectors:
            assert user.role in services.INSPECTOR_ROLES and user.jurisdiction_id in codes, (inspection.pk, user.username)
        assert inspection.findings and inspection.interview_notes and inspection.workers_interviewed >= 3
        if inspection.failed_items:
            failed += 1
            order = inspection.order
            assert order.items == inspection.failed_items and order.issued_on == inspection.inspected_on
            assert set(inspection.checklist_notes) >= set(inspection.failed_items)
        else:
            assert not RectificationOrder.objects.filter(inspection=inspection).exists()
        if inspection.method == InspectionMethod.COMPLAINT:
            assert inspection.clue.project_id == inspection.project_id
            assert timezone.localtime(inspection.clue.received_at).date() < inspection.inspected_on
    assert 0.25 <= failed / COUNT <= 0.45


def test_orders_in_every_state(seeded, db):
    today = timezone.localdate()
    orders = demo_orders()
    assert set(orders.values_list("status", flat=True)) == set(OrderStatus.values)
    for order in orders.prefetch_related("reinspections"):
        assert order.status == order.current_status(today), order.number
        reinspections = list(order.reinspections.all())
        assert all(order.issued_on <= r.reinspected_on < today for r in reinspections)
        if order.status == OrderStatus.OPEN:
            assert order.rectify_by >= today and not any(r.rectified for r in reinspections)
        elif order.status == OrderStatus.OVERDUE:
            assert order.rectify_by < today and not any(r.rectified for r in reinspections)
        elif order.status == OrderStatus.CLOSED:
            assert reinspections[-1].rectified and reinspections[-1].reinspected_on == order.closed_on
        else:
            last = reinspections[-1]
            assert not last.rectified and last.reinspected_on > order.rectify_by
            assert order.escalated_on == last.reinspected_on
    # Numbers: each county's own prefix, numbered in the order of issue within a year.
    prefixes = {p.region_id: p.prefix for p in DocumentPrefix.objects.filter(kind="rectification_order")}
    assert set(COUNTIES) | {CITY} <= set(prefixes) and len(set(prefixes.values())) == len(prefixes)
    for county in COUNTIES:
        numbers = list(orders.filter(project__region_id=county).order_by("issued_on", "pk").values_list("number", flat=True))
        for n, number in enumerate(numbers, 1):
            match = re.fullmatch(r"(.+)〔(\d{4})〕第(\d+)号", number)
            assert match and match[1] == prefixes[county], number
        by_year = Counter(re.search(r"〔(\d{4})〕", n)[1] for n in numbers)
        for year, count in by_year.items():
            got = sorted(int(re.search(r"第(\d+)号", n)[1]) for n in numbers if f"〔{year}〕" in n)
            assert got == list(range(1, count + 1)), (county, year, got)


def test_penalties_in_range(seeded, db):
    penalties = PenaltyDecision.objects.filter(project__region__code__startswith=CITY).select_related("order")
    assert penalties.exists()
    for penalty in penalties:
        penalty.full_clean()
        low, high, stoppage = PENALTY_RANGES[penalty.article]
        assert low <= penalty.amount <= high
        assert stoppage or not penalty.work_stoppage
        assert penalty.order.status == OrderStatus.ESCALATED
        assert penalty.order.escalated_on < penalty.decided_on < timezone.localdate()
        assert penalty.facts and penalty.order.number in penalty.facts
        assert re.fullmatch(r".+人社监罚〔\d{4}〕第\d+号", penalty.number)


def test_change_log(seeded, db):
    now = timezone.now()
    changes = ObjectChange.objects.filter(changed_object_type__app_label="inspections")
    for model in ("campaign", "campaignphase", "draw", "inspection", "rectificationorder", "reinspection", "penaltydecision",
                  "documentprefix"):
        assert changes.filter(changed_object_type__model=model).exists(), model
    # Written under the patched clock, by the officers who acted.
    created = changes.filter(changed_object_type__model="inspection", action="create")
    assert created.count() == COUNT and not created.filter(user__isnull=True).exists()
    assert created.filter(time__lt=now - datetime.timedelta(days=100)).exists() and not changes.filter(time__gt=now).exists()
    # The daily overdue job ran on its days, as a task.
    assert changes.filter(changed_object_type__model="rectificationorder", source=ChangeSource.TASK).exists()


def test_rerun_creates_nothing(seeded, db):
    def counts():
        return (Campaign.objects.count(), Draw.objects.count(), Inspection.objects.count(), RectificationOrder.objects.count(),
                Reinspection.objects.count(), PenaltyDecision.objects.count(), DocumentPrefix.objects.count(),
                ObjectChange.objects.count())

    before = counts()
    out = []
    with change_context(source=ChangeSource.COMMAND, label="test seed_demo"):
        inspections_demo.seed_inspections(random.Random("test:inspections"), out.append, count=COUNT)
    assert counts() == before
    assert "(0 new)" in out[0]


def test_the_plan_is_reproducible(seeded, db):
    ctx = inspections_demo.Context(timezone.localdate(), timezone.now())

    def plan():
        events, visits, draws = inspections_demo.make_plan(random.Random(5), ctx, 30)
        return ([(e.when, e.kind, e.user) for e in events],
                [(v.day, v.project.code, v.method, v.team, v.failed, v.outcome, v.rectify_by) for v in visits],
                [(d.key, d.seed, d.result) for d in draws])

    first = plan()
    assert first == plan()
    assert all(v[0] < timezone.localdate() for v in first[1])
