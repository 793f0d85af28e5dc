"""Credit-punishment services (MOHRSS Decree 45): the criteria, the 5-working-day objection window
across the Spring Festival holiday, the decision and its 3-year term, objections, early removal after
credit repair, expiry by the daily job, pushes to the credit platform, the deposit effect, the
quarterly publication of major violations and the A/B/C rating."""
import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from blacklist import services
from blacklist.choices import ListingStatus
from blacklist.models import CreditExport, Listing, PublicationEntry
from blacklist.services import ListingConflict
from complaints import services as case_services
from projects.deposit import required_deposit

D = dt.date.fromisoformat


def propose(case, user, **fields):
    fields.setdefault("subject_type", "enterprise")
    fields.setdefault("basis", "threshold")
    fields.setdefault("notified_on", D("2026-02-12"))
    return services.listing_propose(case=case, user=user, **fields)


def test_criteria_refused_with_reasons_and_nothing_saved(make_case, small_case, listable_case, inspector, incident_for):
    unordered = make_case(occurred_on=D("2025-12-01"), workers_owed=12, amount_owed=Decimal("96000.00"))
    with pytest.raises(ListingConflict) as e:
        propose(unordered, inspector)
    assert e.value.error_code == "order_not_ignored"
    with pytest.raises(ListingConflict) as e:  # the pay-by day (20 January) had not passed yet
        propose(listable_case, inspector, notified_on=D("2026-01-20"))
    assert e.value.error_code == "order_not_ignored"
    with pytest.raises(ListingConflict) as e:
        propose(small_case, inspector, basis="threshold")
    assert e.value.error_code == "basis_not_met"
    with pytest.raises(ListingConflict) as e:
        propose(small_case, inspector, basis="incident")
    assert e.value.error_code == "basis_not_met"
    with pytest.raises(ValidationError) as e:
        propose(listable_case, inspector, uscc="91620502MA00000000")
    assert "uscc" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        propose(listable_case, inspector, subject_type="person", name="王建国", id_number="620502199001011230")
    assert "id_number" in e.value.message_dict
    assert not Listing.objects.exists()
    # The incident basis holds once an incident is linked to the case.
    incident_for(small_case)
    assert propose(small_case, inspector, basis="incident").incident is not None


def test_objection_window_is_five_working_days_across_the_spring_festival(listable_case, inspector):
    listing = propose(listable_case, inspector, notified_on=D("2026-02-12"))  # Thursday
    # Working days after it: 13 Feb (Fri), 14 Feb (Sat, make-up day), 24, 25, 26 Feb (15–23 Feb are holidays).
    assert listing.objection_due == D("2026-02-26")
    assert listing.status == "notified" and listing.notice_number.endswith("〔2026〕第1号") and "失信告" in listing.notice_number
    assert list(listing.events.values_list("type", flat=True)) == ["proposed"]
    with pytest.raises(ListingConflict) as e:
        services.listing_decide(listing=listing, user=inspector, decided_on=D("2026-02-26"))
    assert e.value.error_code == "objection_period"
    listing.refresh_from_db()
    assert listing.status == "notified" and listing.listed_on is None
    listing = services.listing_decide(listing=listing, user=inspector, decided_on=D("2026-02-27"))
    assert (listing.status, listing.listed_on, listing.expires_on, listing.published_on) == (
        "listed", D("2026-02-27"), D("2029-02-27"), D("2026-02-27"))
    assert "失信决" in listing.decision_number
    with pytest.raises(ListingConflict):
        services.listing_decide(listing=listing, user=inspector, decided_on=D("2026-03-02"))
    with pytest.raises(ListingConflict) as e:  # the same subject twice for one case
        propose(listable_case, inspector)
    assert e.value.error_code == "already_listed"


def test_persons_and_their_roles(listable_case, inspector):
    enterprise = listable_case.enterprise
    legal = propose(listable_case, inspector, subject_type="person", name=enterprise.legal_representative,
                    id_number=enterprise.legal_representative_id_number)
    assert legal.person_role == "legal_representative" and legal.uscc == ""
    other = propose(listable_case, inspector, subject_type="person", name="李会计", id_number="11010519491231002X")
    assert other.person_role == "responsible" and other.enterprise == enterprise


