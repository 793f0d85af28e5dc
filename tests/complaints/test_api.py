"""REST API of clues: the generic suite, then intake and its bad input (400, nothing saved), every
workflow action with its 409 on a wrong state and its 403/404, scope for other counties and for
bureau clients, personal data by role, possible duplicates, merge, the timeline, the duplicate
check, figures, filters, query ceilings, and the caller's notifications."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from complaints import services
from complaints.choices import ClueStatus
from complaints.models import Clue, ClueEvent, ClueSequence
from projects.models import Project
from wagecase.core.choices import Role
from wagecase.core.identifiers import make_id_number, make_uscc
from wagecase.core.models import Notification, ObjectChange, PiiAccessLog
from wagecase.core.workdays import add_working_days

from ..conftest import HOME, OTHER
from ..generic_api import APIEndpointTests
from .conftest import at

CLUES = "/api/v1/clues/"
NOTIFICATIONS = "/api/v1/notifications/"
NUMBER = re.compile(r"^620502-\d{4}-\d{6}$")
MASKED_PHONE = re.compile(r"^\d{3}\*{4}\d{4}$")
MASKED_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")


def url(clue, action=""):
    number = clue if isinstance(clue, str) else clue.number
    return f"{CLUES}{number}/" + (f"{action}/" if action else "")


def payload(**overrides):
    data = {
        "channel": "hotline_12333",
        "received_at": "2026-11-02T09:30:00+08:00",
        "complainant_name": "李大山",
        "complainant_phone": "13812345678",
        "employer_name": "天水某某劳务有限公司",
        "region_code": HOME,
        "workers_involved": 4,
        "amount_claimed": "24000.00",
        "description": "四名工人2026年8月至10月工资未发放。",
    }
    data.update(overrides)
    return data


def advance(clue, user, to):
    """Take a clue through the services up to status `to`."""
    steps = {
        "accepted": [lambda c: services.clue_accept(clue=c, user=user)],
        "in_progress": [lambda c: services.clue_classify(clue=c, user=user, category="wage_arrears")],
        "resolved": [lambda c: services.clue_resolve(clue=c, user=user, workers_paid=3, amount_recovered=Decimal("18600"),
                                                     result="已足额支付。")],
    }
    order = ["accepted", "in_progress", "resolved"]
    for status in order[: order.index(to) + 1]:
        for step in steps[status]:
            clue = step(clue)
    return clue


@pytest.fixture
def client(api_as, inspector):
    return api_as(inspector)


@pytest.fixture
def housing_bureau(make_user, housing_department):
    return make_user(Role.BUREAU, "6205", industries=["housing"], department=housing_department)


@pytest.fixture
def transport_bureau(make_user):
    return make_user(Role.BUREAU, "6205", industries=["transport"])


# --- The generic suite -------------------------------------------------------------------------------


class TestClueAPI(APIEndpointTests):
    model = Clue
    endpoint = CLUES
    lookup_field = "number"
    actions = ("list", "retrieve", "create")
    list_rows = 31
    list_max_queries = 6

    def make_object(self, f, *, in_scope=True):
        return f.make_clue(region=HOME if in_scope else OTHER)

    def create_payload(self, f):
        return payload()

    def invalid_create_payload(self, f):
        return payload(channel="carrier_pigeon", region_code=None), ["channel", "region_code"]

    def out_of_scope_create_payload(self, f):
        return payload(region_code=OTHER)

    def missing_lookup(self):
        return "620502-2026-999999"

    def assert_created(self, obj, payload):
        assert obj.region_id == HOME and obj.status == ClueStatus.RECEIVED


# --- Intake -----------------------------------------------------------------------------------------


def test_create(client, inspector, rng):
    received = timezone.localtime() - dt.timedelta(minutes=10)
    response = client.post(CLUES, payload(employer_uscc=make_uscc(rng, HOME).lower(), received_at=received.isoformat()))
    assert response.status_code == 201, response.content
    data = response.json()
    assert NUMBER.match(data["number"]) and data["number"].startswith(f"620502-{received.year}-")
    clue = Clue.objects.get(number=data["number"])
    assert data["accept_due"] == add_working_days(received.date(), 5).isoformat() == clue.accept_due.isoformat()
    assert data["status"] == "received" and data["category"] is None and data["resolve_due"] is None
    assert data["overdue"] is False and data["deadline_state"] in ("normal", "warning")
    assert data["possible_duplicates"] == []
    assert data["owner"] == {"id": inspector.pk, "name": str(inspector)}
    assert data["received_by"]["id"] == inspector.pk
    assert data["region_code"] == HOME and data["amount_claimed"] == "24000.00"
    assert data["employer_uscc"] == clue.employer_uscc == clue.employer_uscc.upper()
    assert data["url"].endswith(url(clue)) and data["timeline_url"].endswith(url(clue, "events"))
    assert response["Location"].endswith(url(clue))
    assert list(clue.events.values_list("type", flat=True)) == ["received"]


def test_create_with_project(client, make_project):
    project = make_project(region=HOME)
    response = client.post(CLUES, payload(project_code=project.code))
    assert response.status_code == 201, response.content
    assert response.json()["project_code"] == project.code
    assert response.json()["industry"] == project.industry


def _bad_payloads():
    return {
        "unknown channel": (payload(channel="carrier_pigeon"), "channel"),
        "missing region": ({k: v for k, v in payload().items() if k != "region_code"}, "region_code"),
        "township as region": (payload(region_code="620502001"), "region_code"),
        "region outside scope": (payload(region_code=OTHER), "region_code"),
        "invalid ID": (payload(complainant_id_number="620502199001011230"), "complainant_id_number"),
        "invalid USCC": (payload(employer_uscc="91620502MA7XXXXXX1"), "employer_uscc"),
        "received in the future": (
            payload(received_at=(timezone.now() + dt.timedelta(days=2)).isoformat()), "received_at"),
        "description too long": (payload(description="欠" * 2001), "description"),
        "bad phone": (payload(complainant_phone="12345"), "complainant_phone"),
        "no workers": (payload(workers_involved=0), "workers_involved"),
        "negative amount": (payload(amount_claimed="-1.00"), "amount_claimed"),
        "missing description": ({k: v for k, v in payload().items() if k != "description"}, "description"),
        "unknown project": (payload(project_code="NO-SUCH-PROJECT"), "project_code"),
    }


@pytest.mark.parametrize("case", list(_bad_payloads()))
def test_create_bad_input_is_400_and_saves_nothing(client, case):
    body, field = _bad_payloads()[case]
    before = (Clue.objects.count(), ObjectChange.objects.count(), ClueSequence.objects.count(), ClueEvent.objects.count())
    response = client.post(CLUES, body)
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert isinstance(response.json()[field], list)
    after = (Clue.objects.count(), ObjectChange.objects.count(), ClueSequence.objects.count(), ClueEvent.objects.count())
    assert after == before


def test_create_with_project_of_another_county(client, make_project):
    hidden = make_project(region=OTHER)
    response = client.post(CLUES, payload(project_code=hidden.code))
    assert response.status_code == 400 and "project_code" in response.json()
    assert not Clue.objects.exists()


def test_project_in_another_county_than_the_clue(api_as, make_user, make_project):
    # A city officer sees both counties' projects; the model's rule answers on project_code.
    city_officer = api_as(make_user(Role.INSPECTOR, "6205"))
    project = make_project(region=OTHER)
    assert Project.objects.filter(pk=project.pk).exists()
    response = city_officer.post(CLUES, payload(region_code=HOME, project_code=project.code))
    assert response.status_code == 400 and "project_code" in response.json()
    assert not Clue.objects.exists()


def test_valid_id_number_is_kept(client, inspector, rng):
    id_number = make_id_number(rng, HOME)
    response = client.post(CLUES, payload(complainant_id_number=id_number))
    assert response.status_code == 201, response.content
    assert response.json()["complainant_id_number"] == id_number  # the inspector sees it


def test_bureau_may_not_register_clues(api_as, housing_bureau):
    response = api_as(housing_bureau).post(CLUES, payload())
    assert response.status_code == 403
    assert not Clue.objects.exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_no_edit_or_delete(client, make_clue, method):
    clue = make_clue()
    response = getattr(client, method)(url(clue), {"description": "改"})
    assert response.status_code == 405
    assert Clue.objects.get(pk=clue.pk).description == clue.description


# --- Workflow ---------------------------------------------------------------------------------------


def test_full_workflow(client, make_clue, inspector):
    clue = make_clue()
    response = client.post(url(clue, "accept"), {})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "accepted" and data["resolve_due"]
    assert data["resolve_due"] == add_working_days(timezone.localdate(), 60).isoformat()

    response = client.post(url(clue, "classify"), {"category": "wage_arrears"})
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    assert response.json()["category"] == "wage_arrears"

    response = client.post(url(clue, "resolve"), {"workers_paid": 3, "amount_recovered": "18600.00", "result": "已全额支付。"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "resolved" and data["workers_paid"] == 3 and data["amount_recovered"] == "18600.00"

    response = client.post(url(clue, "revisit"), {"satisfied": True, "note": "投诉人表示满意。"})
    assert response.status_code == 200 and response.json()["revisit_satisfied"] is True

    response = client.post(url(clue, "close"), {"reply": "已电话告知投诉人处理结果。"})
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert response.json()["reply"] == "已电话告知投诉人处理结果。"

    events = client.get(url(clue, "events")).json()
    assert [e["type"] for e in events["results"]] == ["received", "accepted", "classified", "resolved", "revisited", "closed"]
    assert all(e["user_name"] == str(inspector) for e in events["results"])
    assert events["results"][0]["type_display"]


def test_accept_with_empty_body(client, make_clue):
    clue = make_clue()
    response = client.post(url(clue, "accept"))
    assert response.status_code == 200 and response.json()["status"] == "accepted"


@pytest.mark.parametrize("status, action, body", [
    ("accepted", "accept", {}),
    ("received", "resolve", {"workers_paid": 1, "amount_recovered": "100.00", "result": "x"}),
    ("received", "classify", {"category": "wage_arrears"}),
    ("received", "close", {"reply": "x"}),
    ("received", "transfer", {"department": "housing", "reason": "x"}),
    ("accepted", "reject", {"reason": "超时效"}),
    ("in_progress", "close", {"reply": "x"}),
    ("resolved", "resolve", {"workers_paid": 1, "amount_recovered": "100.00", "result": "x"}),
    ("received", "transfer-reply", {"outcome": "returned", "reply": "x"}),
    ("received", "revisit", {"satisfied": True, "note": "x"}),
])
def test_wrong_state_is_409_and_changes_nothing(client, make_clue, inspector, housing_department, status, action, body):
    clue = make_clue()
    if status != "received":
        clue = advance(clue, inspector, status)
    before = Clue.objects.filter(pk=clue.pk).values().get()
    events = ClueEvent.objects.count()
    response = client.post(url(clue, action), body)
    assert response.status_code == 409, response.content
    assert set(response.json()) == {"detail", "code"} and response.json()["code"] == "wrong_state"
    assert Clue.objects.filter(pk=clue.pk).values().get() == before
    assert ClueEvent.objects.count() == events


def test_reject(client, make_clue):
    clue = make_clue()
    response = client.post(url(clue, "reject"), {"reason": " "})
    assert response.status_code == 400 and "reason" in response.json()
    response = client.post(url(clue, "reject"), {})
    assert response.status_code == 400 and "reason" in response.json()
    response = client.post(url(clue, "reject"), {"reason": "超过两年仲裁时效。"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["category"]) == ("closed", "not_accepted")
    assert response.json()["reject_reason"] == "超过两年仲裁时效。"


def test_classify_bad_category_is_400(client, make_clue, inspector):
    clue = advance(make_clue(), inspector, "accepted")
    for category in ("not_accepted", "nonsense"):
        response = client.post(url(clue, "classify"), {"category": category})
        assert response.status_code == 400 and "category" in response.json()
    assert Clue.objects.get(pk=clue.pk).status == ClueStatus.ACCEPTED


def test_resolve_inconsistent_figures_need_explanation(client, make_clue, inspector):
    clue = advance(make_clue(workers_involved=3), inspector, "in_progress")
    body = {"workers_paid": 5, "amount_recovered": "100.00", "result": "付清"}
    response = client.post(url(clue, "resolve"), body)
    assert response.status_code == 400 and "result_explanation" in response.json()
    assert Clue.objects.get(pk=clue.pk).status == ClueStatus.IN_PROGRESS
    response = client.post(url(clue, "resolve"), {**body, "result_explanation": "同班组另有两名工人被欠薪。"})
    assert response.status_code == 200 and response.json()["status"] == "resolved"
    response = client.post(url(clue, "resolve"), {"workers_paid": -1, "amount_recovered": "x", "result": ""})
    assert response.status_code in (400, 409)


def test_transfer_and_bureau_reply(client, api_as, make_clue, inspector, housing_bureau, transport_bureau, housing_department):
    clue = advance(make_clue(), inspector, "accepted")
    response = client.post(url(clue, "transfer"), {"department": "nowhere", "reason": "x"})
    assert response.status_code == 400 and "department" in response.json()
    response = client.post(url(clue, "transfer"), {"department": "court", "reason": "x"})
    assert response.status_code == 409 and response.json()["code"] == "no_department"
    response = client.post(url(clue, "transfer"), {"department": "housing", "reason": "拖欠工程款，移交住建部门。"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "transferred" and data["transfer_due"]
    assert data["transferred_to"] == {"id": housing_department.pk, "name": housing_department.name, "kind": "housing"}

    housing, transport = api_as(housing_bureau), api_as(transport_bureau)
    assert housing.get(url(clue)).status_code == 200
    assert clue.number in {row["number"] for row in housing.get(CLUES).json()["results"]}
    assert transport.get(url(clue)).status_code == 404
    assert clue.number not in {row["number"] for row in transport.get(CLUES).json()["results"]}
    reply = {"outcome": "handled", "reply": "已督促建设单位拨付工程款。", "workers_paid": 3, "amount_recovered": "18600.00"}
    assert transport.post(url(clue, "transfer-reply"), reply).status_code == 404
    # The bureau reads and replies, but does not take the office's own steps.
    assert housing.post(url(clue, "accept"), {}).status_code == 403
    response = housing.post(url(clue, "transfer-reply"), reply)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "resolved" and response.json()["transfer_outcome"] == "handled"


def test_transfer_returned(client, make_clue, inspector, housing_department):
    clue = advance(make_clue(), inspector, "in_progress")
    client.post(url(clue, "transfer"), {"department": "housing", "reason": "移交"})
    response = client.post(url(clue, "transfer-reply"), {"outcome": "returned", "reply": "不属本部门职责。"})
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    response = client.post(url(clue, "transfer-reply"), {"outcome": "maybe", "reply": "x"})
    assert response.status_code == 400 and "outcome" in response.json()


def test_bureau_may_not_take_office_steps(api_as, make_clue, make_project, housing_bureau):
    clue = make_clue(project=make_project(region=HOME, industry="housing"))
    bureau = api_as(housing_bureau)
    assert bureau.get(url(clue)).status_code == 200
    steps = [("accept", {}), ("reject", {"reason": "x"}), ("hand-over", {"to_user": housing_bureau.pk, "comment": "x"})]
    for action, body in steps:
        response = bureau.post(url(clue, action), body, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 403, (action, response.content)
        assert response.json()["detail"] == "Only the wage-arrears office may do this."
    assert Clue.objects.get(pk=clue.pk).status == ClueStatus.RECEIVED


def test_role_without_change_permission_gets_403(api_as, make_user, make_clue):
    clue = make_clue()
    user = make_user(Role.OFFICE_STAFF, HOME)
    user.role = ""  # a role that grants nothing
    user.save(update_fields=["role"])
    response = api_as(user).post(url(clue, "accept"), {})
    assert response.status_code == 403
    assert Clue.objects.get(pk=clue.pk).status == ClueStatus.RECEIVED


def test_hand_over(client, make_clue, office_staff, other_inspector):
    clue = make_clue()
    response = client.post(url(clue, "hand-over"), {"to_user": office_staff.pk, "comment": "轮岗交接"})
    assert response.status_code == 200, response.content
    assert response.json()["owner"]["id"] == office_staff.pk
    assert Notification.objects.filter(user=office_staff).exists()
    response = client.post(url(clue, "hand-over"), {"to_user": other_inspector.pk, "comment": "跨县"})
    assert response.status_code == 400 and "to_user" in response.json()
    response = client.post(url(clue, "hand-over"), {"to_user": office_staff.pk, "comment": ""})
    assert response.status_code == 400 and "comment" in response.json()


def test_extension(client, api_as, make_user, make_clue, inspector):
    head = make_user(Role.OFFICE_HEAD, HOME)
    clue = advance(make_clue(), inspector, "accepted")
    due = clue.resolve_due
    response = client.post(url(clue, "extension-request"), {"reason": "涉及人数多，需进一步核查。"})
    assert response.status_code == 200 and response.json()["extension_requested_at"]
    assert client.post(url(clue, "extension-approve"), {}).status_code == 403
    response = api_as(head).post(url(clue, "extension-approve"), {"comment": "同意"})
    assert response.status_code == 200
    assert response.json()["resolve_due"] > due.isoformat() and response.json()["extended_at"]
    response = api_as(head).post(url(clue, "extension-approve"), {})
    assert response.status_code == 409 and response.json()["code"] == "already_extended"


def test_notes(client, make_clue, inspector):
    clue = make_clue()
    response = client.post(url(clue, "notes"), {"comment": "已电话联系投诉人核实。"})
    assert response.status_code == 201
    assert response.json()["type"] == "note" and response.json()["user"]["id"] == inspector.pk
    assert client.post(url(clue, "notes"), {"comment": ""}).status_code == 400
    assert clue.events.filter(type="note").count() == 1


# --- Scope ---------------------------------------------------------------------------------------------

ACTIONS = [
    ("accept", {}), ("reject", {"reason": "x"}), ("classify", {"category": "wage_arrears"}),
    ("transfer", {"department": "housing", "reason": "x"}),
    ("resolve", {"workers_paid": 1, "amount_recovered": "1.00", "result": "x"}), ("close", {"reply": "x"}),
    ("transfer-reply", {"outcome": "returned", "reply": "x"}), ("hand-over", {"to_user": 1, "comment": "x"}),
    ("extension-request", {"reason": "x"}), ("extension-approve", {}), ("revisit", {"satisfied": True, "note": "x"}),
    ("merge", {"into": "620502-2026-000001"}), ("notes", {"comment": "x"}),
]


def test_other_county_sees_nothing(api_as, make_clue, other_inspector):
    clue = make_clue(received_at=at("2026-11-02"))
    other = api_as(other_inspector)
    missing = other.get(url("620502-2026-999999"))
    assert other.get(url(clue)).status_code == 404
    assert other.get(url(clue)).json() == missing.json()
    assert other.get(url(clue, "events")).status_code == 404
    for action, body in ACTIONS:
        response = other.post(url(clue, action), body)
        assert response.status_code == 404, (action, response.content)
    assert other.get(CLUES).json()["count"] == 0
    assert other.get(CLUES, {"region_code": HOME}).json()["count"] == 0
    assert other.get(f"{CLUES}figures/").json()["received"] == 0
    assert other.get(f"{CLUES}figures/", {"region_code": HOME}).json()["received"] == 0
    assert other.get(f"{CLUES}duplicates/", {"employer_name": clue.employer_name}).json() == []
    assert Clue.objects.get(pk=clue.pk).status == ClueStatus.RECEIVED
    assert clue.events.count() == 1


# --- Personal data -------------------------------------------------------------------------------------


def test_phone_masked_for_staff_and_bureau(api_as, make_clue, office_staff, housing_bureau, make_project, rng):
    clue = make_clue(complainant_phone="13812345678", complainant_id_number=make_id_number(rng, HOME),
                     project=make_project(region=HOME, industry="housing"))
    for user in (office_staff, housing_bureau):
        data = api_as(user).get(url(clue)).json()
        assert data["complainant_phone"] == "138****5678", user.role
        assert MASKED_ID.match(data["complainant_id_number"])
        listed = api_as(user).get(CLUES).json()["results"][0]
        assert MASKED_PHONE.match(listed["complainant_phone"])
    assert not PiiAccessLog.objects.exists()


def test_phone_full_for_inspector_and_logged(client, make_clue, inspector):
    clue = make_clue(complainant_phone="13812345678")
    response = client.get(url(clue))
    assert response.json()["complainant_phone"] == "13812345678"
    log = PiiAccessLog.objects.get(field="complainant_phone")
    assert (log.user, log.object_id, log.channel) == (inspector, str(clue.pk), "api")


# --- Duplicates and merge -------------------------------------------------------------------------------


def test_possible_duplicates_in_scope_only(client, make_clue):
    hidden = make_clue(region=OTHER, employer_name="天水同一劳务公司", received_at=at("2026-10-01"))
    first = make_clue(employer_name="天水同一劳务公司", received_at=at("2026-10-02"))
    response = client.post(CLUES, payload(employer_name="天水同一劳务公司", received_at="2026-10-05T10:00:00+08:00"))
    assert response.status_code == 201
    new = Clue.objects.get(number=response.json()["number"])
    assert {d.candidate_id for d in new.duplicate_links.all()} == {hidden.pk, first.pk}  # stored, but …
    assert response.json()["possible_duplicates"] == [first.number]  # … shown within scope only
    assert client.get(url(new)).json()["possible_duplicates"] == [first.number]

    found = client.get(f"{CLUES}duplicates/", {"employer_name": "天水同一劳务公司", "region_code": HOME}).json()
    assert [item["number"] for item in found] == [new.number, first.number]
    assert found[0]["reasons"] == ["employer_name"] and found[0]["reasons_display"]
    found = client.get(f"{CLUES}duplicates/", {"complainant_phone": "13812345678"}).json()
    assert [item["number"] for item in found] == [new.number]
    assert client.get(f"{CLUES}duplicates/").json() == []
    assert client.get(f"{CLUES}duplicates/", {"region_code": "62"}).status_code == 400


def test_duplicates_by_project_and_uscc(client, make_clue, make_project, rng):
    project = make_project(region=HOME)
    uscc = make_uscc(rng, HOME)
    a = make_clue(project=project, received_at=at("2026-11-02"))
    b = make_clue(employer_uscc=uscc, received_at=at("2026-11-03"))
    found = client.get(f"{CLUES}duplicates/", {"project_code": project.code, "employer_uscc": uscc}).json()
    assert {item["number"]: item["reasons"] for item in found} == {a.number: ["project"], b.number: ["employer_uscc"]}


def test_merge(client, make_clue):
    first = make_clue(employer_name="同一公司", received_at=at("2026-10-01"))
    second = make_clue(employer_name="同一公司", received_at=at("2026-10-02"))
    hidden = make_clue(region=OTHER, received_at=at("2026-10-02"))
    response = client.post(url(second, "merge"), {"into": hidden.number})
    assert response.status_code == 400 and "into" in response.json()
    response = client.post(url(second, "merge"), {"into": second.number})
    assert response.status_code == 409 and response.json()["code"] == "merge_invalid"
    response = client.post(url(second, "merge"), {"into": first.number})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["number"] == second.number and data["merged_into"] == first.number
    assert (data["status"], data["category"]) == ("closed", "duplicate")
    assert [e["type"] for e in client.get(url(first, "events")).json()["results"]][-1] == "absorbed"
    response = client.post(url(second, "merge"), {"into": first.number})
    assert response.status_code == 409
    figures = client.get(f"{CLUES}figures/", {"date_from": "2026-10-01", "date_to": "2026-10-31"}).json()
    assert figures["received"] == 1


# --- Figures ------------------------------------------------------------------------------------------


def test_figures(client, make_clue, inspector):
    a = make_clue(received_at=at("2026-10-05"), channel="hotline_12345")
    make_clue(received_at=at("2026-10-06"))
    c = make_clue(received_at=at("2026-10-07"))
    make_clue(received_at=at("2026-09-30"))
    make_clue(region=OTHER, received_at=at("2026-10-05"))
    services.clue_reject(clue=c, user=inspector, reason="超过时效")
    advance(a, inspector, "resolved")
    response = client.get(f"{CLUES}figures/", {"date_from": "2026-10-01", "date_to": "2026-10-31"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["received"] == 3 and data["closed"] == 1 and data["closure_rate"] == 33.3
    assert data["workers_paid"] == 3 and data["amount_recovered"] == "18600.00"
    assert data["by_channel"]["hotline_12345"]["received"] == 1
    assert data["by_category"]["not_accepted"]["closed"] == 1
    assert data["date_from"] == "2026-10-01" and data["region_code"] == ""
    assert client.get(f"{CLUES}figures/").json()["received"] == 4
    assert client.get(f"{CLUES}figures/", {"region_code": OTHER}).json()["received"] == 0
    assert client.get(f"{CLUES}figures/", {"region_code": "62"}).json()["received"] == 4
    bad = client.get(f"{CLUES}figures/", {"date_from": "2026-10-31", "date_to": "2026-10-01"})
    assert bad.status_code == 400 and "date_to" in bad.json()
    assert client.get(f"{CLUES}figures/", {"date_from": "yesterday"}).status_code == 400


# --- Filters and query counts ------------------------------------------------------------------------


def numbers(response):
    assert response.status_code == 200, response.content
    return {row["number"] for row in response.json()["results"]}


def test_received_date_filters(client, make_clue):
    late = make_clue(received_at=at("2025-12-31", hour=23))
    early = make_clue(received_at=at("2026-01-01", hour=0))
    mid = make_clue(received_at=at("2026-01-15"))
    assert numbers(client.get(CLUES, {"received_after": "2026-01-01"})) == {early.number, mid.number}
    assert numbers(client.get(CLUES, {"received_before": "2026-01-15"})) == {late.number, early.number}
    assert numbers(client.get(CLUES, {"received_after": "2026-01-01", "received_before": "2026-01-15"})) == {early.number}
    assert numbers(client.get(CLUES, {"received_after": "2025-12-31T15:30:00+00:00"})) == {early.number, mid.number}
    assert client.get(CLUES, {"received_after": "soon"}).status_code == 400


def test_status_channel_region_filters(client, make_clue, inspector):
    a = make_clue(channel="window")
    b = advance(make_clue(channel="online"), inspector, "in_progress")
    assert numbers(client.get(CLUES, {"status": "received"})) == {a.number}
    assert numbers(client.get(CLUES, {"status": ["received", "in_progress"]})) == {a.number, b.number}
    assert numbers(client.get(CLUES, {"channel": "online"})) == {b.number}
    assert numbers(client.get(CLUES, {"category": "wage_arrears"})) == {b.number}
    assert numbers(client.get(CLUES, {"region_code": "6205"})) == {a.number, b.number}
    assert numbers(client.get(CLUES, {"region_code": OTHER})) == set()
    assert client.get(CLUES, {"status": "lost"}).status_code == 400


def test_overdue_filter(client, make_clue, inspector):
    old = make_clue(received_at=at("2026-01-05"))
    make_clue(received_at=timezone.now() - dt.timedelta(hours=1))
    closed_old = make_clue(received_at=at("2026-01-06"))
    services.clue_reject(clue=closed_old, user=inspector, reason="超过时效")
    response = client.get(CLUES, {"overdue": "true"})
    assert numbers(response) == {old.number}
    assert response.json()["results"][0]["overdue"] is True
    assert response.json()["results"][0]["deadline_state"] == "overdue"
    assert old.number not in numbers(client.get(CLUES, {"overdue": "false"}))


def test_list_query_count_with_duplicates(client, make_clue, inspector, housing_department, django_assert_max_num_queries):
    for i in range(20):
        clue = make_clue(employer_name=f"公司{i % 3}", received_at=at("2026-11-02") + dt.timedelta(minutes=i))
        if i % 4 == 0:
            advance(clue, inspector, "accepted")
            services.clue_transfer(clue=clue, user=inspector, department="housing", reason="移交")
    # Token, count, page, possible duplicates (one prefetch), the personal-data log (one insert).
    with django_assert_max_num_queries(6):
        response = client.get(CLUES, {"page_size": 50})
    results = response.json()["results"]
    assert len(results) == 20
    assert sum(len(row["possible_duplicates"]) for row in results) > 20
    assert any(row["transferred_to"] for row in results)


# --- Notifications -------------------------------------------------------------------------------------


def test_notifications(client, api_as, inspector, office_staff):
    services.notify(user=inspector, key="a", title="线索即将到期")
    services.notify(user=inspector, key="b", title="线索已逾期", level="danger")
    services.notify(user=office_staff, key="a", title="别人的通知")
    mine = {n.key: n for n in Notification.objects.filter(user=inspector)}
    theirs = Notification.objects.get(user=office_staff)

    data = client.get(NOTIFICATIONS).json()
    assert data["count"] == 2 and all(row["unread"] for row in data["results"])
    assert data["results"][0]["id"] == mine["b"].pk  # newest first
    assert client.get(f"{NOTIFICATIONS}unread-count/").json() == {"unread": 2}

    response = client.post(f"{NOTIFICATIONS}{mine['a'].pk}/read/")
    assert response.status_code == 200 and response.json()["unread"] is False and response.json()["read_at"]
    assert [row["id"] for row in client.get(NOTIFICATIONS, {"unread": "true"}).json()["results"]] == [mine["b"].pk]
    assert [row["id"] for row in client.get(NOTIFICATIONS, {"unread": "false"}).json()["results"]] == [mine["a"].pk]
    assert client.get(NOTIFICATIONS, {"unread": "perhaps"}).status_code == 400

    assert client.post(f"{NOTIFICATIONS}{theirs.pk}/read/").status_code == 404
    assert client.get(f"{NOTIFICATIONS}{theirs.pk}/").status_code == 404
    response = client.post(f"{NOTIFICATIONS}read-all/")
    assert response.status_code == 200 and response.json() == {"marked": 1}
    assert not Notification.objects.filter(user=inspector, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert api_as(office_staff).get(f"{NOTIFICATIONS}unread-count/").json() == {"unread": 1}


def test_notifications_need_login(db, api_client):
    assert api_client.get(NOTIFICATIONS).status_code == 401
    assert api_client.post(f"{NOTIFICATIONS}read-all/").status_code == 401
