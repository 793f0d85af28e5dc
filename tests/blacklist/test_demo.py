"""The credit-punishment demo data: the listings seeder run once for the module on the core demo, a
few projects and a small run of the arrears-case seeder (whose ignored orders it reuses), inside a
transaction rolled back at the end (each test runs in a savepoint within it)."""
import datetime
import io
import json
import random
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from blacklist import demo as blacklist_demo
from blacklist.choices import Basis, BatchStatus, ExportAction, ListingStatus, ObjectionOutcome, PersonRole, SubjectType
from blacklist.models import (
    REPAIR_MONTHS, CreditExport, EnterpriseRating, Listing, ListingEvent, Objection, PublicationBatch, PublicationEntry,
    add_months,
)
from complaints import case_demo
from complaints.choices import CaseStatus
from complaints.models import ArrearsCase, Incident
from projects.models import Project
from projects.services import deposit_set, project_save
from wagecase.core.choices import ChangeSource, CreditRating, EnterpriseRole, Role
from wagecase.core.context import change_context
from wagecase.core.demo import COUNTIES, seed_core
from wagecase.core.models import Enterprise, ObjectChange

CASES = 40


def _projects(rng):
    """Two projects per county, under way for two years (as in the case demo's test)."""
    today = timezone.localdate()
    builders = [e for e in Enterprise.objects.order_by("name") if EnterpriseRole.BUILDER in e.roles]
    contractors = [e for e in Enterprise.objects.order_by("name") if EnterpriseRole.GENERAL_CONTRACTOR in e.roles]
    for i, county in enumerate(COUNTIES):
        for j, (industry, investment) in enumerate([("housing", "government"), ("transport", "social")]):
            project = project_save(project=Project(
                code=f"TS-B-{county}-{j}", name=f"失信演示测试项目{county}-{j}", region_id=county, investment_type=investment,
                industry=industry, contract_amount=Decimal("30000000.00"), contract_signed_on=today - datetime.timedelta(days=800),
                start_date=today - datetime.timedelta(days=790), planned_end_date=today + datetime.timedelta(days=300),
                status="in_progress", builder=rng.choice(builders), general_contractor=contractors[(2 * i + j) % len(contractors)],
            ))
            if county == "620502":
                deposit_set(project=project, form="cash", amount=Decimal("600000.00"),
                            deposited_on=today - datetime.timedelta(days=780))


def _seed(out):
    with change_context(source=ChangeSource.COMMAND, label="test seed_demo"):
        blacklist_demo.seed_blacklist(random.Random("test:blacklist"), out)


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory):
    """Where the seeding writes the credit-export file (each test gets its own MEDIA_ROOT otherwise)."""
    return str(tmp_path_factory.mktemp("demo-media"))


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, media_dir):
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_dir):
        with transaction.atomic():
            out = io.StringIO()

            def write(line):
                out.write(line + "\n")

            with change_context(source=ChangeSource.COMMAND, label="test seed_demo"):
                seed_core(random.Random("test:core"), write)
                _projects(random.Random("test:projects"))
                case_demo.seed_cases(random.Random("test:cases"), write, count=CASES)
            _seed(write)
            yield out.getvalue()
            transaction.set_rollback(True)


def demo_listings():
    return Listing.objects.filter(region__code__startswith="6205")


def test_every_state_in_every_kind(seeded, db):
    assert "step skipped" not in seeded
    listings = demo_listings()
    counts = {s: listings.filter(status=s).count() for s in ListingStatus.values}
    assert counts == {"notified": 6, "listed": 8, "withdrawn": 2, "removed": 2, "expired": 2}
    assert set(listings.values_list("basis", flat=True)) == set(Basis.values)
    persons = listings.filter(subject_type=SubjectType.PERSON)
    assert set(persons.values_list("person_role", flat=True)) == set(PersonRole.values)
    listed = listings.filter(status=ListingStatus.LISTED)
    assert listed.filter(subject_type=SubjectType.ENTERPRISE).exists() and listed.filter(subject_type=SubjectType.PERSON).exists()
    # Mostly the demo inspector's county, and spread over the others.
    regions = list(listings.values_list("region_id", flat=True))
    assert regions.count("620502") > len(regions) / 2 and len(set(regions)) >= 5
    for listing in listings.select_related("case", "enterprise"):
        listing.full_clean()
        assert listing.case.enterprise_id == listing.enterprise_id
        assert listing.case.order_pay_by < listing.notified_on
        if listing.subject_type == SubjectType.PERSON:
            assert listing.id_number and not listing.uscc
        if listing.basis == Basis.INCIDENT:
            assert listing.incident.case_id == listing.case_id
            assert listing.incident.occurred_at.date() <= listing.notified_on


def test_objection_period_and_objections(seeded, db):
    today = timezone.localdate()
    notified = demo_listings().filter(status=ListingStatus.NOTIFIED)
    assert notified.filter(objection_due__gte=today).count() >= 2
    assert notified.filter(objection_due__lt=today).count() >= 2
    assert Objection.objects.filter(listing__in=notified, outcome=ObjectionOutcome.PENDING).count() == 1
    withdrawn = demo_listings().filter(status=ListingStatus.WITHDRAWN)
    assert all(listing.objections.get().outcome == ObjectionOutcome.UPHELD for listing in withdrawn)
    assert Objection.objects.filter(outcome=ObjectionOutcome.REJECTED, listing__status=ListingStatus.LISTED).exists()