def test_objections_pending_upheld_rejected(listable_case, make_case, inspector):
    listing = propose(listable_case, inspector)
    with pytest.raises(ListingConflict) as e:
        services.listing_object(listing=listing, user=inspector, text="已支付部分工资", received_on=D("2026-02-27"))
    assert e.value.error_code == "objection_period"
    objection = services.listing_object(listing=listing, user=inspector, text="已与工人达成分期支付协议。",
                                        received_on=D("2026-02-25"))
    with pytest.raises(ListingConflict) as e:
        services.listing_decide(listing=listing, user=inspector, decided_on=D("2026-03-02"))
    assert e.value.error_code == "objection_pending"
    services.objection_review(objection=objection, user=inspector, outcome="rejected", review="协议未履行，异议不成立。")
    assert services.listing_decide(listing=listing, user=inspector, decided_on=D("2026-03-02")).status == "listed"

    person = propose(listable_case, inspector, subject_type="person", name="李会计", id_number="11010519491231002X")
    objection = services.listing_object(listing=person, user=inspector, text="本人已于2025年离职。", received_on=D("2026-02-13"))
    services.objection_review(objection=objection, user=inspector, outcome="upheld", review="经核实已离职，不予列入。")
    person.refresh_from_db()
    assert person.status == "withdrawn"
    assert list(person.events.values_list("type", flat=True)) == ["proposed", "objection", "reviewed", "withdrawn"]
    with pytest.raises(ListingConflict):
        services.listing_decide(listing=person, user=inspector, decided_on=D("2026-03-02"))


def test_early_removal_needs_clearance_six_months_and_a_pledge(listable_case, inspector):
    listing = services.listing_decide(listing=propose(listable_case, inspector), user=inspector, decided_on=D("2026-02-27"))
    with pytest.raises(ListingConflict) as e:
        services.listing_remove(listing=listing, user=inspector, reason="credit_repair", pledge="本单位承诺……",
                                removed_on=D("2026-11-01"))
    assert e.value.error_code == "repair_not_allowed"
    case_services.case_payment_add(case=listable_case, user=inspector, amount="96000.00", paid_on=D("2026-03-10"),
                                   source="enterprise", workers=12)
    with pytest.raises(ValidationError) as e:
        services.listing_remove(listing=listing, user=inspector, reason="credit_repair", pledge=" ", removed_on=D("2026-09-10"))
    assert "pledge" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.listing_remove(listing=listing, user=inspector, reason="paid", pledge="x", removed_on=D("2026-09-10"))
    assert "reason" in e.value.message_dict
    with pytest.raises(ListingConflict) as e:  # cleared 10 March: six months run to 10 September
        services.listing_remove(listing=listing, user=inspector, reason="credit_repair", pledge="本单位承诺……",
                                removed_on=D("2026-09-09"))
    assert e.value.error_code == "repair_not_allowed"
    listing.refresh_from_db()
    assert listing.status == "listed"
    listing = services.listing_remove(listing=listing, user=inspector, reason="credit_repair",
                                      pledge="本单位承诺今后依法按时足额支付农民工工资。", removed_on=D("2026-09-10"))
    assert (listing.status, listing.removed_on, listing.ended_on) == ("removed", D("2026-09-10"), D("2026-09-10"))


def test_expiry_after_three_years_by_the_daily_job(listable_case, inspector):
    from blacklist.tasks import expire_listings

    listing = services.listing_decide(listing=propose(listable_case, inspector), user=inspector, decided_on=D("2026-02-27"))
    assert listing.expires_on == D("2029-02-27")
    assert expire_listings.delay(today="2029-02-26").get() == 0
    assert Listing.objects.in_force(D("2029-02-26")).filter(pk=listing.pk).exists()
    assert not Listing.objects.in_force(D("2029-02-27")).exists()
    assert expire_listings.delay(today="2029-02-27").get() == 1
    listing.refresh_from_db()
    assert (listing.status, listing.ended_on) == ("expired", D("2029-02-27"))
    event = listing.events.get(type="expired")
    assert event.user is None and event.job == "blacklist.expire_listings"
    assert expire_listings.delay(today="2029-03-01").get() == 0  # runs again without effect


