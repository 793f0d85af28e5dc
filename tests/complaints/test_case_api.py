"""REST API of arrears cases, incidents and the clear-to-zero figures: the generic suite for both
endpoints, then opening a case (five haves, dates, money, enterprise, county, from a clue with its
409s), PATCH limits, payments to zero (400 overpay, 409 cleared), order, compensation, referral
(409s), timeline and notes, key monitoring, filters, scope (other county, bureau of housing),
masking of workers' ID numbers, query ceilings, and the zero-clearance figures with a fixed day."""
import datetime as dt
import random
import re
from decimal import Decimal

import pytest

from complaints import services
from complaints.case_selectors import zero_clearance
from complaints.choices import CaseStatus
from complaints.models import ArrearsCase, CaseEvent, CasePayment, CaseWorker, CriminalReferral, Incident
from wagecase.core.choices import Role
from wagecase.core.identifiers import make_id_number, make_uscc
from wagecase.core.models import Enterprise, ObjectChange, Region

from ..conftest import HOME, OTHER
from ..generic_api import APIEndpointTests
from .conftest import FIVE_HAVES, at

CASES = "/api/v1/cases/"
INCIDENTS = "/api/v1/incidents/"
ZERO = "/api/v1/stats/zero-clearance/"
D = dt.date.fromisoformat
MASKED_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")
_rng = random.Random(6)


def url(case, action=""):
    pk = case if isinstance(case, (int, str)) else case.pk
    return f"{CASES}{pk}/" + (f"{action}/" if action else "")


def case_payload(**overrides):
    data = {
        "enterprise": {"uscc": make_uscc(_rng, HOME), "name": "天水某某建筑劳务有限公司"},
        "region_code": HOME,
        "occurred_on": "2026-09-01",
        "workers_owed": 12,
        "amount_owed": "96000.00",
        **{key: str(value) for key, value in FIVE_HAVES.items()},
    }
    data.update(overrides)
    return data


def incident_payload(**overrides):
    data = {
        "kind": "collective_petition",
        "serious": False,
        "occurred_at": "2026-11-20T09:00:00+08:00",
        "reported_at": "2026-11-20T09:08:00+08:00",
        "region_code": HOME,
        "people_involved": 25,
        "description": "二十余名工人在区政府门口聚集讨薪。",
        "measures": "劳动监察大队到场劝导，约谈总包。",
    }
    data.update(overrides)
    return data


@pytest.fixture
def client(api_as, inspector):
    return api_as(inspector)


@pytest.fixture
def housing_bureau(make_user):
    return make_user(Role.BUREAU, "6205", industries=["housing"])


def counts():
    return (ArrearsCase.objects.count(), Enterprise.objects.count(), CaseWorker.objects.count(), CaseEvent.objects.count(),
            CasePayment.objects.count(), ObjectChange.objects.count())


# --- Generic suites ------------------------------------------------------------------------------


class TestArrearsCaseAPI(APIEndpointTests):
    model = ArrearsCase
    endpoint = CASES
    actions = ("list", "retrieve", "create", "update")
    list_rows = 31
    list_max_queries = 9

    def make_object(self, f, *, in_scope=True):
        return f.make_case(region=HOME if in_scope else OTHER)

    def create_payload(self, f):
        return case_payload()

    def invalid_create_payload(self, f):
        return case_payload(amount_owed="100.001", responsible_person=""), ["amount_owed", "responsible_person"]

    def out_of_scope_create_payload(self, f):
        return case_payload(region_code=OTHER, enterprise={"uscc": make_uscc(_rng, OTHER), "name": "麦积某公司"})

    def update_payload(self, f, obj):
        return {"measures": "再次约谈，责令十日内支付。", "supervision_level": "city", "leader_in_charge": "张副区长"}

    def invalid_update_payload(self, f, obj):
        return {"responsible_person": "", "amount_owed": "1.00"}, ["responsible_person"]

    def assert_created(self, obj, payload):
        assert obj.amount_owed == Decimal(payload["amount_owed"]) and obj.region_id == HOME
        assert obj.enterprise.uscc == payload["enterprise"]["uscc"]


