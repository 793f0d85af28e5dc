"""The clues' demo data: a small run of the seeder (120 clues) on the core demo and a few projects.

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
from django.db.models import F
from django.utils import timezone
from stdnum.cn import ric

from complaints import demo as clues_demo
from complaints.choices import Channel, ClueCategory, ClueEventType, ClueStatus
from complaints.models import Clue, ClueDuplicate, ClueEvent
from projects.models import Project
from projects.services import project_save
from wagecase.core.choices import ChangeSource, EnterpriseRole
from wagecase.core.context import change_context
from wagecase.core.demo import COUNTIES, seed_core
from wagecase.core.models import Enterprise, Notification, ObjectChange
from wagecase.core.validators import validate_phone

COUNT = 120


def _projects(rng):
    """Two projects per county, built by the demo's own contractors, under way for a year and more."""
    today = timezone.localdate()
    builders = [e for e in Enterprise.objects.order_by("name") if EnterpriseRole.BUILDER in e.roles]
    contractors = [e for e in Enterprise.objects.order_by("name") if EnterpriseRole.GENERAL_CONTRACTOR in e.roles]
    for i, county in enumerate(COUNTIES):
        for j, industry in enumerate(["housing", "transport"]):
            project_save(project=Project(
                code=f"TS-T-{county}-{j}", name=f"演示测试项目{county}-{j}", region_id=county, investment_type="social",
                industry=industry, contract_amount=Decimal("12000000.00"), contract_signed_on=today - datetime.timedelta(days=700),
                start_date=today - datetime.timedelta(days=690), planned_end_date=today + datetime.timedelta(days=300),
                status="in_progress", builder=rng.choice(builders), general_contractor=contractors[(2 * i + j) % len(contractors)],
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
                clues_demo.seed_clues(random.Random("test:clues"), write, count=COUNT)
            yield out.getvalue()
            transaction.set_rollback(True)


def demo_clues():
    return Clue.objects.filter(region__code__startswith="6205")


def test_every_state_and_channel(seeded, db):
    clues = demo_clues()
    assert clues.count() == COUNT
    assert f"clues: {COUNT} ({COUNT} new)" in seeded
    assert set(clues.values_list("status", flat=True)) == set(ClueStatus.values)
    assert set(clues.values_list("channel", flat=True)) == set(Channel.values)
    categories = Counter(clues.values_list("category", flat=True))
    assert categories.most_common(1)[0][0] == ClueCategory.WAGE_ARREARS
    assert categories[ClueCategory.NOT_ACCEPTED] and categories[ClueCategory.DUPLICATE]
    statuses = Counter(clues.values_list("status", flat=True))
    assert statuses[ClueStatus.CLOSED] > COUNT / 2  # most older clues are closed
    counties = Counter(clues.values_list("region_id", flat=True))
    assert set(counties) <= set(COUNTIES) and counties.most_common(1)[0][0] == "620502"
    # Received over the past twelve months, never in the future.
    now = timezone.now()
    assert not clues.filter(received_at__gt=now).exists()
    assert clues.filter(received_at__lt=now - datetime.timedelta(days=250)).exists()
    assert not clues.filter(received_at__lt=now - datetime.timedelta(days=366)).exists()


def test_deadlines_today(seeded, db):
    today = timezone.localdate()
    clues = demo_clues()
    assert clues.in_warning(today).count() >= 3
    assert clues.overdue(today).count() >= 3
    assert clues.overdue(today).filter(owner__username="inspector").exists()
    assert clues.in_warning(today).filter(status=ClueStatus.TRANSFERRED).exists()
    assert clues.overdue(today).filter(status=ClueStatus.RECEIVED).exists()
    assert not clues.exclude(status__in=["received", "accepted", "in_progress", "transferred"]).filter(due_on__isnull=False).exists()


def test_numbers_and_people(seeded, db):
    clues = demo_clues()
    numbers = list(clues.values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers)
    for clue in clues:
        assert re.fullmatch(r"6205\d\d-\d{4}-\d{6}", clue.number), clue.number
        assert clue.number.startswith(f"{clue.region_id}-{timezone.localtime(clue.received_at).year}-")
        validate_phone(clue.complainant_phone)
        assert not clue.complainant_id_number or ric.is_valid(clue.complainant_id_number)
        assert 1 <= clue.workers_involved <= 60
        assert Decimal("3000") <= clue.amount_claimed <= Decimal("900000")
        assert clue.description and clue.employer_name
        assert not clue.project_id or clue.project.region_id == clue.region_id
        clue.full_clean()
    assert clues.exclude(complainant_id_number="").exists() and clues.filter(complainant_id_number="").exists()
    linked = clues.filter(project__isnull=False)
    assert 0.35 <= linked.count() / COUNT <= 0.85
    assert linked.exclude(employer__isnull=True).exclude(employer_uscc="").exists()
    assert linked.filter(industry__in=["housing", "transport"]).count() == linked.count()


def test_results_are_consistent(seeded, db):
    done = demo_clues().filter(status__in=[ClueStatus.RESOLVED, ClueStatus.CLOSED]).exclude(
        category__in=[ClueCategory.NOT_ACCEPTED]).filter(merged_into__isnull=True)
    assert done.count() > COUNT / 2
    for clue in done:
        assert clue.workers_paid is not None and clue.amount_recovered is not None and clue.result, clue.number
        assert clue.workers_paid <= clue.workers_involved
        assert clue.amount_recovered <= clue.amount_claimed
        assert not clue.result_explanation
        if clue.category == ClueCategory.WAGE_ARREARS:
            assert (clue.workers_paid == 0) == (clue.amount_recovered == 0)
        if clue.category in (ClueCategory.UNFOUNDED, ClueCategory.DUPLICATE):
            assert clue.workers_paid == 0 and clue.amount_recovered == 0
        assert clue.accepted_at <= clue.resolved_at
        if clue.status == ClueStatus.CLOSED:
            assert clue.reply and clue.resolved_at <= clue.closed_at
    assert done.filter(workers_paid__lt=F("workers_involved")).exists()
    assert done.filter(workers_paid=F("workers_involved"), amount_recovered=F("amount_claimed")).exists()
    rejected = demo_clues().filter(category=ClueCategory.NOT_ACCEPTED)
    assert rejected.exists() and not rejected.filter(reject_reason="").exists()
    assert not rejected.exclude(status=ClueStatus.CLOSED).exists()


def test_duplicates_merged(seeded, db):
    merged = demo_clues().filter(merged_into__isnull=False)
    assert merged.count() >= 3
    for clue in merged:
        assert clue.status == ClueStatus.CLOSED and clue.category == ClueCategory.DUPLICATE
        assert clue.merged_into.received_at < clue.received_at
        assert clue.merged_into.merged_into_id is None
        assert ClueDuplicate.objects.filter(clue=clue, candidate=clue.merged_into).exists()
        assert clue.events.filter(type=ClueEventType.MERGED).exists()
        assert clue.merged_into.events.filter(type=ClueEventType.ABSORBED).exists()


def test_timeline_events_for_every_transition(seeded, db):
    now = timezone.now()
    expected = {
        "accepted_at": ClueEventType.ACCEPTED, "classified_at": ClueEventType.CLASSIFIED,
        "transferred_at": ClueEventType.TRANSFERRED, "transfer_replied_at": ClueEventType.TRANSFER_REPLIED,
        "extended_at": ClueEventType.EXTENDED, "revisited_at": ClueEventType.REVISITED,
    }
    for clue in demo_clues().prefetch_related("events"):
        events = list(clue.events.all())
        types = {e.type for e in events}
        assert ClueEventType.RECEIVED in types
        for field, event_type in expected.items():
            if getattr(clue, field):
                assert event_type in types, (clue.number, event_type)
                # The patched clock: the event and the field carry the same moment.
                assert getattr(clue, field) in {e.created for e in events if e.type == event_type}, (clue.number, field)
        if clue.resolved_at and not clue.transfer_outcome == "handled":
            assert ClueEventType.RESOLVED in types
        if clue.closed_at:
            assert types & {ClueEventType.CLOSED, ClueEventType.REJECTED, ClueEventType.MERGED}
        times = [e.created for e in events]
        assert times == sorted(times) and times[0] >= clue.received_at and times[-1] <= now
        for event in events:
            if event.type not in (ClueEventType.RECEIVED, ClueEventType.WARNING, ClueEventType.OVERDUE):
                assert event.user_id is not None, (clue.number, event.type)
    events = ClueEvent.objects.filter(clue__in=demo_clues())
    assert events.filter(type=ClueEventType.HANDED_OVER).exists()
    assert events.filter(type=ClueEventType.REVISITED).exists()
    assert events.filter(type=ClueEventType.TRANSFER_REPLIED, user__username__startswith="bureau_").exists()
    # The change log was written under the same clock: its history reaches back months.
    changes = ObjectChange.objects.filter(changed_object_type__model="clue")
    assert changes.filter(time__lt=now - datetime.timedelta(days=200)).exists()


def test_notifications_raised(seeded, db):
    notes = Notification.objects.filter(user__username__in=["inspector", "inspector2", "staff", "head", "inspector_maiji"])
    assert notes.filter(level="danger").exists() and notes.filter(level="warning").exists()
    assert Notification.objects.filter(user__username="inspector", level="danger").exists()
    assert ClueEvent.objects.filter(clue__in=demo_clues(), type=ClueEventType.OVERDUE).exists()


def test_rerun_creates_nothing(seeded, db):
    before = (Clue.objects.count(), ClueEvent.objects.count(), Notification.objects.count(), ObjectChange.objects.count())
    out = []
    with change_context(source=ChangeSource.COMMAND, label="test seed_demo"):
        clues_demo.seed_clues(random.Random("test:clues"), out.append, count=COUNT)
    assert (Clue.objects.count(), ClueEvent.objects.count(), Notification.objects.count(), ObjectChange.objects.count()) == before
    assert "(0 new)" in out[0]


def test_the_plan_is_reproducible(seeded, db):
    ctx = clues_demo.Context(timezone.localdate(), timezone.now())

    def plan():
        ctx.used_ids = set()
        return [(p.received_at, p.region, p.channel, p.category, p.fields["complainant_phone"], [(s.when, s.action) for s in p.steps])
                for p in clues_demo.make_plan(random.Random(5), ctx, 60)]

    assert plan() == plan()


def test_a_repeat_complaint_comes_after_the_original(seeded, db):
    """A repeat is planned days after its original, on the last working day when its channel keeps
    office hours (a letter): days after the 30th of September that is the 30th itself, across
    National Day, and it fell earlier that day than the original; the seeding then merged a clue
    into one not written yet and failed (on 2026-12-04, at 22:00)."""
    tz = timezone.get_current_timezone()
    ctx = clues_demo.Context(datetime.date(2026, 12, 4), datetime.datetime(2026, 12, 4, 22, 15, tzinfo=tz))
    late = datetime.datetime(2026, 9, 30, 17, 20, tzinfo=tz)  # the last working day before the holiday
    for seed in range(120):
        rng = random.Random(seed)
        original = clues_demo.new_plan(rng, ctx, late.date(), ClueCategory.WAGE_ARREARS, channel="window")
        original.received_at = late
        repeat = clues_demo.plan_duplicate(rng, ctx, original)
        assert repeat.received_at > original.received_at, seed
        assert repeat.duplicate_of is original and repeat.category == ClueCategory.DUPLICATE