def test_leap_day_terms():
    from blacklist.models import add_months, add_years

    assert add_years(D("2028-02-29"), 3) == D("2031-02-28")
    assert add_months(D("2026-08-31"), 6) == D("2027-02-28")


def test_expiry_is_scheduled_daily(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="blacklist.expire_listings")
    assert task.enabled and task.crontab.hour == "0" and task.crontab.day_of_week == "*"
    assert PeriodicTask.objects.filter(task="blacklist.recompute_ratings", enabled=True).exists()


def test_listing_raises_the_deposit_rate_of_the_contractors_projects(listable_case, inspector):
    project = listable_case.project
    before = required_deposit(project, D("2026-02-26"))
    services.listing_decide(listing=propose(listable_case, inspector), user=inspector, decided_on=D("2026-02-27"))
    after = required_deposit(project, D("2026-03-01"))
    assert after.rate == Decimal("4") and before.rate < after.rate  # the regional 2 % raised by 100 %
    assert any("失信" in str(r) or "blacklist" in str(r) for r in after.reasons)


def test_deposit_rules_read_for_many_projects_at_once_agree_with_one_by_one(listable_case, inspector, make_project,
                                                                             django_assert_num_queries):
    """The "eight 100%" rates evaluate every project under way: the contractors' records (arrears
    years, first project, blacklist) are read for all of them in three queries, with the same result
    as project by project."""
    from projects.compliance import evaluation_prefetch
    from projects.deposit import attach_contractor_records
    from projects.models import Project

    listed = listable_case.project
    services.listing_decide(listing=propose(listable_case, inspector), user=inspector, decided_on=D("2026-02-27"))
    second = make_project(general_contractor=listed.general_contractor, contract_amount=Decimal("10000000"))
    veteran = make_project(start_date=D("2023-03-01"), contract_signed_on=D("2023-02-01"), status="completed",
                           planned_end_date=D("2024-12-01"), completed_on=D("2024-11-30"))
    clean = make_project(general_contractor=veteran.general_contractor, contract_amount=Decimal("10000000"))
    newcomer = make_project(contract_amount=Decimal("10000000"))
    ids = [listed.pk, second.pk, clean.pk, newcomer.pk]
    day = D("2026-03-01")

    def load():
        # As eight_rates() reads them: a clean record also asks for the account and the roster.
        return list(Project.objects.filter(pk__in=ids).order_by("pk").prefetch_related(*evaluation_prefetch())
                    .select_related("general_contractor", "account", "notice_board", "deposit"))

    alone = [required_deposit(project, day) for project in load()]
    projects = load()
    with django_assert_num_queries(3):  # payroll arrears years, first projects, blacklist
        attach_contractor_records(projects, day)
    with django_assert_num_queries(0):
        together = [required_deposit(project, day) for project in projects]
    assert together == alone
    assert [r.rate for r in together] == [Decimal("4"), Decimal("4"), Decimal("1"), Decimal("2")]
    # A record read for another day is not used for this one: the listing was decided on 27 February.
    assert required_deposit(projects[0], D("2026-02-26")).rate == Decimal("2")


def test_credit_platform_export_sends_each_change_once(listable_case, inspector, office_staff):
    listing = services.listing_decide(listing=propose(listable_case, inspector), user=inspector, decided_on=D("2026-02-27"))
    with pytest.raises(PermissionDenied):  # office staff: no personal-data permission
        services.credit_export_create(user=office_staff)
    export = services.credit_export_create(user=inspector)
    payload = json.loads(export.file.read().decode("utf-8"))
    assert payload["format"] == "wagecase.credit-export/1" and payload["count"] == 1
    entry = payload["entries"][0]
    assert (entry["action"], entry["uscc"], entry["listed_on"], entry["expires_on"]) == (
        "list", listable_case.enterprise.uscc, "2026-02-27", "2029-02-27")
    with pytest.raises(ListingConflict):
        services.credit_export_create(user=inspector)
    case_services.case_payment_add(case=listable_case, user=inspector, amount="96000.00", paid_on=D("2026-03-10"),
                                   source="enterprise", workers=12)
    services.listing_remove(listing=listing, user=inspector, reason="credit_repair", pledge="承诺书", removed_on=D("2026-09-10"))
    second = services.credit_export_create(user=inspector)
    assert [e["action"] for e in json.loads(second.file.read())["entries"]] == ["remove"]
    assert CreditExport.objects.count() == 2
    assert list(listing.events.filter(type="exported").values_list("parameters__action", flat=True)) == ["list", "remove"]