class TestIncidentAPI(APIEndpointTests):
    model = Incident
    endpoint = INCIDENTS
    actions = ("list", "retrieve", "create", "update")
    list_rows = 31
    list_max_queries = 6

    def make_object(self, f, *, in_scope=True):
        return services.incident_report(
            user=f.inspector, kind="strike", occurred_at=at("2026-11-10", 9), reported_at=at("2026-11-10", 10),
            region=Region.objects.get(pk=HOME if in_scope else OTHER), people_involved=12, description="工人停工讨薪。",
        )

    def create_payload(self, f):
        return incident_payload()

    def invalid_create_payload(self, f):
        return incident_payload(kind="riot", people_involved=0), ["kind", "people_involved"]

    def out_of_scope_create_payload(self, f):
        return incident_payload(region_code=OTHER)

    def update_payload(self, f, obj):
        return {"cause": "分包单位拖欠三个月工资。", "public_reaction": "无媒体报道。"}

    def invalid_update_payload(self, f, obj):
        return {"people_involved": 0, "kind": "other"}, ["people_involved", "kind"]


# --- Opening a case ------------------------------------------------------------------------------


def test_open_case_answers_derived_fields(client, make_project):
    project = make_project(investment_type="government")
    response = client.post(CASES, case_payload(project_code=project.code, region_code=None, occurred_on="2026-03-01",
                                                workers_owed=30, supervision_level="county"))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "open" and data["government_type"] is True and data["key_monitoring"] is True
    assert data["zero_clearance_due"] == "2026-12-31" and data["region_code"] == HOME
    assert data["amount_paid"] == "0.00" and data["amount_outstanding"] == "96000.00"
    assert data["order_ignored"] is False and data["criminal_threshold_met"] is True
    assert data["referral"] is None and data["payments"] == [] and data["incidents"] == []
    assert data["industry"] == "housing" and data["supervision_level"] == "county"
    case = ArrearsCase.objects.get(pk=data["id"])
    assert data["days_left"] == case.days_left()
    assert list(case.events.values_list("type", flat=True)) == ["opened"]


@pytest.mark.parametrize("field", ["responsible_unit", "responsible_leader", "responsible_person", "measures", "deadline"])
def test_five_haves_each_required(client, field):
    before = counts()
    missing = case_payload()
    del missing[field]
    blank = case_payload(**{field: "  " if field != "deadline" else ""})
    for body in (missing, blank):
        response = client.post(CASES, body)
        assert response.status_code == 400, response.content
        assert field in response.json()
    assert counts() == before


@pytest.mark.parametrize("overrides, field", [
    ({"occurred_on": (dt.date.today() + dt.timedelta(days=3)).isoformat()}, "occurred_on"),
    ({"amount_owed": "100.001"}, "amount_owed"),
    ({"amount_owed": "-5.00"}, "amount_owed"),
    ({"amount_owed": "0"}, "amount_owed"),
    ({"workers_owed": 0}, "workers_owed"),
    ({"enterprise": {"uscc": "91620502ABCDEFGH1X", "name": "某公司"}}, "enterprise"),
    ({"enterprise": {"uscc": make_uscc(random.Random(1), HOME)}}, "enterprise"),  # new enterprise without a name
    ({"region_code": None}, "region_code"),
    ({"region_code": OTHER}, "region_code"),
    ({"deadline": "2026-08-01"}, "deadline"),  # before the arrears
    ({"project_code": "NO-SUCH"}, "project_code"),
    ({"source_clue": "620502-2026-999999"}, "source_clue"),
    ({"supervision_level": "nation"}, "supervision_level"),
])
def test_bad_input_is_400_and_saves_nothing(client, overrides, field):
    before = counts()
    response = client.post(CASES, case_payload(**overrides))
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert counts() == before


def test_workers_must_add_up_and_ids_are_checked(client):
    before = counts()
    good_id = make_id_number(_rng, HOME)
    short = client.post(CASES, case_payload(workers=[{"name": "张三", "id_number": good_id, "amount_owed": "1000.00"}]))
    assert short.status_code == 400 and "workers" in short.json()
    bad = client.post(CASES, case_payload(amount_owed="1000.00",
                                          workers=[{"name": "张三", "id_number": "620502199013011234", "amount_owed": "1000.00"}]))
    assert bad.status_code == 400 and "workers" in bad.json()
    assert counts() == before


