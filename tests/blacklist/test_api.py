"""REST API of credit punishment: the generic suite for listings, batches and ratings; proposing a
listing (201, 409 with the reason, 400 by field, a case outside scope); the 5-working-day objection
window across the 2026 Spring Festival and the 3-year term; objections and their review; early
removal; timeline and notes; masking and the personal-data log; scope (another county: 404 on every
path; bureau clients: read only, their industries only); the public list (no login, never an
unmasked ID nor an entry not in force, rate-limited); publication batches; ratings; credit-platform
exports; query ceilings; and the schema's summaries."""
import datetime as dt
import json
import random
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from blacklist import services
from blacklist.models import CreditExport, EnterpriseRating, Listing, PublicationBatch, PublicationEntry
from complaints import services as case_services
from wagecase.core.choices import Role
from wagecase.core.identifiers import make_id_number
from wagecase.core.models import ObjectChange, PiiAccessLog, Region

from ..conftest import HOME, OTHER
from ..generic_api import APIEndpointTests

LISTINGS = "/api/v1/blacklist/"
PUBLIC = "/api/v1/public/blacklist/"
BATCHES = "/api/v1/publications/"
RATINGS = "/api/v1/ratings/"
EXPORTS = "/api/v1/credit-exports/"
D = dt.date.fromisoformat
MASKED_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")
ID_NUMBER = re.compile(r"\d{17}[\dX]")
_rng = random.Random(45)


def url(listing, action=""):
    pk = listing if isinstance(listing, (int, str)) else listing.pk
    return f"{LISTINGS}{pk}/" + (f"{action}/" if action else "")


def propose(case, user, **fields):
    fields.setdefault("subject_type", "enterprise")
    fields.setdefault("basis", "threshold")
    fields.setdefault("notified_on", D("2026-02-12"))
    return services.listing_propose(case=case, user=user, **fields)


def decide(listing, user, day="2026-02-27"):
    return services.listing_decide(listing=listing, user=user, decided_on=D(day))


def person(case, user, **fields):
    fields.setdefault("name", "李会计")
    fields.setdefault("id_number", make_id_number(_rng, HOME))
    return propose(case, user, subject_type="person", **fields)


@pytest.fixture
def client(api_as, inspector):
    return api_as(inspector)


@pytest.fixture
def make_listable_case(make_case, make_project, inspector, other_inspector):
    """A case meeting the criteria (order ignored, over the criminal threshold) in `region`."""
    def make(region=HOME, industry="housing", occurred_on="2025-12-01", issued_on="2026-01-05", pay_by="2026-01-20"):
        user = inspector if region == HOME else other_inspector
        project = make_project(region=region, industry=industry)
        case = make_case(user=user, region=region, project=project, enterprise=project.general_contractor,
                         occurred_on=D(occurred_on), workers_owed=12, amount_owed=Decimal("96000.00"))
        case_services.case_order(case=case, user=user, issued_on=D(issued_on), pay_by=D(pay_by))
        case.refresh_from_db()
        return case
    return make


@pytest.fixture
def other_listing(make_listable_case, other_inspector):
    """A listing of the neighbouring county, in force."""
    return decide(propose(make_listable_case(OTHER), other_inspector), other_inspector)


# --- Generic suites -------------------------------------------------------------------------------


class TestListingAPI(APIEndpointTests):
    model = Listing
    endpoint = LISTINGS
    actions = ("list", "retrieve", "create")
    list_rows = 31
    list_max_queries = 9

    def make_object(self, f, *, in_scope=True):
        if in_scope:
            return propose(f.make_listable_case(), f.inspector)
        return propose(f.make_listable_case(OTHER), f.other_inspector)

    def make_objects(self, f, count):
        case = f.make_listable_case()
        return [person(case, f.inspector) for _ in range(count)]

    def create_payload(self, f):
        return {"case": f.listable_case.pk, "subject_type": "enterprise", "basis": "threshold", "notified_on": "2026-02-12"}

    def invalid_create_payload(self, f):
        return ({"case": f.listable_case.pk, "subject_type": "person", "name": "李会计", "id_number": "620502199001011230",
                 "basis": "threshold"}, ["id_number"])

    def out_of_scope_create_payload(self, f):
        return {"case": f.make_listable_case(OTHER).pk, "subject_type": "enterprise", "basis": "threshold"}