def test_quarterly_publication_reviewed_and_approved_by_two_people(listable_case, small_case, inspector, head):
    from wagecase.core.models import Region

    case_services.case_refer(case=listable_case, user=inspector, referred_on=D("2026-02-10"), police_unit="天水市公安局秦州分局")
    batch = services.batch_create(user=inspector, region=Region.objects.get(pk="620502"), year=2026, quarter=1)
    assert batch.title == "秦州区2026年第一季度重大劳动保障违法行为社会公布"
    entries = list(batch.entries.all())
    assert [(e.case_id, e.reason) for e in entries] == [(listable_case.pk, "prosecution")]  # small_case does not qualify
    entry = entries[0]
    assert entry.uscc == listable_case.enterprise.uscc and "96,000.00" in entry.facts and "移送" in entry.handling
    with pytest.raises(ListingConflict):
        services.batch_entry_add(batch=batch, case=small_case, user=inspector)
    with pytest.raises(ListingConflict):
        services.batch_create(user=inspector, region=Region.objects.get(pk="620502"), year=2026, quarter=1)
    with pytest.raises(ListingConflict):
        services.batch_publish(batch=batch, user=head)
    services.batch_review(batch=batch, user=head)
    with pytest.raises(PermissionDenied):
        services.batch_approve(batch=batch, user=inspector)
    with pytest.raises(ListingConflict) as e:
        services.batch_approve(batch=batch, user=head)
    assert e.value.error_code == "same_person"
    batch.refresh_from_db()
    assert batch.status == "reviewed"


def test_publication_flow_to_published(listable_case, inspector, head, make_user):
    from wagecase.core.choices import Role
    from wagecase.core.models import Region

    batch = services.batch_create(user=inspector, region=Region.objects.get(pk="620502"), year=2026, quarter=1)
    assert [e.reason for e in batch.entries.all()] == ["large_arrears"]
    services.batch_review(batch=batch, user=inspector)
    services.batch_approve(batch=batch, user=head)
    batch = services.batch_publish(batch=batch, user=inspector, published_on=D("2026-04-10"))
    assert (batch.status, batch.published_on) == ("published", D("2026-04-10"))
    # A case appears in one batch only: the next quarter's does not repeat it.
    later = services.batch_create(user=inspector, region=Region.objects.get(pk="620502"), year=2026, quarter=2)
    assert not later.entries.exists() and PublicationEntry.objects.count() == 1
    with pytest.raises(ListingConflict) as e:
        services.batch_review(batch=later, user=inspector)
    assert e.value.error_code == "empty"


def test_rating_rules_and_adjustment(listable_case, make_enterprise, inspector, head):
    clean = make_enterprise()
    assert services.rating_compute(enterprise=clean, today=D("2026-03-01")).rating == "A"
    enterprise = listable_case.enterprise
    rating = services.rating_compute(enterprise=enterprise, today=D("2026-03-01"))
    assert rating.rating == "B" and any("ignored" in r or "未" in r or "open" in r for r in rating.reasons)
    services.listing_decide(listing=propose(listable_case, inspector), user=inspector, decided_on=D("2026-02-27"))
    enterprise.refresh_from_db()
    assert enterprise.credit_rating == "C" and enterprise.rating.computed == "C"
    with pytest.raises(PermissionDenied):
        services.rating_adjust(enterprise=enterprise, user=inspector, rating="B", reason="x")
    with pytest.raises(ValidationError):
        services.rating_adjust(enterprise=enterprise, user=head, rating="B", reason=" ")
    adjusted = services.rating_adjust(enterprise=enterprise, user=head, rating="B", reason="已全额清偿并主动整改，经研究调整。")
    enterprise.refresh_from_db()
    assert adjusted.rating == "B" and enterprise.credit_rating == "B" and adjusted.computed == "C"
    assert adjusted.adjusted_by == head


def test_bureau_cannot_act(listable_case, bureau):
    with pytest.raises(PermissionDenied):
        propose(listable_case, bureau)
    assert not Listing.objects.exists()
    assert ListingStatus.LISTED == "listed"