def test_worker_ids_masked_for_office_staff(client, api_as, office_staff):
    first, second = make_id_number(_rng, HOME), make_id_number(_rng, HOME)
    response = client.post(CASES, case_payload(amount_owed="3000.00", workers_owed=2, workers=[
        {"name": "张三", "id_number": first, "amount_owed": "1000.00"},
        {"name": "李四", "id_number": second.lower(), "amount_owed": "2000.00"},
    ]))
    assert response.status_code == 201, response.content
    case_id = response.json()["id"]
    assert [w["id_number"] for w in response.json()["workers"]] == [first, second]
    for data in (api_as(office_staff).get(url(case_id)).json(),
                 api_as(office_staff).get(CASES).json()["results"][0]):
        ids = [w["id_number"] for w in data["workers"]]
        assert all(MASKED_ID.match(value) for value in ids), ids
        assert first not in str(data) and second not in str(data)


def test_open_from_clue_carries_data_and_conflicts(client, make_clue, inspector):
    clue = make_clue(employer_uscc=make_uscc(_rng, HOME), workers_involved=3, amount_claimed=Decimal("18600.00"))
    services.clue_accept(clue=clue, user=inspector)
    services.clue_classify(clue=clue, user=inspector, category="wage_arrears")
    body = {key: str(value) for key, value in FIVE_HAVES.items()}
    response = client.post(CASES, {**body, "source_clue": clue.number})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["source_clue"] == clue.number and data["amount_owed"] == "18600.00" and data["workers_owed"] == 3
    assert data["region_code"] == HOME and data["occurred_on"] == "2026-11-02"
    assert data["enterprise"]["uscc"] == clue.employer_uscc
    dispute = make_clue()
    services.clue_accept(clue=dispute, user=inspector)
    services.clue_classify(clue=dispute, user=inspector, category="dispute")
    before = counts()
    again = client.post(CASES, {**body, "source_clue": clue.number})
    assert again.status_code == 409 and again.json()["code"] == "clue_has_case"
    assert counts() == before
    refused = client.post(CASES, {**body, "source_clue": dispute.number,
                                  "enterprise": {"uscc": make_uscc(_rng, HOME), "name": "某劳务公司"}})
    assert refused.status_code == 409 and refused.json()["code"] == "clue_not_wage_arrears"
    assert counts() == before


def test_clue_of_other_county_is_unknown(client, make_clue, other_inspector):
    clue = make_clue(user=other_inspector, region=OTHER, employer_uscc=make_uscc(_rng, OTHER))
    response = client.post(CASES, {**{k: str(v) for k, v in FIVE_HAVES.items()}, "source_clue": clue.number})
    assert response.status_code == 400 and "source_clue" in response.json()


def test_patch_limits_and_timeline(client, make_case):
    case = make_case()
    refused = client.patch(url(case), {"amount_owed": "1.00", "status": "cleared"})
    assert refused.status_code == 400 and {"amount_owed", "status"} <= set(refused.json())
    response = client.patch(url(case), {"supervision_level": "province", "leader_in_charge": "赵市长", "comment": "挂牌督办"})
    assert response.status_code == 200, response.content
    assert response.json()["supervision_level"] == "province"
    events = client.get(url(case, "events")).json()["results"]
    assert [e["type"] for e in events] == ["opened", "supervision"]
    assert client.patch(url(case), {"deadline": "2026-01-01"}).status_code == 400  # before the arrears
    case.refresh_from_db()
    assert case.deadline == FIVE_HAVES["deadline"] and case.amount_owed == Decimal("96000.00")


# --- Payments, order, compensation, referral -----------------------------------------------------


