"""REST API of inspections: the generic suite for each endpoint, recording an inspection (an order
for a failed item, every bad input a 400 with nothing saved), photos, re-inspection transitions with
dates and their 409, the status filter by today's deadline, penalties (range 400, 409 before
escalation), PDFs, campaigns with phases and progress, reproducible draws, scope for other counties
and bureau clients, and query ceilings of the lists."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from inspections import services
from inspections.choices import OrderStatus
from inspections.draw import compute_draw
from inspections.models import (
    Campaign, Draw, Inspection, InspectionPhoto, PenaltyDecision, RectificationOrder, Reinspection,
)
from wagecase.core.choices import Role
from wagecase.core.workdays import add_working_days

from ..complaints.conftest import make_clue  # noqa: F401  (a fixture)
from ..conftest import HOME, OTHER
from ..generic_api import APIEndpointTests
from .conftest import checklist

INSPECTIONS = "/api/v1/inspections/"
ORDERS = "/api/v1/rectifications/"
PENALTIES = "/api/v1/penalties/"
CAMPAIGNS = "/api/v1/campaigns/"
DRAWS = "/api/v1/draws/"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx"
       b"\x9cc8!'\x07\x00\x02\xb6\x01\x054\xa6u\xaa\x00\x00\x00\x00IEND\xaeB`\x82")  # a real 1x1 PNG: uploads are decoded
PDF_BYTES = b"%PDF-1.4\n%test\n"


def today():
    return timezone.localdate()


def ago(days):
    return today() - dt.timedelta(days=days)


def payload(project, inspectors, **overrides):
    data = {
        "project_code": project.code,
        "inspected_on": ago(3).isoformat(),
        "method": "routine",
        "inspectors": [u.username for u in inspectors],
        "checklist": checklist(),
        "findings": "现场检查，五项制度落实。",
    }
    data.update(overrides)
    return data


@pytest.fixture
def client(api_as, inspector):
    return api_as(inspector)


@pytest.fixture
def other_pair(make_user):
    return [make_user(Role.INSPECTOR, OTHER), make_user(Role.INSPECTOR, OTHER)]


@pytest.fixture
def make_order(make_inspection):
    """An order issued on `inspected_on` (default 3 days ago), due `rectify_by` (default from policy)."""

    def make(project=None, inspected_on=None, rectify_by=None, **fields):
        fields.setdefault("checklist", checklist(wage_deposit="fail"))
        inspection = make_inspection(project=project, inspected_on=inspected_on or ago(3), rectify_by=rectify_by, **fields)
        return inspection.order

    return make


@pytest.fixture
def escalated_order(make_order, inspector):
    def make(project=None, **fields):
        order = make_order(project=project, inspected_on=ago(60), rectify_by=ago(30), **fields)
        return services.order_reinspect(order=order, user=inspector, reinspected_on=ago(20), rectified=False)

    return make


def make_campaign(region=HOME, **fields):
    fields.setdefault("name", "冬季专项行动")
    fields.setdefault("kind", "winter")
    fields.setdefault("starts_on", dt.date(2026, 11, 1))
    fields.setdefault("ends_on", dt.date(2027, 2, 28))
    phases = fields.pop("phases", None)
    return services.campaign_save(campaign=Campaign(region_id=region, **fields), phases=phases)


def counts():
    return Inspection.objects.count(), RectificationOrder.objects.count(), InspectionPhoto.objects.count()


# --- The generic suites -----------------------------------------------------------------------------


class TestInspectionAPI(APIEndpointTests):
    model = Inspection
    endpoint = INSPECTIONS
    actions = ("list", "retrieve", "create")
    list_rows = 31
    list_max_queries = 8

    def make_object(self, f, *, in_scope=True):
        if in_scope:
            return f.make_inspection()
        pair = [f.make_user(Role.INSPECTOR, OTHER), f.make_user(Role.INSPECTOR, OTHER)]
        return f.make_inspection(project=f.make_project(OTHER), inspectors=pair, user=pair[0])

    def create_payload(self, f):
        return payload(f.make_project(), f.inspector_pair)

    def invalid_create_payload(self, f):
        return payload(f.make_project(), f.inspector_pair[:1], method="guess"), ["inspectors", "method"]

    def out_of_scope_create_payload(self, f):
        return payload(f.make_project(OTHER), f.inspector_pair)

    def assert_created(self, obj, payload):
        assert obj.inspectors.count() == 2 and obj.project.code == payload["project_code"]


class TestRectificationOrderAPI(APIEndpointTests):
    model = RectificationOrder
    endpoint = ORDERS
    actions = ("list", "retrieve")
    list_rows = 31
    list_max_queries = 8

    def make_object(self, f, *, in_scope=True):
        if in_scope:
            return f.make_order()
        pair = [f.make_user(Role.INSPECTOR, OTHER), f.make_user(Role.INSPECTOR, OTHER)]
        return f.make_order(project=f.make_project(OTHER), inspectors=pair, user=pair[0])


class TestPenaltyDecisionAPI(APIEndpointTests):
    model = PenaltyDecision
    endpoint = PENALTIES
    actions = ("list", "retrieve")
    list_rows = 31
    list_max_queries = 6

    def make_object(self, f, *, in_scope=True):
        if in_scope:
            user, order = f.inspector, f.escalated_order()
        else:
            pair = [f.make_user(Role.INSPECTOR, OTHER), f.make_user(Role.INSPECTOR, OTHER)]
            user, order = pair[0], f.escalated_order(project=f.make_project(OTHER), inspectors=pair, user=pair[0])
        return services.penalty_decide(order=order, user=user, article="55", amount=Decimal("60000"), facts="逾期未整改。",
                                       decided_on=ago(10))


class TestCampaignAPI(APIEndpointTests):
    model = Campaign
    endpoint = CAMPAIGNS
    list_max_queries = 6

    def make_object(self, f, *, in_scope=True):
        return make_campaign(HOME if in_scope else OTHER)

    def create_payload(self, f):
        return {"name": "2026年冬季根治欠薪专项行动", "kind": "winter", "region_code": HOME, "starts_on": "2026-11-01",
                "ends_on": "2027-02-28", "phases": [{"kind": "publicity", "starts_on": "2026-11-01", "ends_on": "2026-11-15"}]}

    def invalid_create_payload(self, f):
        return {"name": "x", "kind": "autumn", "region_code": HOME, "starts_on": "2026-11-01", "ends_on": "2026-10-01"}, [
            "kind"]

    def out_of_scope_create_payload(self, f):
        return {**self.create_payload(f), "region_code": OTHER}

    def update_payload(self, f, obj):
        return {"name": "冬季行动（调整）", "target_inspected_percent": "80.0"}

    def invalid_update_payload(self, f, obj):
        return {"ends_on": "2020-01-01"}, ["ends_on"]


class TestDrawAPI(APIEndpointTests):
    model = Draw
    endpoint = DRAWS
    actions = ("list", "retrieve", "create")
    list_max_queries = 6

    def make_object(self, f, *, in_scope=True):
        region = HOME if in_scope else OTHER
        campaign = make_campaign(region)
        projects = [f.make_project(region) for _ in range(2)]
        inspectors = [f.make_user(Role.INSPECTOR, region) for _ in range(2)]
        return services.draw_make(campaign=campaign, user=inspectors[0], region=campaign.region, count=1,
                                  projects=projects, inspectors=inspectors, seed=7)

    def make_objects(self, f, count):
        campaign = make_campaign()
        projects = [f.make_project() for _ in range(3)]
        inspectors = [f.make_user(Role.INSPECTOR, HOME) for _ in range(2)]
        return [services.draw_make(campaign=campaign, user=inspectors[0], region=campaign.region, count=2,
                                   projects=projects, inspectors=inspectors, seed=n) for n in range(count)]

    def create_payload(self, f):
        campaign = make_campaign()
        f.make_project()
        f.make_project()
        f.make_user(Role.INSPECTOR, HOME)
        f.make_user(Role.INSPECTOR, HOME)
        return {"campaign": campaign.pk, "count": 1, "region_code": HOME, "seed": 42}

    def invalid_create_payload(self, f):
        return {"campaign": 999999, "count": 0, "region_code": "99"}, ["campaign", "count", "region_code"]

    def out_of_scope_create_payload(self, f):
        return {**self.create_payload(f), "region_code": OTHER}


# --- Recording an inspection -------------------------------------------------------------------------


def test_failing_item_issues_an_order(client, make_project, inspector_pair):
    project = make_project()
    inspected_on = dt.date(2026, 11, 2)
    body = payload(project, inspector_pair, inspected_on=inspected_on.isoformat(), method="double_random",
                   checklist=checklist(wage_deposit="fail", notice_board="fail", injury_insurance="na"),
                   checklist_notes={"wage_deposit": "未存储工资保证金"}, workers_interviewed=6,
                   interview_notes="工人反映按月发放。")
    response = client.post(INSPECTIONS, body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["project_code"] == project.code and data["method"] == "double_random"
    assert {i["username"] for i in data["inspectors"]} == {u.username for u in inspector_pair}
    assert all(i["name"] for i in data["inspectors"])
    assert data["failed_items"] == ["wage_deposit", "notice_board"]
    assert data["checklist"]["injury_insurance"] == "na" and data["workers_interviewed"] == 6
    order = data["order"]
    stored = RectificationOrder.objects.get()
    assert order["id"] == stored.pk and order["number"] == stored.number and "〔2026〕第1号" in order["number"]
    rectify_by = add_working_days(inspected_on, 15)
    assert order["rectify_by"] == rectify_by.isoformat() == "2026-11-23"
    assert order["status"] == ("open" if today() <= rectify_by else "overdue")
    assert stored.items == ["wage_deposit", "notice_board"]
    assert data["photos"] == [] and data["campaign"] is None

    detail = client.get(f"{INSPECTIONS}{data['id']}/").json()
    assert detail["order"]["number"] == order["number"]


def test_all_pass_issues_no_order_and_links_campaign_and_clue(client, make_project, inspector_pair, make_clue):  # noqa: F811
    campaign = make_campaign()
    clue = make_clue()
    response = client.post(INSPECTIONS, payload(make_project(), inspector_pair, campaign=campaign.pk, clue=clue.number,
                                                 method="complaint"))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["order"] is None and data["campaign"] == campaign.pk and data["clue"] == clue.number
    assert not RectificationOrder.objects.exists()
    # Another county's campaign or clue is unknown.
    other_clue = make_clue(region=OTHER)
    other_campaign = make_campaign(OTHER)
    response = client.post(INSPECTIONS, payload(make_project(), inspector_pair, campaign=other_campaign.pk,
                                                 clue=other_clue.number))
    assert response.status_code == 400 and {"campaign", "clue"} <= set(response.json())
    assert Inspection.objects.count() == 1


def test_explicit_deadline(client, make_project, inspector_pair):
    rectify_by = today() + dt.timedelta(days=5)
    response = client.post(INSPECTIONS, payload(make_project(), inspector_pair, checklist=checklist(real_name="fail"),
                                                 rectify_by=rectify_by.isoformat()))
    assert response.status_code == 201, response.content
    assert response.json()["order"]["rectify_by"] == rectify_by.isoformat()


BAD_INPUT = {
    "one inspector": (lambda p, pair, other: payload(p, pair[:1]), "inspectors"),
    "same inspector twice": (lambda p, pair, other: payload(p, [pair[0], pair[0]]), "inspectors"),
    "unknown username": (lambda p, pair, other: {**payload(p, pair), "inspectors": [pair[0].username, "nobody"]}, "inspectors"),
    "other county's inspector": (lambda p, pair, other: payload(p, [pair[0], other]), "inspectors"),
    "unknown item": (lambda p, pair, other: payload(p, pair, checklist=checklist(flying="pass")), "checklist"),
    "unknown result": (lambda p, pair, other: payload(p, pair, checklist=checklist(real_name="maybe")), "checklist"),
    "missing items": (lambda p, pair, other: payload(p, pair, checklist={"real_name": "fail"}), "checklist"),
    "unknown project": (lambda p, pair, other: payload(p, pair, project_code="NO-SUCH"), "project_code"),
    "future date": (lambda p, pair, other: payload(p, pair, checklist=checklist(real_name="fail"),
                                                   inspected_on=(today() + dt.timedelta(days=1)).isoformat()), "inspected_on"),
    "bad method": (lambda p, pair, other: payload(p, pair, method="guess"), "method"),
    "deadline before inspection": (lambda p, pair, other: payload(p, pair, checklist=checklist(real_name="fail"),
                                                                  rectify_by=ago(10).isoformat()), "rectify_by"),
    "deadline without failure": (lambda p, pair, other: payload(p, pair, rectify_by=today().isoformat()), "rectify_by"),
    "unknown note item": (lambda p, pair, other: payload(p, pair, checklist_notes={"flying": "x"}), "checklist_notes"),
}


@pytest.mark.parametrize("case", BAD_INPUT, ids=list(BAD_INPUT))
def test_bad_input_is_400_and_saves_nothing(client, make_project, inspector_pair, other_inspector, case):
    make, field = BAD_INPUT[case]
    before = counts()
    response = client.post(INSPECTIONS, make(make_project(), inspector_pair, other_inspector))
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert counts() == before


def test_project_outside_scope_is_400_on_project_code(client, make_project, inspector_pair):
    before = counts()
    response = client.post(INSPECTIONS, payload(make_project(OTHER), inspector_pair, checklist=checklist(real_name="fail")))
    assert response.status_code == 400 and "project_code" in response.json()
    assert counts() == before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_no_edit_or_delete(client, make_inspection, method):
    inspection = make_inspection()
    response = getattr(client, method)(f"{INSPECTIONS}{inspection.pk}/", {"findings": "x"})
    assert response.status_code == 405


def test_filters(client, make_inspection, make_project, inspector_pair):
    campaign = make_campaign()
    a = make_inspection(method="unannounced", checklist=checklist(real_name="fail"), campaign=campaign)
    b = make_inspection(inspected_on=dt.date(2026, 9, 20))
    ids = lambda params: {row["id"] for row in client.get(INSPECTIONS, params).json()["results"]}  # noqa: E731
    assert ids({"method": "unannounced"}) == {a.pk}
    assert ids({"campaign": campaign.pk}) == {a.pk}
    assert ids({"has_failures": "true"}) == {a.pk}
    assert ids({"failed_item": "real_name"}) == {a.pk}
    assert ids({"inspected_before": "2026-10-01"}) == {b.pk}  # a: 2026-11-02
    assert ids({"project_code": b.project.code}) == {b.pk}
    assert ids({"inspector": inspector_pair[1].username}) == {a.pk, b.pk}


# --- Photos ------------------------------------------------------------------------------------------------


def test_photo_upload(client, make_inspection):
    inspection = make_inspection()
    upload = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    response = client.post(f"{INSPECTIONS}{inspection.pk}/photos/", {"image": upload, "caption": "工资公示牌"},
                           format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["caption"] == "工资公示牌" and response.json()["url"].startswith("http")
    photos = client.get(f"{INSPECTIONS}{inspection.pk}/").json()["photos"]
    assert [p["id"] for p in photos] == [response.json()["id"]]


def test_photo_upload_validated(client, make_inspection):
    inspection = make_inspection()
    text = SimpleUploadedFile("notes.png", "这不是照片".encode(), content_type="image/png")
    response = client.post(f"{INSPECTIONS}{inspection.pk}/photos/", {"image": text}, format="multipart")
    assert response.status_code == 400 and "image" in response.json()
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (5 * 1024 * 1024), content_type="image/png")
    response = client.post(f"{INSPECTIONS}{inspection.pk}/photos/", {"image": big}, format="multipart")
    assert response.status_code == 400 and "image" in response.json()
    response = client.post(f"{INSPECTIONS}{inspection.pk}/photos/", {"caption": "x"}, format="multipart")
    assert response.status_code == 400 and "image" in response.json()
    assert not InspectionPhoto.objects.exists()


# --- Re-inspection ---------------------------------------------------------------------------------------


def reinspect(client, order, on, rectified, note=""):
    return client.post(f"{ORDERS}{order.pk}/reinspect/", {"reinspected_on": on.isoformat(), "rectified": rectified,
                                                          "note": note})


def test_reinspect_before_deadline_stays_open_then_closes(client, make_order):
    order = make_order(inspected_on=ago(5))
    assert order.rectify_by > today()
    response = reinspect(client, order, ago(1), False, "保证金尚未存储。")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "open"
    assert [r["outcome"] for r in response.json()["reinspections"]] == ["open"]
    response = reinspect(client, order, today(), True)
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert response.json()["closed_on"] == today().isoformat()
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED
    # Written off: a further re-inspection is a conflict and saves nothing.
    response = reinspect(client, order, today(), True)
    assert response.status_code == 409
    assert response.json()["code"] == "wrong_state" and response.json()["detail"]
    assert order.reinspections.count() == 2


def test_reinspect_after_deadline_escalates(client, make_order):
    order = make_order(inspected_on=ago(40), rectify_by=ago(10))
    response = reinspect(client, order, ago(9), False)
    assert response.status_code == 200 and response.json()["status"] == "escalated"
    assert response.json()["escalated_on"] == ago(9).isoformat()
    response = reinspect(client, order, today(), True)
    assert response.status_code == 409 and response.json()["code"] == "wrong_state"


def test_reinspect_on_the_deadline_is_not_yet_escalated(client, make_order):
    order = make_order(inspected_on=ago(40), rectify_by=ago(10))
    response = reinspect(client, order, ago(10), False)
    assert response.json()["status"] == "overdue"  # still pending, and past its deadline today
    assert RectificationOrder.objects.get().status == OrderStatus.OPEN


def test_reinspect_bad_input(client, make_order):
    order = make_order()
    for body, field in [
        ({"reinspected_on": (today() + dt.timedelta(days=1)).isoformat(), "rectified": True}, "reinspected_on"),
        ({"reinspected_on": ago(30).isoformat(), "rectified": True}, "reinspected_on"),  # before the order
        ({"rectified": True}, "reinspected_on"),
        ({"reinspected_on": today().isoformat()}, "rectified"),
    ]:
        response = client.post(f"{ORDERS}{order.pk}/reinspect/", body)
        assert response.status_code == 400 and field in response.json(), (body, response.content)
    assert not Reinspection.objects.exists()
    assert RectificationOrder.objects.get().status == OrderStatus.OPEN


# --- Order list and status filter ----------------------------------------------------------------------


def test_status_filter_follows_the_deadline(client, make_order, inspector):
    open_order = make_order(inspected_on=ago(3))
    overdue = make_order(inspected_on=ago(40), rectify_by=ago(10))  # stored open: the daily job has not run
    closed = services.order_reinspect(order=make_order(inspected_on=ago(5)), user=inspector, reinspected_on=ago(1),
                                      rectified=True)
    escalated = services.order_reinspect(order=make_order(inspected_on=ago(40), rectify_by=ago(10)), user=inspector,
                                         reinspected_on=ago(2), rectified=False)
    assert RectificationOrder.objects.get(pk=overdue.pk).status == OrderStatus.OPEN

    def listed(**params):
        rows = client.get(ORDERS, params).json()["results"]
        return {row["id"]: row["status"] for row in rows}

    assert listed(status="open") == {open_order.pk: "open"}
    assert listed(status="overdue") == {overdue.pk: "overdue"}
    assert listed(status="closed") == {closed.pk: "closed"}
    assert listed(status="escalated") == {escalated.pk: "escalated"}
    assert set(listed(status=["open", "overdue"])) == {open_order.pk, overdue.pk}
    assert len(listed()) == 4
    assert client.get(ORDERS, {"status": "lost"}).status_code == 400

    services.orders_mark_overdue()
    assert listed(status="overdue") == {overdue.pk: "overdue"}


def test_order_detail_fields(client, make_order):
    order = make_order(checklist=checklist(wage_deposit="fail", monthly_full_pay="fail"))
    data = client.get(f"{ORDERS}{order.pk}/").json()
    assert data["number"] == order.number and data["items"] == ["wage_deposit", "monthly_full_pay"]
    assert [i["item"] for i in data["item_labels"]] == data["items"] and all(i["label"] for i in data["item_labels"])
    assert data["issued_on"] == ago(3).isoformat() and data["rectify_by"] == order.rectify_by.isoformat()
    assert data["enterprise"]["uscc"] == order.project.general_contractor.uscc
    assert data["project_code"] == order.project.code and data["inspection"] == order.inspection_id
    assert data["reinspections"] == [] and data["penalties"] == []


def test_order_document(client, make_order):
    order = make_order()
    RectificationOrder.objects.filter(pk=order.pk).update(document="")
    assert client.get(f"{ORDERS}{order.pk}/document/").status_code == 404
    assert client.get(f"{ORDERS}{order.pk}/document/", HTTP_ACCEPT="application/pdf").status_code == 404
    assert client.get(f"{ORDERS}{order.pk}/").json()["document_url"] is None
    order.refresh_from_db()
    order.document.save("order.pdf", ContentFile(PDF_BYTES))
    response = client.get(f"{ORDERS}{order.pk}/document/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert client.get(f"{ORDERS}{order.pk}/document/", HTTP_ACCEPT="application/pdf").status_code == 200
    assert client.get(f"{ORDERS}{order.pk}/").json()["document_url"].endswith(f"{ORDERS}{order.pk}/document/")


# --- Penalties ---------------------------------------------------------------------------------------------


def penalty_body(**overrides):
    return {"article": "55", "amount": "60000.00", "facts": "逾期未存储工资保证金。", "decided_on": ago(5).isoformat(),
            "work_stoppage": True, **overrides}


def test_penalty_needs_an_escalated_order(client, make_order):
    order = make_order()
    response = client.post(f"{ORDERS}{order.pk}/penalty/", penalty_body())
    assert response.status_code == 409 and response.json()["code"] == "not_escalated"
    assert not PenaltyDecision.objects.exists()


def test_penalty_amount_in_range(client, escalated_order):
    order = escalated_order()
    for body, field in [
        (penalty_body(amount="1000.00"), "amount"),
        (penalty_body(amount="150000.00"), "amount"),
        (penalty_body(article="56", work_stoppage=True), "work_stoppage"),
        (penalty_body(article="54_person", amount="20000.00", work_stoppage=False), "responsible_person"),
        (penalty_body(decided_on=(today() + dt.timedelta(days=1)).isoformat()), "decided_on"),
        (penalty_body(article="99"), "article"),
    ]:
        response = client.post(f"{ORDERS}{order.pk}/penalty/", body)
        assert response.status_code == 400 and field in response.json(), (body, response.content)
    assert not PenaltyDecision.objects.exists()

    response = client.post(f"{ORDERS}{order.pk}/penalty/", penalty_body())
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["amount"] == "60000.00" and data["work_stoppage"] is True and data["order"] == order.pk
    assert data["number"] and data["article"] == "55"
    penalty = PenaltyDecision.objects.get()
    assert client.get(f"{PENALTIES}{penalty.pk}/").json()["number"] == penalty.number
    assert [p["id"] for p in client.get(f"{ORDERS}{order.pk}/").json()["penalties"]] == [penalty.pk]
    assert {r["id"] for r in client.get(PENALTIES, {"article": "55"}).json()["results"]} == {penalty.pk}
    assert client.get(PENALTIES, {"article": "57"}).json()["results"] == []

    PenaltyDecision.objects.filter(pk=penalty.pk).update(document="")
    assert client.get(f"{PENALTIES}{penalty.pk}/document/").status_code == 404
    penalty.refresh_from_db()
    penalty.document.save("penalty.pdf", ContentFile(PDF_BYTES))
    response = client.get(f"{PENALTIES}{penalty.pk}/document/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


# --- Scope -----------------------------------------------------------------------------------------------


def test_other_county_sees_nothing(api_as, client, other_inspector, escalated_order, make_inspection):
    inspection = make_inspection(checklist=checklist(real_name="fail"))
    order = inspection.order
    escalated = escalated_order()
    penalty = services.penalty_decide(order=escalated, user=inspection.recorded_by, article="55", amount=Decimal("60000"),
                                      facts="x", decided_on=ago(10))
    campaign = make_campaign()
    other = api_as(other_inspector)
    for url in [f"{INSPECTIONS}{inspection.pk}/", f"{ORDERS}{order.pk}/", f"{ORDERS}{order.pk}/document/",
                f"{PENALTIES}{penalty.pk}/", f"{PENALTIES}{penalty.pk}/document/", f"{CAMPAIGNS}{campaign.pk}/",
                f"{CAMPAIGNS}{campaign.pk}/progress/"]:
        assert other.get(url).status_code == 404, url
    posts = [
        (f"{ORDERS}{order.pk}/reinspect/", {"reinspected_on": today().isoformat(), "rectified": True}, "json"),
        (f"{ORDERS}{escalated.pk}/penalty/", penalty_body(), "json"),
        (f"{INSPECTIONS}{inspection.pk}/photos/", {"image": SimpleUploadedFile("a.png", PNG)}, "multipart"),
        (f"{CAMPAIGNS}{campaign.pk}/", None, "json"),
    ]
    for url, data, fmt in posts:
        response = other.patch(url, {"name": "x"}) if data is None else other.post(url, data, format=fmt)
        assert response.status_code == 404, url
    for url in (INSPECTIONS, ORDERS, PENALTIES, CAMPAIGNS):
        assert other.get(url).json()["results"] == [], url
    assert RectificationOrder.objects.get(pk=order.pk).status == OrderStatus.OPEN
    assert PenaltyDecision.objects.count() == 1 and not InspectionPhoto.objects.exists()
    # A county inspector sees the city's campaigns (organised above it), not the neighbour's.
    city = make_campaign("6205", name="全市冬季行动")
    assert {r["id"] for r in other.get(CAMPAIGNS).json()["results"]} == {city.pk}


def test_bureau_sees_its_industry_and_writes_nothing(api_as, bureau, make_inspection, make_project, make_order, inspector_pair):
    housing = make_inspection(project=make_project(industry="housing"))
    transport = make_inspection(project=make_project(industry="transport"))
    order = make_order(project=make_project(industry="housing"))
    client = api_as(bureau)
    assert {r["id"] for r in client.get(INSPECTIONS).json()["results"]} == {housing.pk, order.inspection_id}
    assert client.get(f"{INSPECTIONS}{housing.pk}/").status_code == 200
    assert client.get(f"{INSPECTIONS}{transport.pk}/").status_code == 404
    assert {r["id"] for r in client.get(ORDERS).json()["results"]} == {order.pk}
    before = counts()
    response = client.post(INSPECTIONS, payload(make_project(industry="housing"), inspector_pair))
    assert response.status_code == 403
    assert client.post(f"{ORDERS}{order.pk}/reinspect/", {"reinspected_on": today().isoformat(),
                                                          "rectified": True}).status_code == 403
    assert client.post(f"{INSPECTIONS}{housing.pk}/photos/", {"image": SimpleUploadedFile("a.png", PNG)},
                       format="multipart").status_code == 403
    assert client.get(DRAWS).status_code == 403
    assert counts() == before


def test_office_staff_reads_but_may_not_record(api_as, office_staff, make_inspection, make_project, inspector_pair):
    inspection = make_inspection()
    client = api_as(office_staff)
    assert client.get(f"{INSPECTIONS}{inspection.pk}/").status_code == 200
    before = counts()
    assert client.post(INSPECTIONS, payload(make_project(), inspector_pair)).status_code == 403
    assert client.post(CAMPAIGNS, {"name": "x", "kind": "winter", "region_code": HOME, "starts_on": "2026-11-01",
                                   "ends_on": "2027-02-28"}).status_code == 403
    assert counts() == before and not Campaign.objects.exists()


# --- Query ceilings ---------------------------------------------------------------------------------------


def test_list_query_counts(client, make_order, inspector, django_assert_max_num_queries):
    orders = [make_order() for _ in range(20)]
    for order in orders[:5]:
        services.order_reinspect(order=order, user=inspector, reinspected_on=today(), rectified=False)
        InspectionPhoto.objects.create(inspection=order.inspection, project=order.project, image="inspections/x.png")
    with django_assert_max_num_queries(6):
        response = client.get(INSPECTIONS, {"page_size": 100})
    assert response.json()["count"] == 20 and all(r["order"] for r in response.json()["results"])
    with django_assert_max_num_queries(6):
        response = client.get(ORDERS, {"page_size": 100})
    assert response.json()["count"] == 20
    with django_assert_max_num_queries(6):
        response = client.get(ORDERS, {"page_size": 100, "status": "open"})
    assert response.json()["count"] == 20


# --- Campaigns ---------------------------------------------------------------------------------------------


def campaign_body(**overrides):
    return {
        "name": "2026年冬季根治欠薪专项行动", "kind": "winter", "region_code": HOME, "industries": ["housing"],
        "starts_on": "2026-11-01", "ends_on": "2027-02-10", "target_inspected_percent": "50.0",
        "phases": [
            {"kind": "publicity", "starts_on": "2026-11-01", "ends_on": "2026-11-15"},
            {"kind": "enforcement", "starts_on": "2026-11-16", "ends_on": "2027-01-31", "note": "集中攻坚"},
        ],
        **overrides,
    }


def test_campaign_create_and_replace_phases(client):
    response = client.post(CAMPAIGNS, campaign_body())
    assert response.status_code == 201, response.content
    data = response.json()
    assert [p["kind"] for p in data["phases"]] == ["publicity", "enforcement"]
    assert data["region_code"] == HOME and data["industries"] == ["housing"]
    response = client.patch(f"{CAMPAIGNS}{data['id']}/", {"phases": [
        {"kind": "consolidation", "starts_on": "2027-02-01", "ends_on": "2027-02-10"}]})
    assert response.status_code == 200, response.content
    assert [p["kind"] for p in response.json()["phases"]] == ["consolidation"]
    assert Campaign.objects.get().phases.count() == 1
    # Without `phases`, the phases stay, and must still fit the new dates.
    response = client.patch(f"{CAMPAIGNS}{data['id']}/", {"ends_on": "2027-01-31"})
    assert response.status_code == 400 and "phases" in response.json()
    response = client.patch(f"{CAMPAIGNS}{data['id']}/", {"name": "冬季行动"})
    assert response.status_code == 200 and len(response.json()["phases"]) == 1


@pytest.mark.parametrize("overrides, field", [
    ({"phases": [{"kind": "publicity", "starts_on": "2026-10-01", "ends_on": "2026-11-15"}]}, "phases"),
    ({"phases": [{"kind": "publicity", "starts_on": "2026-11-15", "ends_on": "2026-11-01"}]}, "phases"),
    ({"phases": [{"kind": "harvest", "starts_on": "2026-11-01", "ends_on": "2026-11-15"}]}, "phases"),
    ({"region_code": OTHER}, "region_code"),
    ({"industries": ["fishing"]}, "industries"),
    ({"target_inspected_percent": "120"}, "target_inspected_percent"),
    ({"ends_on": "2026-10-01", "phases": []}, "ends_on"),
])
def test_campaign_bad_input(client, overrides, field):
    response = client.post(CAMPAIGNS, campaign_body(**overrides))
    assert response.status_code == 400 and field in response.json(), response.content
    assert not Campaign.objects.exists()


def test_campaign_progress(client, make_inspection, make_project, make_order, inspector):
    campaign = make_campaign(industries=["housing"], target_inspected_percent=Decimal("50"))
    projects = [make_project(industry="housing") for _ in range(4)]
    make_project(industry="transport")  # not in the population
    make_project(OTHER, industry="housing")  # not in the caller's scope
    make_inspection(project=projects[0], campaign=campaign)
    make_inspection(project=projects[0], inspected_on=ago(2))  # the same project again
    closed = make_order(project=projects[1], inspected_on=ago(5))
    services.order_reinspect(order=closed, user=inspector, reinspected_on=ago(1), rectified=True)
    make_order(project=projects[2], inspected_on=ago(3))
    make_order(project=projects[2], inspected_on=dt.date(2026, 10, 1), rectify_by=dt.date(2026, 10, 20))  # before the campaign

    response = client.get(f"{CAMPAIGNS}{campaign.pk}/progress/")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["projects_in_population"] == 4 and data["projects_inspected"] == 3
    assert data["inspected_percent"] == "75.0" and data["target_inspected_percent"] == "50.0"
    assert data["inspected_target_met"] is True
    assert data["orders"] == {"issued": 2, "open": 1, "overdue": 0, "closed": 1, "escalated": 0}
    assert data["rectified_percent"] == "50.0"


# --- Draws -------------------------------------------------------------------------------------------------


@pytest.fixture
def draw_setup(make_project, make_user, inspector):
    campaign = make_campaign()
    projects = [make_project(industry="housing") for _ in range(6)] + [make_project(industry="transport")]
    make_project(OTHER)
    inspectors = [inspector] + [make_user(Role.INSPECTOR, HOME) for _ in range(3)]
    return campaign, projects, inspectors


def test_draw_is_reproducible(client, draw_setup):
    campaign, projects, inspectors = draw_setup
    body = {"campaign": campaign.pk, "count": 3, "region_code": HOME, "project_filter": {"industry": ["housing"]},
            "seed": 20261122}
    first = client.post(DRAWS, body)
    assert first.status_code == 201, first.content
    second = client.post(DRAWS, body)
    a, b = first.json(), second.json()
    assert a["result"] == b["result"] and a["seed"] == b["seed"] == 20261122
    assert a["verified"] is True and len(a["result"]) == 3
    assert a["project_pool"] == sorted(p.code for p in projects if p.industry == "housing")
    assert a["inspector_pool"] == sorted(u.username for u in inspectors)
    assert a["pool_filter"] == {"industry": ["housing"]}
    assert a["result"] == compute_draw(20261122, a["project_pool"], a["inspector_pool"], 3, 2)
    for pair in a["result"]:
        assert pair["project"] in a["project_pool"] and len(set(pair["inspectors"])) == 2

    detail = client.get(f"{DRAWS}{a['id']}/").json()
    assert detail["verified"] is True and detail["published"] is False
    # Tampering with the stored result is detected.
    Draw.objects.filter(pk=a["id"]).update(result=list(reversed(a["result"])))
    assert client.get(f"{DRAWS}{a['id']}/").json()["verified"] is False

    response = client.post(f"{DRAWS}{b['id']}/publish/")
    assert response.status_code == 200 and response.json()["published"] is True
    assert {r["id"] for r in client.get(DRAWS, {"published": "true"}).json()["results"]} == {b["id"]}


def test_draw_without_seed_and_with_named_inspectors(client, draw_setup):
    campaign, projects, inspectors = draw_setup
    names = [u.username for u in inspectors[:2]]
    response = client.post(DRAWS, {"campaign": campaign.pk, "count": 7, "region_code": HOME, "inspectors": names})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["inspector_pool"] == sorted(names) and len(data["project_pool"]) == 7 and data["verified"] is True
    assert isinstance(data["seed"], int)


@pytest.mark.parametrize("overrides, status_code, key", [
    ({"count": 8}, 409, "code"),  # 7 projects in the pool
    ({"inspectors": ["nobody", "inspector_home"]}, 400, "inspectors"),
    ({"inspectors": ["inspector_home"]}, 409, "code"),
    ({"inspectors": ["inspector_other"]}, 400, "inspectors"),
    ({"project_filter": {"industry": ["fishing"]}}, 400, "project_filter"),
    ({"project_filter": {"industry": [{"x": 1}]}}, 400, "project_filter"),
    ({"project_filter": {"industri": "housing"}}, 400, "project_filter"),
    ({"region_code": OTHER}, 400, "region_code"),
    ({"count": 0}, 400, "count"),
])
def test_draw_bad_input(client, draw_setup, other_inspector, overrides, status_code, key):
    campaign = draw_setup[0]
    response = client.post(DRAWS, {"campaign": campaign.pk, "count": 2, "region_code": HOME, **overrides})
    assert response.status_code == status_code, response.content
    assert key in response.json()
    if status_code == 409:
        assert response.json()["code"] == "draw_empty"
    assert not Draw.objects.exists()


def test_draw_of_other_county_campaign_is_refused(client, make_project, make_user):
    campaign = make_campaign(OTHER)
    response = client.post(DRAWS, {"campaign": campaign.pk, "count": 1, "region_code": HOME})
    assert response.status_code == 400 and "campaign" in response.json()