def test_removed_after_credit_repair_and_expired(seeded, db):
    today = timezone.localdate()
    for listing in demo_listings().filter(status=ListingStatus.REMOVED).select_related("case"):
        assert listing.case.status == CaseStatus.CLEARED
        assert listing.removed_on >= add_months(listing.case.cleared_on, REPAIR_MONTHS)
        assert "信用承诺书" in listing.pledge and listing.enterprise.name in listing.pledge
    expired = demo_listings().filter(status=ListingStatus.EXPIRED)
    for listing in expired:
        assert listing.expires_on <= today and listing.ended_on == listing.expires_on
        assert listing.events.get(type="expired").job == blacklist_demo.EXPIRY_JOB
    # The expired ones left the public list; the listed ones are on it.
    in_force = Listing.objects.in_force()
    assert not in_force.filter(pk__in=expired).exists()
    assert set(in_force.values_list("pk", flat=True)) == set(demo_listings().filter(status=ListingStatus.LISTED).values_list("pk", flat=True))


def test_timeline_dated_in_the_past(seeded, db):
    """The patched clock: events and the change log carry the day things happened, nothing is in the future."""
    now = timezone.now()
    events = ListingEvent.objects.filter(listing__in=demo_listings())
    assert not events.filter(created__gt=now).exists()
    three_years = now - datetime.timedelta(days=3 * 365)
    assert events.filter(type="listed", created__lt=three_years).count() == 2
    assert ObjectChange.objects.filter(changed_object_type__model="listing", time__lt=three_years).exists()
    for listing in demo_listings().exclude(listed_on=None):
        listed = listing.events.get(type="listed")
        assert timezone.localtime(listed.created).date() == listing.listed_on
        assert listed.user.username == "head"
    # Each county numbers its own notices.
    assert demo_listings().filter(notice_number__startswith="秦人社失信告").exists()


def test_reuses_the_demo_cases(seeded, db):
    """Ignored orders of the case seeder are listed; only the old ones (and what no case fits) are opened here."""
    cases = ArrearsCase.objects.filter(listings__in=demo_listings()).distinct()
    reused = cases.filter(occurred_on__gte=timezone.localdate() - datetime.timedelta(days=440))
    assert reused.count() >= 5
    assert Incident.objects.filter(case__in=cases).exists()


def test_published_batch_of_the_previous_quarter(seeded, db):
    today = timezone.localdate()
    year, quarter = blacklist_demo.quarter_of(today)
    previous = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    batch = PublicationBatch.objects.get(region_id="620502", year=previous[0], quarter=previous[1])
    assert batch.status == BatchStatus.PUBLISHED and batch.entries.exists()
    assert batch.reviewed_by != batch.approved_by and batch.approved_by.role == Role.OFFICE_HEAD
    assert batch.period_end < batch.reviewed_on <= batch.approved_on <= batch.published_on <= today
    for entry in batch.entries.all():
        entry.full_clean()
        assert entry.case.region_id == "620502" and entry.facts and entry.handling
    assert PublicationBatch.objects.filter(region_id="6205", status=BatchStatus.PUBLISHED).exists()
    assert PublicationBatch.objects.get(region_id="620502", year=year, quarter=quarter).status == BatchStatus.DRAFT
    # No case twice, and no published batch without entries.
    entries = PublicationEntry.objects.all()
    assert entries.count() == entries.values("case").distinct().count()
    assert not PublicationBatch.objects.filter(status=BatchStatus.PUBLISHED, entries__isnull=True).exists()


def test_credit_export(seeded, db, settings, media_dir):
    settings.MEDIA_ROOT = media_dir
    export = CreditExport.objects.get(region_id="620502")
    payload = json.loads(export.file.read().decode("utf-8"))
    assert payload["count"] == export.entry_count == export.entries.count() > 0
    actions = set(export.entries.values_list("action", flat=True))
    assert actions == {ExportAction.LIST, ExportAction.REMOVE, ExportAction.EXPIRE}
    assert all(e["deciding_office"] == "620502" for e in payload["entries"])


def test_ratings(seeded, db):
    ratings = EnterpriseRating.objects.filter(enterprise__region__code__startswith="6205")
    assert {r.rating for r in ratings} == set(CreditRating.values)
    assert ratings.count() == Enterprise.objects.filter(region__code__startswith="6205").count()
    for listing in demo_listings().filter(status=ListingStatus.LISTED, subject_type=SubjectType.ENTERPRISE):
        assert listing.enterprise.rating.computed == CreditRating.C
    adjusted = ratings.exclude(adjusted="").select_related("adjusted_by", "enterprise")
    assert adjusted.count() == 1
    assert adjusted[0].adjusted_by.role == Role.OFFICE_HEAD and adjusted[0].adjustment_reason
    assert adjusted[0].enterprise.credit_rating == adjusted[0].adjusted
    for rating in ratings.select_related("enterprise")[:50]:
        assert rating.enterprise.credit_rating == rating.rating and rating.reasons


def test_rerun_creates_nothing(seeded, db):
    counts = lambda: (Listing.objects.count(), ListingEvent.objects.count(), PublicationBatch.objects.count(),  # noqa: E731
                      PublicationEntry.objects.count(), CreditExport.objects.count(), ArrearsCase.objects.count(),
                      ObjectChange.objects.count())
    before = counts()
    out = []
    _seed(out.append)
    assert counts() == before
    assert "(0 new)" in out[0]


def test_the_plan_is_reproducible(seeded, db):
    def plan():
        ctx = blacklist_demo.Context(timezone.localdate(), timezone.now())
        timeline, _writer = blacklist_demo.plan(random.Random(5), ctx)
        return [(day, phase, seq, user, job, fn.__qualname__) for day, phase, seq, user, job, fn in timeline.steps]

    first = plan()
    assert first and first == plan()