def test_payments_to_zero(client, make_case):
    case = make_case(amount_owed=Decimal("1000.00"), workers_owed=2)
    first = client.post(url(case, "payments"), {"amount": "400.00", "workers": 1, "paid_on": "2026-10-01", "source": "enterprise"})
    assert first.status_code == 201, first.content
    assert first.json()["amount"] == "400.00" and first.json()["case_status"] == "open"
    assert first.json()["case_amount_outstanding"] == "600.00"
    before = counts()
    for body, field in [
        ({"amount": "600.01", "paid_on": "2026-10-02", "source": "enterprise"}, "amount"),
        ({"amount": "10.001", "paid_on": "2026-10-02", "source": "enterprise"}, "amount"),
        ({"amount": "10.00", "paid_on": (dt.date.today() + dt.timedelta(days=1)).isoformat(), "source": "enterprise"}, "paid_on"),
        ({"amount": "10.00", "paid_on": "2026-10-02", "source": "lottery"}, "source"),
        ({"amount": "10.00", "paid_on": "2026-10-02", "source": "deposit"}, "source"),  # no project
        ({"amount": "10.00", "paid_on": "2026-10-02", "source": "enterprise", "workers": 5}, "workers"),
    ]:
        response = client.post(url(case, "payments"), body)
        assert response.status_code == 400, (body, response.content)
        assert field in response.json(), response.json()
    assert counts() == before
    last = client.post(url(case, "payments"), {"amount": "600.00", "workers": 1, "paid_on": "2026-10-05", "source": "emergency_fund"})
    assert last.status_code == 201 and last.json()["case_status"] == "cleared"
    case.refresh_from_db()
    assert case.status == CaseStatus.CLEARED and case.cleared_on == D("2026-10-05")
    cleared = client.post(url(case, "payments"), {"amount": "1.00", "paid_on": "2026-10-06", "source": "enterprise"})
    assert cleared.status_code == 409 and cleared.json()["code"] == "cleared"
    listed = client.get(url(case, "payments")).json()
    assert [p["amount"] for p in listed["results"]] == ["400.00", "600.00"]
    detail = client.get(url(case)).json()
    assert detail["amount_outstanding"] == "0.00" and detail["status"] == "cleared" and len(detail["payments"]) == 2
    assert client.post(url(case, "order"), {"issued_on": "2026-10-10", "pay_by": "2026-10-20"}).json()["code"] == "cleared"


def test_order_compensation_and_referral(client, make_case):
    case = make_case(amount_owed=Decimal("40000.00"), workers_owed=10, occurred_on=D("2026-08-01"))
    no_order = client.post(url(case, "referral"), {"referred_on": "2026-10-20", "police_unit": "秦州分局"})
    assert no_order.status_code == 409 and no_order.json()["code"] == "no_order"
    assert client.post(url(case, "order"), {"issued_on": "2026-09-01", "pay_by": "2026-08-15"}).status_code == 400
    order = client.post(url(case, "order"), {"issued_on": "2026-09-01", "pay_by": "2026-09-15"})
    assert order.status_code == 200, order.content
    assert order.json()["order_issued_on"] == "2026-09-01" and order.json()["pay_by"] == "2026-09-15"
    assert order.json()["order_ignored"] is True and order.json()["criminal_threshold_met"] is True
    second = client.post(url(case, "order"), {"issued_on": "2026-09-02", "pay_by": "2026-09-20"})
    assert second.status_code == 409 and second.json()["code"] == "order_exists"

    assert client.post(url(case, "compensation"), {"percent": 40}).status_code == 400
    assert client.post(url(case, "compensation"), {"percent": 101}).status_code == 400
    comp = client.post(url(case, "compensation"), {"percent": 80, "ordered_on": "2026-10-01"})
    assert comp.status_code == 200 and comp.json()["compensation_percent"] == 80

    assert client.post(url(case, "referral"), {"referred_on": "2026-10-20"}).status_code == 400
    assert client.get(url(case, "referral")).status_code == 404
    referral = client.post(url(case, "referral"), {"referred_on": "2026-10-20", "police_unit": "秦州分局", "status": "referred"})
    assert referral.status_code == 201, referral.content
    again = client.post(url(case, "referral"), {"referred_on": "2026-10-21", "police_unit": "秦州分局"})
    assert again.status_code == 409 and again.json()["code"] == "referral_exists"
    assert client.patch(url(case, "referral"), {"status": "jailed"}).status_code == 400
    updated = client.patch(url(case, "referral"), {"status": "filed", "outcome": "已立案侦查。"})
    assert updated.status_code == 200 and updated.json()["status"] == "filed"
    assert client.get(url(case)).json()["referral"]["status"] == "filed"
    types = [e["type"] for e in client.get(url(case, "events")).json()["results"]]
    assert types == ["opened", "order", "compensation", "referred", "referral_updated"]