class TestPublicationBatchAPI(APIEndpointTests):
    model = PublicationBatch
    endpoint = BATCHES
    actions = ("list", "retrieve", "create")
    list_rows = 31
    list_max_queries = 8

    def make_object(self, f, *, in_scope=True, year=2026, quarter=1):
        if in_scope:
            return services.batch_create(user=f.inspector, region=Region.objects.get(pk=HOME), year=year, quarter=quarter)
        return services.batch_create(user=f.other_inspector, region=Region.objects.get(pk=OTHER), year=year, quarter=quarter)

    def make_objects(self, f, count):
        return [self.make_object(f, year=2000 + n // 4, quarter=n % 4 + 1) for n in range(count)]

    def create_payload(self, f):
        return {"region_code": HOME, "year": 2026, "quarter": 2}

    def invalid_create_payload(self, f):
        return {"region_code": HOME, "year": 2026, "quarter": 5}, ["quarter"]

    def out_of_scope_create_payload(self, f):
        return {"region_code": OTHER, "year": 2026, "quarter": 2}


class TestEnterpriseRatingAPI(APIEndpointTests):
    model = EnterpriseRating
    endpoint = RATINGS
    actions = ("list", "retrieve")
    list_rows = 31
    list_max_queries = 8

    def make_object(self, f, *, in_scope=True):
        enterprise = f.make_enterprise(region=HOME if in_scope else OTHER)
        return services.rating_compute(enterprise=enterprise, today=D("2026-03-01"))


# --- Proposing ------------------------------------------------------------------------------------


def test_propose_decide_with_the_working_day_window_and_the_term(client, listable_case):
    response = client.post(LISTINGS, {"case": listable_case.pk, "subject_type": "enterprise", "basis": "threshold",
                                      "notified_on": "2026-02-12"}, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    # Thursday 12 Feb: 13 Feb, 14 Feb (a Saturday made a working day), then the holiday to 23 Feb, 24, 25, 26 Feb.
    assert (data["status"], data["notified_on"], data["objection_due"]) == ("notified", "2026-02-12", "2026-02-26")
    assert data["enterprise"] == {"uscc": listable_case.enterprise.uscc, "name": listable_case.enterprise.name}
    assert data["uscc"] == listable_case.enterprise.uscc and data["name"] == listable_case.enterprise.name
    assert data["case"] == listable_case.pk and data["region_code"] == HOME and data["industry"] == "housing"
    assert data["in_force"] is False and data["listed_on"] is None and data["objections"] == []
    assert "失信告" in data["notice_number"]
    listing = Listing.objects.get(pk=data["id"])

    early = client.post(url(listing, "decide"), {"decided_on": "2026-02-26"}, format="json")
    assert early.status_code == 409
    assert early.json()["code"] == "objection_period" and set(early.json()) == {"detail", "code"}
    listing.refresh_from_db()
    assert listing.status == "notified" and listing.listed_on is None and not listing.events.filter(type="listed").exists()

    decided = client.post(url(listing, "decide"), {"decided_on": "2026-02-27", "comment": "经审查，异议期满无异议。"},
                          format="json")
    assert decided.status_code == 200, decided.content
    data = decided.json()
    assert (data["status"], data["listed_on"], data["expires_on"], data["published_on"]) == (
        "listed", "2026-02-27", "2029-02-27", "2026-02-27")
    assert data["in_force"] is True and "失信决" in data["decision_number"]
    assert client.post(url(listing, "decide"), {}, format="json").json()["code"] == "wrong_state"


def test_propose_defaults_to_today(client, listable_case):
    response = client.post(LISTINGS, {"case": listable_case.pk, "subject_type": "enterprise", "basis": "threshold"},
                           format="json")
    assert response.status_code == 201
    assert response.json()["notified_on"] == timezone.localdate().isoformat()


def test_criteria_not_met_is_409_with_the_reason_and_saves_nothing(client, make_case, small_case, listable_case):
    unordered = make_case(occurred_on=D("2025-12-01"), workers_owed=12, amount_owed=Decimal("96000.00"))
    changes = ObjectChange.objects.count()
    for case, basis, code in [(unordered, "threshold", "order_not_ignored"), (small_case, "threshold", "basis_not_met"),
                              (small_case, "incident", "basis_not_met")]:
        response = client.post(LISTINGS, {"case": case.pk, "subject_type": "enterprise", "basis": basis}, format="json")
        assert response.status_code == 409, response.content
        assert response.json()["code"] == code and response.json()["detail"]
    client.post(LISTINGS, {"case": listable_case.pk, "subject_type": "enterprise", "basis": "threshold"}, format="json")
    again = client.post(LISTINGS, {"case": listable_case.pk, "subject_type": "enterprise", "basis": "threshold"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_listed"
    assert Listing.objects.count() == 1
    assert ObjectChange.objects.count() > changes  # only the one accepted


def test_incident_basis_through_the_api(client, small_case, incident_for):
    incident = incident_for(small_case)
    response = client.post(LISTINGS, {"case": small_case.pk, "subject_type": "enterprise", "basis": "incident"},
                           format="json")
    assert response.status_code == 201, response.content
    assert response.json()["incident"] == incident.pk and response.json()["basis"] == "incident"


def test_invalid_identifiers_and_bodies_are_400_by_field(client, listable_case, other_listing):
    cases = [
        ({"subject_type": "enterprise", "basis": "threshold", "uscc": "91620502MA00000000"}, "uscc"),
        ({"subject_type": "enterprise", "basis": "threshold", "uscc": "not-a-uscc"}, "uscc"),
        ({"subject_type": "person", "basis": "threshold", "name": "王五", "id_number": "620502199001011230"}, "id_number"),
        ({"subject_type": "person", "basis": "threshold", "name": "王五"}, "id_number"),
        ({"subject_type": "person", "basis": "threshold", "id_number": make_id_number(_rng, HOME)}, "name"),
        ({"subject_type": "firm", "basis": "threshold"}, "subject_type"),
        ({"subject_type": "enterprise", "basis": "rumour"}, "basis"),
        ({"subject_type": "enterprise", "basis": "threshold", "notified_on": "2099-01-01"}, "notified_on"),
        ({"subject_type": "enterprise", "basis": "threshold", "notified_on": "12/02/2026"}, "notified_on"),
    ]
    for body, field in cases:
        response = client.post(LISTINGS, {"case": listable_case.pk, **body}, format="json")
        assert response.status_code == 400, (body, response.content)
        assert field in response.json(), (body, response.json())
    # A case of another county is "no such case", a 400 on `case` (as `source_clue` of the cases API).
    for case in (other_listing.case_id, 999999):
        response = client.post(LISTINGS, {"case": case, "subject_type": "enterprise", "basis": "threshold"}, format="json")
        assert response.status_code == 400 and "case" in response.json()
    assert client.post(LISTINGS, {"subject_type": "enterprise", "basis": "threshold"}, format="json").json()["case"]
    assert Listing.objects.filter(case=listable_case).count() == 0


def test_persons_with_roles_and_masked_ids(api_as, client, listable_case, office_staff):
    enterprise = listable_case.enterprise
    response = client.post(LISTINGS, {"case": listable_case.pk, "subject_type": "person", "name": enterprise.legal_representative,
                                      "id_number": enterprise.legal_representative_id_number.lower(), "basis": "threshold",
                                      "notified_on": "2026-02-12"}, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["person_role"] == "legal_representative" and data["uscc"] == ""
    full = enterprise.legal_representative_id_number
    assert data["id_number"] == full  # the inspector may see personal data
    other = client.post(LISTINGS, {"case": listable_case.pk, "subject_type": "person", "name": "李会计",
                                   "id_number": make_id_number(_rng, HOME), "person_role": "responsible",
                                   "basis": "threshold", "facts": "负责工资发放。", "notified_on": "2026-02-12"}, format="json")
    assert other.status_code == 201 and other.json()["facts"] == "负责工资发放。"

    staff = api_as(office_staff)
    detail = staff.get(url(data["id"]))
    assert detail.status_code == 200
    assert MASKED_ID.match(detail.json()["id_number"]) and detail.json()["id_number"] == f"{full[:6]}{'*' * 8}{full[-4:]}"
    rows = staff.get(LISTINGS, {"subject_type": "person"}).json()["results"]
    assert len(rows) == 2 and all(MASKED_ID.match(r["id_number"]) for r in rows)
    assert full not in staff.get(LISTINGS).content.decode()


def test_unmasked_id_is_logged(client, listable_case, inspector, office_staff, api_as):
    listing = person(listable_case, inspector)
    PiiAccessLog.objects.all().delete()
    assert api_as(office_staff).get(url(listing)).status_code == 200
    assert not PiiAccessLog.objects.exists()
    assert client.get(url(listing)).json()["id_number"] == listing.id_number
    log = PiiAccessLog.objects.get()
    assert (log.user, log.object_id, log.field, log.channel) == (inspector, str(listing.pk), "id_number", "api")


# --- Objections, removal, timeline ------------------------------------------------------------------


def test_objections_review_and_decision(client, listable_case, inspector):
    listing = propose(listable_case, inspector)
    late = client.post(url(listing, "objections"), {"text": "已支付部分工资。", "received_on": "2026-02-27"}, format="json")
    assert late.status_code == 409 and late.json()["code"] == "objection_period"
    assert client.post(url(listing, "objections"), {"text": " ", "received_on": "2026-02-25"},
                       format="json").status_code == 400
    response = client.post(url(listing, "objections"), {"text": "已与工人达成分期支付协议。", "received_on": "2026-02-25"},
                           format="json")
    assert response.status_code == 201, response.content
    objection = response.json()
    assert (objection["outcome"], objection["received_on"]) == ("pending", "2026-02-25")
    assert client.get(url(listing, "objections")).json()["count"] == 1

    pending = client.post(url(listing, "decide"), {"decided_on": "2026-03-02"}, format="json")
    assert pending.status_code == 409 and pending.json()["code"] == "objection_pending"
    review_url = f"{url(listing)}objections/{objection['id']}/review/"
    assert client.post(review_url, {"outcome": "maybe", "review": "x"}, format="json").status_code == 400
    assert client.post(f"{url(listing)}objections/999999/review/", {"outcome": "rejected", "review": "x"},
                       format="json").status_code == 404
    reviewed = client.post(review_url, {"outcome": "rejected", "review": "协议未履行，异议不成立。"}, format="json")
    assert reviewed.status_code == 200, reviewed.content
    assert reviewed.json()["status"] == "notified" and reviewed.json()["objections"][0]["outcome"] == "rejected"
    assert client.post(review_url, {"outcome": "upheld", "review": "再审"}, format="json").status_code == 409
    assert client.post(url(listing, "decide"), {"decided_on": "2026-03-02"}, format="json").json()["status"] == "listed"


def test_upheld_objection_withdraws(client, listable_case, inspector):
    listing = person(listable_case, inspector)
    objection = services.listing_object(listing=listing, user=inspector, text="本人已于2025年离职。", received_on=D("2026-02-13"))
    response = client.post(f"{url(listing)}objections/{objection.pk}/review/",
                           {"outcome": "upheld", "review": "经核实已离职，不予列入。"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert client.post(url(listing, "decide"), {"decided_on": "2026-03-02"}, format="json").json()["code"] == "wrong_state"


def test_early_removal(client, listable_case, inspector):
    listing = decide(propose(listable_case, inspector), inspector)
    body = {"reason": "credit_repair", "pledge": "本单位承诺今后依法按时足额支付农民工工资。", "removed_on": "2026-11-01"}
    refused = client.post(url(listing, "remove"), body, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "repair_not_allowed"
    case_services.case_payment_add(case=listable_case, user=inspector, amount="96000.00", paid_on=D("2026-03-10"),
                                   source="enterprise", workers=12)
    assert "pledge" in client.post(url(listing, "remove"), {**body, "pledge": ""}, format="json").json()
    assert "reason" in client.post(url(listing, "remove"), {**body, "reason": "paid"}, format="json").json()
    early = client.post(url(listing, "remove"), {**body, "removed_on": "2026-09-09"}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "repair_not_allowed"
    listing.refresh_from_db()
    assert listing.status == "listed"
    removed = client.post(url(listing, "remove"), {**body, "removed_on": "2026-09-10"}, format="json")
    assert removed.status_code == 200, removed.content
    data = removed.json()
    assert (data["status"], data["removed_on"], data["removal_reason"], data["ended_on"], data["in_force"]) == (
        "removed", "2026-09-10", "credit_repair", "2026-09-10", False)
    assert client.post(url(listing, "remove"), body, format="json").json()["code"] == "wrong_state"


def test_timeline_and_notes(client, listable_case, inspector):
    listing = decide(propose(listable_case, inspector), inspector)
    note = client.post(url(listing, "notes"), {"comment": "已函告住建部门。"}, format="json")
    assert note.status_code == 201 and note.json()["type"] == "note"
    assert client.post(url(listing, "notes"), {"comment": ""}, format="json").status_code == 400
    events = client.get(url(listing, "events")).json()
    assert [e["type"] for e in events["results"]] == ["proposed", "listed", "published", "note"]
    assert events["results"][0]["user"]["id"] == inspector.pk and events["results"][-1]["comment"] == "已函告住建部门。"
    services.listings_expire(today=D("2029-02-27"))
    expired = client.get(url(listing, "events")).json()["results"][-1]
    assert (expired["type"], expired["user"], expired["job"]) == ("expired", None, "blacklist.expire_listings")


def test_filters(client, listable_case, make_listable_case, inspector):
    enterprise = propose(listable_case, inspector)
    listed = decide(person(listable_case, inspector, name="赵出纳"), inspector)
    second = make_listable_case()
    other_case = propose(second, inspector, notified_on=D("2026-03-02"))

    def ids(**params):
        response = client.get(LISTINGS, params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(status="listed") == {listed.pk}
    assert ids(status=["listed", "notified"]) == {enterprise.pk, listed.pk, other_case.pk}
    assert ids(subject_type="person") == {listed.pk}
    assert ids(case=second.pk) == {other_case.pk}
    assert ids(enterprise_uscc=second.enterprise.uscc) == {other_case.pk}
    assert ids(q="赵出纳") == {listed.pk}
    assert ids(q=second.enterprise.name) == {other_case.pk}
    assert ids(in_force="true") == {listed.pk}
    assert listed.pk not in ids(in_force="false")
    assert ids(listed_after="2026-02-27", listed_before="2026-02-27") == {listed.pk}
    assert ids(id_number=listed.id_number) == {listed.pk}
    assert ids(region_code="6205") == {enterprise.pk, listed.pk, other_case.pk} and ids(region_code=OTHER) == set()
    assert client.get(LISTINGS, {"status": "banned"}).status_code == 400


# --- Scope ----------------------------------------------------------------------------------------


def test_other_countys_listing_is_404_on_every_path(client, listable_case, inspector, other_listing):
    mine = propose(listable_case, inspector)
    assert {r["id"] for r in client.get(LISTINGS).json()["results"]} == {mine.pk}
    missing = client.get(url(999999))
    assert client.get(url(other_listing)).status_code == 404 and missing.status_code == 404
    for method, action, body in [
        ("get", "events", None), ("get", "objections", None), ("get", "notice-pdf", None),
        ("post", "decide", {"decided_on": "2026-03-02"}),
        ("post", "remove", {"reason": "credit_repair", "pledge": "承诺", "removed_on": "2026-11-01"}),
        ("post", "objections", {"text": "异议"}), ("post", "notes", {"comment": "x"}),
    ]:
        response = getattr(client, method)(url(other_listing, action), body, format="json")
        assert response.status_code == 404, (action, response.status_code)
    other_listing.refresh_from_db()
    assert other_listing.status == "listed" and not other_listing.events.filter(type="note").exists()


def test_bureau_reads_its_industries_only_and_never_writes(api_as, make_user, listable_case, make_listable_case, inspector):
    housing = propose(listable_case, inspector)  # a housing project
    transport = propose(make_listable_case(industry="transport"), inspector)
    bureau = api_as(make_user(Role.BUREAU, "6205", industries=["housing"]))
    assert {r["id"] for r in bureau.get(LISTINGS).json()["results"]} == {housing.pk}
    assert bureau.get(url(housing)).status_code == 200
    assert bureau.get(url(housing, "events")).status_code == 200
    assert bureau.get(url(transport)).status_code == 404
    for action, body in [("decide", {"decided_on": "2026-03-02"}), ("notes", {"comment": "x"}),
                         ("remove", {"reason": "credit_repair", "pledge": "x"}), ("objections", {"text": "x"})]:
        assert bureau.post(url(housing, action), body, format="json").status_code == 403, action
    assert bureau.post(LISTINGS, {"case": listable_case.pk, "subject_type": "person", "name": "李四",
                                  "id_number": make_id_number(_rng, HOME), "basis": "threshold"}, format="json").status_code == 403
    transport_bureau = api_as(make_user(Role.BUREAU, "6205", industries=["transport"]))
    assert transport_bureau.get(url(housing)).status_code == 404
    assert transport_bureau.get(url(transport)).status_code == 200
    for endpoint in (BATCHES, RATINGS, EXPORTS):
        assert bureau.get(endpoint).status_code == 403
    housing.refresh_from_db()
    assert housing.status == "notified" and Listing.objects.count() == 2


def test_office_staff_reads_but_does_not_act(api_as, office_staff, listable_case, inspector):
    listing = propose(listable_case, inspector)
    staff = api_as(office_staff)
    assert staff.get(url(listing)).status_code == 200
    assert staff.post(url(listing, "decide"), {"decided_on": "2026-03-02"}, format="json").status_code == 403
    assert staff.post(LISTINGS, {"case": listable_case.pk, "subject_type": "enterprise", "basis": "incident"},
                      format="json").status_code == 403


def test_list_query_count_with_20_listings(client, make_listable_case, inspector, django_assert_max_num_queries):
    for n in range(4):
        case = make_listable_case()
        propose(case, inspector)
        for m in range(4):
            listing = person(case, inspector)
            if m % 2:
                services.listing_object(listing=listing, user=inspector, text="异议", received_on=D("2026-02-13"))
            elif n % 2:
                decide(listing, inspector)
    with django_assert_max_num_queries(9):
        response = client.get(LISTINGS, {"page_size": 50})
    assert response.status_code == 200 and response.json()["count"] == 20


# --- The public list ------------------------------------------------------------------------------


def test_public_list_shows_only_entries_in_force_with_masked_ids(api_client, make_listable_case, inspector, make_case):
    case = make_listable_case()
    in_force = decide(propose(case, inspector), inspector)
    listed_person = decide(person(case, inspector, name="张法人"), inspector)
    notified = person(case, inspector, name="钱未决")
    withdrawn = person(case, inspector, name="孙撤销")
    objection = services.listing_object(listing=withdrawn, user=inspector, text="已离职", received_on=D("2026-02-13"))
    services.objection_review(objection=objection, user=inspector, outcome="upheld", review="属实")
    # Removed after credit repair.
    repaired_case = make_listable_case()
    removed = decide(propose(repaired_case, inspector), inspector)
    case_services.case_payment_add(case=repaired_case, user=inspector, amount="96000.00", paid_on=D("2026-03-10"),
                                   source="enterprise", workers=12)
    services.listing_remove(listing=removed, user=inspector, reason="credit_repair", pledge="承诺书", removed_on=D("2026-09-10"))
    # Listed in 2023 and expired by the daily job.
    expired_case = make_listable_case(occurred_on="2023-05-01", issued_on="2023-06-01", pay_by="2023-06-15")
    expired = decide(propose(expired_case, inspector, notified_on=D("2023-07-03")), inspector, "2023-07-21")
    assert services.listings_expire(today=D("2026-07-21")) == 1
    expired.refresh_from_db()
    assert expired.status == "expired"
    # Listed in 2023: its 3 years ran out on 20 July 2026, and the daily job has not run since.
    old_case = make_listable_case(occurred_on="2023-05-01", issued_on="2023-06-01", pay_by="2023-06-15")
    stale = decide(person(old_case, inspector, name="周过期", notified_on=D("2023-07-03")), inspector, "2023-07-20")
    assert stale.status == "listed" and stale.expires_on == D("2026-07-20") and not stale.in_force

    response = api_client.get(PUBLIC)
    assert response.status_code == 200, response.content
    data = response.json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert data["count"] == 2
    names = {row["name"] for row in data["results"]}
    assert names == {in_force.name, "张法人"}
    for hidden in (notified, withdrawn, removed, stale, expired):
        assert hidden.name not in response.content.decode()
    row = next(r for r in data["results"] if r["subject_type"] == "person")
    assert MASKED_ID.match(row["id_number"]) and row["uscc"] == ""
    assert row["id_number"] == f"{listed_person.id_number[:6]}{'*' * 8}{listed_person.id_number[-4:]}"
    assert row["enterprise_name"] == case.enterprise.name and row["deciding_office"].startswith("甘肃省")
    assert set(row) == {"name", "subject_type", "subject_type_display", "person_role", "person_role_display", "uscc",
                        "id_number", "enterprise_name", "basis", "basis_display", "facts", "deciding_office",
                        "decision_number", "listed_on", "expires_on"}
    company = next(r for r in data["results"] if r["subject_type"] == "enterprise")
    assert company["uscc"] == case.enterprise.uscc and company["id_number"] == ""
    # No full ID number anywhere in what the public receives, whatever the search.
    for params in ({}, {"q": "张法人"}, {"q": listed_person.id_number}, {"q": listed_person.id_number[:6]}, {"page_size": 500}):
        body = api_client.get(PUBLIC, params).content.decode()
        assert not ID_NUMBER.search(body), params
    assert api_client.get(PUBLIC, {"q": listed_person.id_number}).json()["count"] == 0


def test_public_list_search_and_no_login(api_client, api_as, make_listable_case, inspector, other_inspector):
    mine = make_listable_case()
    theirs = make_listable_case(OTHER)
    decide(propose(mine, inspector), inspector)
    decide(propose(theirs, other_inspector), other_inspector)
    # Public: both counties, without credentials, and a token changes nothing.
    assert api_client.get(PUBLIC).json()["count"] == 2
    assert api_as(inspector).get(PUBLIC).json()["count"] == 2
    assert [r["uscc"] for r in api_client.get(PUBLIC, {"q": theirs.enterprise.uscc}).json()["results"]] == [
        theirs.enterprise.uscc]
    assert api_client.get(PUBLIC, {"q": mine.enterprise.name[:8]}).json()["count"] >= 1
    assert api_client.get(PUBLIC, {"region_code": OTHER}).json()["count"] == 1
    first = api_client.get(PUBLIC, {"page_size": 1}).json()
    assert len(first["results"]) == 1 and first["next"]
    # Only reading.
    assert api_client.post(PUBLIC, {}, format="json").status_code == 405


def test_public_list_is_rate_limited(api_client, settings, db):
    settings.PUBLIC_BLACKLIST_RATE_PER_IP = "3/m"
    for _ in range(3):
        assert api_client.get(PUBLIC).status_code == 200
    response = api_client.get(PUBLIC)
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1


# --- Documents ------------------------------------------------------------------------------------


def _document_or_skip(module_name, name):
    import importlib

    try:
        module = importlib.import_module(module_name)
    except ImportError:
        pytest.skip(f"{module_name} is not there yet")
    if not hasattr(module, name):
        pytest.skip(f"{module_name}.{name} is not there yet")


def _pdf_or_skip(response):
    if response.status_code == 500:  # pragma: no cover
        pytest.skip("no CJK font on this machine")


def test_notice_and_decision_pdf(client, listable_case, inspector):
    _document_or_skip("blacklist.documents", "listing_notice_pdf")
    from inspections.documents import PdfFontMissing

    listing = person(listable_case, inspector)
    try:
        response = client.get(url(listing, "notice-pdf"))
    except PdfFontMissing:
        pytest.skip("no CJK font on this machine")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(url(listing, "decision-pdf")).status_code == 404  # not decided yet
    decide(listing, inspector)
    decision = client.get(url(listing, "decision-pdf"))
    assert decision.status_code == 200 and b"".join(decision.streaming_content).startswith(b"%PDF")


def test_batch_downloads(client, listable_case, inspector):
    _document_or_skip("blacklist.excel", "publication_xlsx")
    _document_or_skip("blacklist.documents", "publication_pdf")
    from inspections.documents import PdfFontMissing

    batch = services.batch_create(user=inspector, region=Region.objects.get(pk=HOME), year=2026, quarter=1)
    xlsx = client.get(f"{BATCHES}{batch.pk}/xlsx/")
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]
    assert b"".join(xlsx.streaming_content).startswith(b"PK")
    try:
        pdf = client.get(f"{BATCHES}{batch.pk}/pdf/")
    except PdfFontMissing:
        pytest.skip("no CJK font on this machine")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_downloads_of_another_county_are_404(client, other_listing, other_inspector):
    batch = services.batch_create(user=other_inspector, region=Region.objects.get(pk=OTHER), year=2026, quarter=1)
    assert client.get(url(other_listing, "notice-pdf")).status_code == 404
    assert client.get(url(other_listing, "decision-pdf")).status_code == 404
    assert client.get(f"{BATCHES}{batch.pk}/xlsx/").status_code == 404
    assert client.get(f"{BATCHES}{batch.pk}/pdf/").status_code == 404


# --- Publication batches --------------------------------------------------------------------------


def test_publication_batch_flow(client, api_as, listable_case, small_case, inspector, head, make_listable_case):
    response = client.post(BATCHES, {"region_code": HOME, "year": 2026, "quarter": 1}, format="json")
    assert response.status_code == 201, response.content
    batch = response.json()
    assert batch["status"] == "draft" and batch["title"] == "秦州区2026年第一季度重大劳动保障违法行为社会公布"
    assert batch["entry_count"] == 1 and batch["xlsx_url"].endswith(f"/publications/{batch['id']}/xlsx/")
    entry = batch["entries"][0]
    assert (entry["case"], entry["reason"], entry["uscc"], entry["name"]) == (
        listable_case.pk, "large_arrears", listable_case.enterprise.uscc, listable_case.enterprise.name)
    assert {"address", "legal_representative", "facts", "handling"} <= set(entry) and "96,000.00" in entry["facts"]
    again = client.post(BATCHES, {"region_code": HOME, "year": 2026, "quarter": 1}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "batch_exists"
    assert client.post(BATCHES, {"region_code": "62", "year": 2026, "quarter": 1}, format="json").status_code == 400

    base = f"{BATCHES}{batch['id']}/"
    # Entries while a draft.
    not_major = client.post(f"{base}entries/", {"case": small_case.pk}, format="json")
    assert not_major.status_code == 409 and not_major.json()["code"] == "basis_not_met"
    duplicate = client.post(f"{base}entries/", {"case": listable_case.pk}, format="json")
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "already_listed"
    later = make_listable_case()
    added = client.post(f"{base}entries/", {"case": later.pk}, format="json")
    assert added.status_code == 201 and added.json()["case"] == later.pk
    assert client.delete(f"{base}entries/{added.json()['id']}/").status_code == 204
    assert client.delete(f"{base}entries/999999/").status_code == 404
    assert PublicationEntry.objects.filter(batch_id=batch["id"]).count() == 1
    # Publishing before approval; approval by the inspector (not the head).
    assert client.post(f"{base}publish/", {}, format="json").json()["code"] == "wrong_state"
    head_client = api_as(head)
    assert client.post(f"{base}review/").json()["status"] == "reviewed"
    assert client.post(f"{base}entries/", {"case": later.pk}, format="json").json()["code"] == "wrong_state"
    assert client.post(f"{base}approve/").status_code == 403
    approved = head_client.post(f"{base}approve/")
    assert approved.status_code == 200 and approved.json()["approved_by"]["id"] == head.pk
    published = client.post(f"{base}publish/", {"published_on": "2026-04-10"}, format="json")
    assert published.status_code == 200 and (published.json()["status"], published.json()["published_on"]) == (
        "published", "2026-04-10")
    assert [b["status"] for b in client.get(BATCHES, {"status": "published"}).json()["results"]] == ["published"]
    assert client.get(BATCHES, {"q": listable_case.enterprise.uscc}).json()["count"] == 1
    # The next quarter's batch takes the case taken out of this one; its reviewer cannot also approve it.
    second = head_client.post(BATCHES, {"region_code": HOME, "year": 2026, "quarter": 2}, format="json").json()
    assert [e["case"] for e in second["entries"]] == [later.pk]
    assert head_client.post(f"{BATCHES}{second['id']}/review/").status_code == 200
    same = head_client.post(f"{BATCHES}{second['id']}/approve/")
    assert same.status_code == 409 and same.json()["code"] == "same_person"


def test_empty_batch_cannot_be_reviewed(client):
    batch = client.post(BATCHES, {"region_code": HOME, "year": 2026, "quarter": 3}, format="json").json()
    assert batch["entries"] == []
    response = client.post(f"{BATCHES}{batch['id']}/review/")
    assert response.status_code == 409 and response.json()["code"] == "empty"


def test_other_countys_batch_is_404(client, other_inspector):
    batch = services.batch_create(user=other_inspector, region=Region.objects.get(pk=OTHER), year=2026, quarter=1)
    for method, action in [("get", ""), ("post", "review/"), ("post", "approve/"), ("post", "publish/"),
                           ("post", "entries/")]:
        assert getattr(client, method)(f"{BATCHES}{batch.pk}/{action}", {}, format="json").status_code == 404, action
    assert client.get(BATCHES).json()["count"] == 0


# --- Ratings --------------------------------------------------------------------------------------


def test_ratings_read_adjust_recompute(client, api_as, listable_case, inspector, head, office_staff, make_enterprise):
    enterprise = listable_case.enterprise
    decide(propose(listable_case, inspector), inspector)  # listing computes the rating: C
    by_uscc = client.get(f"{RATINGS}{enterprise.uscc}/")
    assert by_uscc.status_code == 200, by_uscc.content
    data = by_uscc.json()
    assert (data["computed"], data["adjusted"], data["rating"], data["listed"]) == ("C", "", "C", True)
    assert data["reasons"] and "C (serious violations)" in data["rules"]
    assert client.get(f"{RATINGS}{data['id']}/").json()["enterprise"]["uscc"] == enterprise.uscc
    assert client.get(f"{RATINGS}{enterprise.uscc.lower()}/").status_code == 200
    assert client.get(RATINGS, {"rating": "C"}).json()["results"][0]["listed"] is True

    body = {"rating": "B", "reason": "已全额清偿并主动整改，经研究调整。"}
    assert client.post(f"{RATINGS}{enterprise.uscc}/adjust/", body, format="json").status_code == 403
    assert api_as(office_staff).post(f"{RATINGS}{enterprise.uscc}/adjust/", body, format="json").status_code == 403
    head_client = api_as(head)
    assert "reason" in head_client.post(f"{RATINGS}{enterprise.uscc}/adjust/", {"rating": "B", "reason": ""},
                                        format="json").json()
    assert "rating" in head_client.post(f"{RATINGS}{enterprise.uscc}/adjust/", {"rating": "D", "reason": "x"},
                                        format="json").json()
    adjusted = head_client.post(f"{RATINGS}{enterprise.uscc}/adjust/", body, format="json")
    assert adjusted.status_code == 200, adjusted.content
    assert (adjusted.json()["rating"], adjusted.json()["computed"], adjusted.json()["adjusted_by"]["id"]) == ("B", "C", head.pk)
    enterprise.refresh_from_db()
    assert enterprise.credit_rating == "B"
    assert client.get(RATINGS, {"adjusted": "true"}).json()["count"] == 1
    back = head_client.post(f"{RATINGS}{enterprise.uscc}/adjust/", {"rating": "", "reason": "恢复计算等级。"}, format="json")
    assert back.json()["rating"] == "C"

    # Recompute, also for an enterprise in scope not rated yet.
    clean = make_enterprise()
    assert client.get(f"{RATINGS}{clean.uscc}/").status_code == 404
    computed = client.post(f"{RATINGS}{clean.uscc}/recompute/")
    assert computed.status_code == 200 and computed.json()["rating"] == "A" and computed.json()["listed"] is False
    assert api_as(office_staff).post(f"{RATINGS}{clean.uscc}/recompute/").status_code == 403
    assert client.get(f"{RATINGS}nonsense/").status_code == 404


def test_other_countys_rating_is_404(client, make_enterprise):
    theirs = make_enterprise(region=OTHER)
    rating = services.rating_compute(enterprise=theirs)
    for path in (f"{RATINGS}{theirs.uscc}/", f"{RATINGS}{rating.pk}/"):
        assert client.get(path).status_code == 404
    assert client.post(f"{RATINGS}{theirs.uscc}/recompute/").status_code == 404
    assert client.get(RATINGS).json()["count"] == 0


# --- Credit-platform exports ----------------------------------------------------------------------


def test_credit_exports(client, api_as, listable_case, inspector, office_staff, other_inspector, make_listable_case):
    company = decide(propose(listable_case, inspector), inspector)
    individual = decide(person(listable_case, inspector), inspector)
    decide(propose(make_listable_case(OTHER), other_inspector), other_inspector)
    assert api_as(office_staff).post(EXPORTS, {}, format="json").status_code == 403
    assert client.post(EXPORTS, {"region_code": OTHER}, format="json").status_code == 400
    response = client.post(EXPORTS, {}, format="json")
    assert response.status_code == 201, response.content
    export = response.json()
    assert (export["region_code"], export["entry_count"]) == (HOME, 2)
    assert {(e["listing"], e["action"]) for e in export["entries"]} == {(company.pk, "list"), (individual.pk, "list")}
    nothing = client.post(EXPORTS, {"region_code": HOME}, format="json")
    assert nothing.status_code == 409 and nothing.json()["code"] == "nothing_to_export"
    assert CreditExport.objects.count() == 1

    assert client.get(EXPORTS).json()["count"] == 1
    PiiAccessLog.objects.all().delete()
    download = client.get(export["file_url"])
    assert download.status_code == 200, download.content
    payload = json.loads(b"".join(download.streaming_content))
    assert payload["format"] == "wagecase.credit-export/1" and payload["count"] == 2
    assert individual.id_number in {e["id_number"] for e in payload["entries"]}
    log = PiiAccessLog.objects.get()
    assert (log.object_id, log.field, log.channel) == (str(individual.pk), "id_number", "export")
    staff = api_as(office_staff)
    assert staff.get(EXPORTS).json()["count"] == 1  # may see that pushes happened …
    assert staff.get(export["file_url"]).status_code == 403  # … not the full ID numbers
    other = api_as(other_inspector)
    assert other.get(f"{EXPORTS}{export['id']}/").status_code == 404
    assert other.get(export["file_url"]).status_code == 404


# --- Schema ---------------------------------------------------------------------------------------


def test_every_endpoint_in_the_schema_has_a_summary_and_a_description(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    prefixes = ("/api/v1/blacklist/", "/api/v1/public/blacklist/", "/api/v1/publications/", "/api/v1/ratings/",
                "/api/v1/credit-exports/")
    operations = [(path, method, op) for path, item in schema["paths"].items() if path.startswith(prefixes)
                  for method, op in item.items()]
    assert len(operations) >= 28
    for path, method, op in operations:
        assert op.get("summary"), (path, method)
        assert op.get("description"), (path, method)
    assert "security" in schema["paths"]["/api/v1/public/blacklist/"]["get"]
    assert {} in schema["paths"]["/api/v1/public/blacklist/"]["get"]["security"]