def test_referral_refused_under_threshold_or_not_ignored(client, make_case):
    small = make_case(amount_owed=Decimal("8000.00"), workers_owed=4, occurred_on=D("2026-08-01"))
    client.post(url(small, "order"), {"issued_on": "2026-09-01", "pay_by": "2026-09-15"})
    response = client.post(url(small, "referral"), {"referred_on": "2026-10-20", "police_unit": "秦州分局"})
    assert response.status_code == 409 and response.json()["code"] == "referral_not_allowed"
    waiting = make_case(amount_owed=Decimal("40000.00"), workers_owed=10, occurred_on=D("2026-08-01"))
    pay_by = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    client.post(url(waiting, "order"), {"issued_on": "2026-09-01", "pay_by": pay_by})
    response = client.post(url(waiting, "referral"), {"referred_on": dt.date.today().isoformat(), "police_unit": "秦州分局"})
    assert response.status_code == 409 and response.json()["code"] == "referral_not_allowed"
    assert not CriminalReferral.objects.exists()


def test_notes(client, make_case):
    case = make_case()
    assert client.post(url(case, "notes"), {"comment": ""}).status_code == 400
    response = client.post(url(case, "notes"), {"comment": "约谈项目经理。"})
    assert response.status_code == 201 and response.json()["type"] == "note"


# --- Key monitoring and filters ------------------------------------------------------------------


def test_key_monitoring_biggest_first(client, make_case, inspector):
    small = make_case(workers_owed=30, amount_owed=Decimal("50000.00"))
    big = make_case(amount_owed=Decimal("2000000.00"))
    make_case()  # not key monitoring
    cleared = make_case(amount_owed=Decimal("1500000.00"))
    services.case_payment_add(case=cleared, user=inspector, amount="1500000.00", paid_on=D("2026-10-01"), source="enterprise")
    rows = client.get(f"{CASES}key-monitoring/").json()["results"]
    assert [r["id"] for r in rows] == [big.pk, small.pk]


def test_filters(client, make_case, make_project, inspector, make_enterprise):
    government = make_case(project=make_project(investment_type="government"), occurred_on=D("2025-06-01"))
    enterprise = make_enterprise()
    recent = make_case(enterprise=enterprise, occurred_on=D("2026-10-01"), supervision_level="city")
    cleared = make_case(amount_owed=Decimal("100.00"))
    services.case_payment_add(case=cleared, user=inspector, amount="100.00", paid_on=D("2026-10-01"), source="enterprise")

    def ids(**params):
        response = client.get(CASES, params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(status="cleared") == {cleared.pk}
    assert ids(government_type="true") == {government.pk}
    assert ids(overdue="true") == {government.pk}  # due 2025-12-31
    assert ids(enterprise_uscc=enterprise.uscc) == {recent.pk}
    assert ids(project_code=government.project.code) == {government.pk}
    assert ids(supervision_level="city") == {recent.pk}
    assert ids(occurred_after="2026-09-15") == {recent.pk}
    assert government.pk in ids(occurred_before="2025-12-31") and recent.pk not in ids(occurred_before="2025-12-31")
    assert ids(region_code=OTHER) == set()
    assert client.get(CASES, {"status": "shut"}).status_code == 400


def test_list_query_count_bounded_for_20_cases(client, make_case, inspector, make_project, django_assert_max_num_queries):
    project = make_project()
    for n in range(20):
        case = make_case(**({"project": project} if n % 2 else {}), amount_owed=Decimal("3000.00"), workers_owed=2, workers=[
            {"name": "张三", "id_number": make_id_number(_rng, HOME), "amount_owed": Decimal("1000.00")},
            {"name": "李四", "id_number": make_id_number(_rng, HOME), "amount_owed": Decimal("2000.00")},
        ])
        services.case_payment_add(case=case, user=inspector, amount="500.00", paid_on=D("2026-10-01"), source="enterprise")
        if n % 3 == 0:
            services.case_order(case=case, user=inspector, issued_on=D("2026-10-02"), pay_by=D("2026-10-10"))
    with django_assert_max_num_queries(10):
        response = client.get(CASES, {"page_size": 50})
    assert response.status_code == 200 and response.json()["count"] == 20
    with django_assert_max_num_queries(10):
        assert client.get(f"{CASES}key-monitoring/").status_code == 200


# --- Scope --------------------------------------------------------------------------------------


def test_other_county_case_is_404_everywhere(client, make_case, other_inspector):
    mine = make_case()
    theirs = make_case(user=other_inspector, region=OTHER, amount_owed=Decimal("5000.00"))
    assert {r["id"] for r in client.get(CASES).json()["results"]} == {mine.pk}
    missing = client.get(url(999999))
    assert client.get(url(theirs)).status_code == 404 and missing.status_code == 404
    for method, action, body in [
        ("patch", "", {"measures": "x"}),
        ("get", "payments", None), ("post", "payments", {"amount": "1.00", "paid_on": "2026-10-01", "source": "enterprise"}),
        ("post", "order", {"issued_on": "2026-10-01", "pay_by": "2026-10-10"}), ("get", "events", None),
        ("post", "notes", {"comment": "x"}), ("post", "compensation", {"percent": 60}), ("get", "referral", None),
    ]:
        response = getattr(client, method)(url(theirs, action), body)
        assert response.status_code == 404, (method, action, response.status_code)
    theirs.refresh_from_db()
    assert theirs.amount_paid == 0 and theirs.order_issued_on is None
    incident = client.post(INCIDENTS, incident_payload(case=theirs.pk))
    assert incident.status_code == 400 and "case" in incident.json()
    figures = client.get(ZERO, {"as_of": "2026-12-01"}).json()
    assert figures["other"]["open_cases"] == 1 and figures["other"]["amount_outstanding"] == "96000.00"
    assert [row["region_code"] for row in figures["by_county"]] == [HOME]
    assert client.get(ZERO, {"as_of": "2026-12-01", "region_code": OTHER}).json()["other"]["open_cases"] == 0


def test_bureau_sees_housing_cases_only_and_may_not_write(api_as, housing_bureau, make_case, make_project, inspector):
    housing = make_case(project=make_project(industry="housing"))
    transport = make_case(project=make_project(industry="transport"))
    plain = make_case()
    bureau = api_as(housing_bureau)
    assert {r["id"] for r in bureau.get(CASES).json()["results"]} == {housing.pk}
    assert bureau.get(url(housing)).status_code == 200
    assert bureau.get(url(transport)).status_code == 404 and bureau.get(url(plain)).status_code == 404
    assert bureau.get(url(housing, "payments")).status_code == 200
    assert bureau.get(url(housing, "events")).status_code == 200
    before = counts()
    assert bureau.post(CASES, case_payload(project_code=housing.project.code, region_code=None)).status_code == 403
    assert bureau.post(url(housing, "payments"), {"amount": "1.00", "paid_on": "2026-10-01", "source": "enterprise"}).status_code == 403
    assert bureau.patch(url(housing), {"measures": "x"}).status_code == 403
    assert bureau.post(url(housing, "order"), {"issued_on": "2026-10-01", "pay_by": "2026-10-10"}).status_code == 403
    assert bureau.post(url(housing, "referral"), {"referred_on": "2026-10-01", "police_unit": "x"}).status_code == 403
    assert bureau.post(INCIDENTS, incident_payload()).status_code == 403
    assert counts() == before
    figures = bureau.get(ZERO, {"as_of": "2026-12-01"}).json()
    assert figures["other"]["open_cases"] == 1  # the housing case only


# --- Incidents ------------------------------------------------------------------------------------


def test_incident_report_late_and_case_link(client, make_case):
    case = make_case()
    late = client.post(INCIDENTS, incident_payload(serious=True, case=case.pk))
    assert late.status_code == 201, late.content
    assert late.json()["report_late"] is True and late.json()["case"] == case.pk  # 8 minutes, serious: 5
    assert client.post(INCIDENTS, incident_payload()).json()["report_late"] is False
    assert client.get(url(case)).json()["incidents"] == [late.json()["id"]]
    assert "incident" in [e["type"] for e in client.get(url(case, "events")).json()["results"]]
    before = Incident.objects.count()
    for overrides, field in [
        ({"reported_at": "2026-11-20T08:00:00+08:00"}, "reported_at"),
        ({"occurred_at": (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).isoformat()}, "occurred_at"),
        ({"region_code": OTHER}, "region_code"),
        ({"project_code": "NO-SUCH"}, "project_code"),
    ]:
        response = client.post(INCIDENTS, incident_payload(**overrides))
        assert response.status_code == 400 and field in response.json(), (field, response.content)
    assert Incident.objects.count() == before
    closing = client.patch(f"{INCIDENTS}{late.json()['id']}/", {"closing_report": "工资已全部支付，人员已疏散。"})
    assert closing.status_code == 200 and closing.json()["closed_at"] is not None


# --- Zero clearance ---------------------------------------------------------------------------------


def test_zero_clearance_figures(client, make_case, make_project, inspector):
    make_case(project=make_project(investment_type="government"), occurred_on=D("2026-03-01"), amount_owed=Decimal("50000.00"))
    make_case(project=make_project(investment_type="soe"), occurred_on=D("2025-05-01"),
              amount_owed=Decimal("7000.00"))  # due 2025-12-31: overdue
    other = make_case(occurred_on=D("2026-03-01"), amount_owed=Decimal("20000.00"))  # due 2027-02-04
    paid = make_case(occurred_on=D("2026-03-01"), amount_owed=Decimal("1000.00"))
    services.case_payment_add(case=paid, user=inspector, amount="1000.00", paid_on=D("2026-10-01"), source="enterprise")
    services.case_payment_add(case=other, user=inspector, amount="2500.50", paid_on=D("2026-10-01"), source="enterprise")
    response = client.get(ZERO, {"as_of": "2026-12-01"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["as_of"] == "2026-12-01"
    assert data["government"] == {"due": "2026-12-31", "days_left": 30, "open_cases": 2, "amount_outstanding": "57000.00",
                                  "overdue_cases": 1}
    assert data["other"] == {"due": "2027-02-04", "days_left": 65, "open_cases": 1, "amount_outstanding": "17499.50",
                             "overdue_cases": 0}
    assert data["overdue_cases"] == 1
    assert data["by_county"] == [{
        "region_code": HOME, "region_name": Region.objects.get(pk=HOME).name,
        "government": {"open_cases": 2, "amount_outstanding": "57000.00", "overdue_cases": 1},
        "other": {"open_cases": 1, "amount_outstanding": "17499.50", "overdue_cases": 0},
        "overdue_cases": 1,
    }]
    # Early in the year, before the Spring Festival: the other cases of last cycle are due, this one's are not.
    early = client.get(ZERO, {"as_of": "2026-01-10"}).json()
    assert early["other"]["due"] == "2026-02-15" and early["other"]["days_left"] == 36
    assert early["other"]["open_cases"] == 0
    assert client.get(ZERO, {"as_of": "2026-13-01"}).status_code == 400
    assert client.get(ZERO, {"region_code": "62x"}).status_code == 400
    assert client.get(ZERO).json()["as_of"] == dt.date.today().isoformat()


def test_zero_clearance_selector_is_reusable(make_case):
    make_case(occurred_on=D("2026-03-01"))
    figures = zero_clearance(ArrearsCase.objects.all(), D("2026-12-01"))
    assert figures["other"]["due"] == D("2027-02-04") and figures["other"]["open_cases"] == 1
    assert figures["government"]["open_cases"] == 0 and figures["government"]["amount_outstanding"] == Decimal("0.00")


def test_anonymous_zero_clearance_is_401(api_client):
    assert api_client.get(ZERO).status_code == 401
