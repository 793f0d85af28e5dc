"""REST API of projects: the generic suite applied to the ledger, then parties, prefix filters,
bureau scope, bulk upsert, the compliance report and every sub-resource of a project with its bad
input, arrears, personal data by role, warnings and query ceilings."""
import datetime as dt
import re
import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from projects.compliance import compliance_report
from projects.deposit import required_deposit
from projects.models import (
    Allocation, DedicatedAccount, Employment, NoticeBoard, Payroll, PayrollLine, Project, ProjectWarning, WageDeposit,
    Worker,
)
from projects.services import account_set, payroll_upsert, worker_register
from wagecase.core.choices import ChangeSource, Role
from wagecase.core.identifiers import make_id_number, make_mobile, make_uscc
from wagecase.core.models import Enterprise, ObjectChange, PiiAccessLog

from ..conftest import HOME, OTHER, OTHER_CITY
from ..generic_api import APIEndpointTests

PROJECTS = "/api/v1/projects/"
BULK = "/api/v1/projects/bulk/"
WARNINGS = "/api/v1/warnings/"
MASKED_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")
MASKED_PHONE = re.compile(r"^\d{3}\*{4}\d{4}$")
ALL_ITEMS = ["builder", "general_contractor", "subcontractors", "regulator", "wage_officer", "minimum_wage", "payday",
             "complaint_hotlines", "arbitration_legal_aid"]
SUB_PATHS = ["compliance/", "arrears/", "account/", "deposit/", "notice-board/", "allocations/", "workers/", "payrolls/"]
WRITES = [
    ("put", "account/", {"bank_name": "甘肃银行", "account_number": "62300001", "opened_on": "2025-12-05"}),
    ("post", "allocations/", {"period": "2026-01", "amount": "1000.00", "paid_on": "2026-02-10"}),
    ("post", "workers/", None),  # filled in per test (needs a valid ID)
    ("post", "payrolls/", {"period": "2026-01", "paid_on": "2026-02-10", "paid_via": "contractor_bank", "lines": []}),
    ("put", "deposit/", {"form": "cash", "amount": "240000.00", "deposited_on": "2025-12-20"}),
    ("put", "notice-board/", {"installed_on": "2025-12-15", "items": ALL_ITEMS}),
]

_codes = iter(range(1, 10**6))


def project_payload(rng, region=HOME, **overrides):
    number = next(_codes)
    payload = {
        "code": f"API-{region}-{number:05d}",
        "name": f"天水接口测试项目{number}号楼",
        "region_code": region,
        "investment_type": "government",
        "industry": "housing",
        "contract_amount": "12000000.00",
        "contract_signed_on": "2025-12-01",
        "start_date": "2025-12-10",
        "planned_end_date": "2027-06-30",
        "completed_on": None,
        "status": "in_progress",
        "builder": {"uscc": make_uscc(rng, region), "name": f"天水城投建设有限公司{number}"},
        "general_contractor": {"uscc": make_uscc(rng, region), "name": f"甘肃建工第{number}工程有限公司"},
    }
    payload.update(overrides)
    return payload


def url(project, sub=""):
    code = project if isinstance(project, str) else project.code
    return f"{PROJECTS}{code}/{sub}"


def future_month():
    today = dt.date.today()
    following = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return f"{following:%Y-%m}"


def worker_payload(rng, **overrides):
    payload = {
        "id_number": make_id_number(rng, "620502"),
        "name": "李建军",
        "phone": make_mobile(rng),
        "trade": "钢筋工",
        "contract_signed_on": "2025-12-08",
        "entered_on": "2025-12-10",
    }
    payload.update(overrides)
    return payload


# --- The generic suite ------------------------------------------------------------------------------


class TestProjectAPI(APIEndpointTests):
    model = Project
    endpoint = PROJECTS
    lookup_field = "code"
    # token, count, page (parties, region, regulator joined; warnings counted in a subquery), one
    # PII-log insert (+ a content type on a cold cache)
    list_max_queries = 5

    def make_object(self, f, *, in_scope=True):
        return f.make_project(region=HOME if in_scope else OTHER)

    def make_objects(self, f, count):
        # Each with its own parties and a wage officer's phone: N+1 on either would show.
        return [f.make_project(wage_officer_name="王工", wage_officer_phone=make_mobile(f.rng)) for _ in range(count)]

    def create_payload(self, f, region=HOME):
        return project_payload(f.rng, region, wage_officer_name="赵明", wage_officer_phone="13893812345")

    def invalid_create_payload(self, f):
        return self.create_payload(f) | {"region_code": "6205"}, ["region_code"]

    def out_of_scope_create_payload(self, f):
        return self.create_payload(f, region=OTHER)

    def update_payload(self, f, obj):
        return {"name": "天水市秦州区保障房项目", "address": "天水市秦州区藉河南路8号"}

    def invalid_update_payload(self, f, obj):
        return {"planned_end_date": "2020-01-01"}, ["planned_end_date"]

    def missing_lookup(self):
        return "NO-SUCH-PROJECT"

    def assert_created(self, obj, payload):
        assert obj.builder.uscc == payload["builder"]["uscc"]
        assert obj.general_contractor.name == payload["general_contractor"]["name"]
        assert obj.contract_amount == Decimal(payload["contract_amount"])
        assert obj.monitoring_required is True
        assert obj.compliance_evaluated_on == dt.date.today()


# --- Create, parties, read-only fields ---------------------------------------------------------------


def test_create_with_unknown_parties_registers_them(inspector, api_as, rng):
    payload = project_payload(rng)
    response = api_as(inspector).post(PROJECTS, payload, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["builder"] == payload["builder"] and data["general_contractor"] == payload["general_contractor"]
    builder = Enterprise.objects.get(uscc=payload["builder"]["uscc"])
    assert builder.name == payload["builder"]["name"] and builder.roles == ["builder"]
    assert Enterprise.objects.get(uscc=payload["general_contractor"]["uscc"]).roles == ["general_contractor"]
    assert data["contract_amount"] == "12000000.00" and data["region_code"] == HOME
    assert data["monitoring_required"] is True  # ¥12,000,000 ≥ the default ¥3,000,000 threshold
    assert isinstance(data["compliance_score"], int) and 0 <= data["compliance_score"] <= 100
    assert data["compliance_score"] == compliance_report(Project.objects.get(code=payload["code"]))["score"]
    assert data["active_warnings"] == ProjectWarning.objects.filter(project__code=payload["code"], active=True).count() > 0
    for change in ObjectChange.objects.filter(changed_object_id=str(builder.pk)):
        assert change.source == ChangeSource.API and change.user == inspector


def test_read_only_fields_are_ignored_on_write(inspector, api_as, rng):
    payload = project_payload(rng, contract_amount="1000000.00", monitoring_required=True, compliance_score=100)
    data = api_as(inspector).post(PROJECTS, payload, format="json").json()
    assert data["monitoring_required"] is False and data["compliance_score"] < 100


def test_existing_enterprise_by_uscc_alone(inspector, api_as, rng, make_enterprise):
    contractor = make_enterprise(roles=["builder"])
    payload = project_payload(rng, general_contractor={"uscc": contractor.uscc.lower()})
    response = api_as(inspector).post(PROJECTS, payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["general_contractor"] == {"uscc": contractor.uscc, "name": contractor.name}
    contractor.refresh_from_db()
    assert contractor.roles == ["builder", "general_contractor"]


def test_unknown_enterprise_needs_a_name(inspector, api_as, rng):
    payload = project_payload(rng, builder={"uscc": make_uscc(rng, HOME)})
    response = api_as(inspector).post(PROJECTS, payload, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["builder"] and list(response.json()["builder"]) == ["name"]
    assert not Project.objects.exists() and not Enterprise.objects.exists()


@pytest.mark.parametrize("bad", ["91620502MA74BN8Q0Z", "91620502MA7XXXXX1", "not-a-code", ""])
def test_invalid_uscc_is_400_on_the_party_and_nothing_saved(inspector, api_as, rng, bad):
    payload = project_payload(rng)
    payload["general_contractor"] = {"uscc": bad, "name": "某建筑公司"}
    response = api_as(inspector).post(PROJECTS, payload, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()
    assert list(errors) == ["general_contractor"]
    assert list(errors["general_contractor"]) == ["uscc"] and errors["general_contractor"]["uscc"][0]
    assert not Project.objects.exists() and not Enterprise.objects.exists() and not ObjectChange.objects.exists()


def test_party_must_be_an_object(inspector, api_as, rng):
    response = api_as(inspector).post(PROJECTS, project_payload(rng, builder="91620502MA74BN8Q0X"), format="json")
    assert response.status_code == 400 and list(response.json()) == ["builder"]


@pytest.mark.parametrize("field, value", [
    ("investment_type", "private"), ("industry", "mining"), ("status", "done"), ("contract_amount", "-1.00"),
    ("contract_amount", "12.345"), ("start_date", "2025-13-01"), ("region_code", "629999"), ("code", "A/B"),
    ("code", "bulk"), ("wage_officer_phone", "12345"), ("township_code", "620503100"),
])
def test_field_errors(inspector, api_as, rng, field, value):
    response = api_as(inspector).post(PROJECTS, project_payload(rng, **{field: value}), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not Project.objects.exists()


def test_completed_project_needs_completion_date(inspector, api_as, rng):
    response = api_as(inspector).post(PROJECTS, project_payload(rng, status="completed"), format="json")
    assert response.status_code == 400 and "completed_on" in response.json()


def test_duplicate_code_is_400(inspector, api_as, rng, make_project):
    project = make_project()
    response = api_as(inspector).post(PROJECTS, project_payload(rng, code=project.code), format="json")
    assert response.status_code == 400 and list(response.json()) == ["code"]


def test_code_cannot_change_and_put_is_not_allowed(inspector, api_as, make_project):
    project = make_project()
    client = api_as(inspector)
    response = client.patch(url(project), {"code": "NEW-CODE"}, format="json")
    assert response.status_code == 400 and "code" in response.json()
    assert client.put(url(project), {}, format="json").status_code == 405
    assert Project.objects.filter(code=project.code).exists()


def test_patch_changes_a_party_and_township(inspector, api_as, make_project, rng):
    project = make_project()
    new_uscc = make_uscc(rng, HOME)
    township = f"{HOME}001"
    response = api_as(inspector).patch(
        url(project), {"builder": {"uscc": new_uscc, "name": "新建设单位"}, "township_code": township}, format="json"
    )
    assert response.status_code == 200, response.content
    project.refresh_from_db()
    assert project.builder.uscc == new_uscc and project.builder.name == "新建设单位"
    assert response.json()["township_code"] == township


def test_regulator_is_a_department_in_scope(inspector, api_as, make_project, make_department):
    project = make_project()
    housing = make_department(kind="housing", region=HOME, name="秦州区住建局")
    lanzhou = make_department(kind="housing", region=OTHER_CITY, name="城关区住建局")
    client = api_as(inspector)
    response = client.patch(url(project), {"regulator": housing.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["regulator"] == housing.pk and response.json()["regulator_name"] == "秦州区住建局"
    response = client.patch(url(project), {"regulator": lanzhou.pk}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["regulator"]
    project.refresh_from_db()
    assert project.regulator == housing


def test_wage_officer_phone_masked_for_office_staff_and_sent_back_unchanged(office_staff, api_as, make_project):
    project = make_project(wage_officer_name="王工", wage_officer_phone="13893812345")
    client = api_as(office_staff)
    data = client.get(url(project)).json()
    assert data["wage_officer_phone"] == "138****2345"
    data.pop("builder"), data.pop("general_contractor")
    data["address"] = "天水市秦州区"
    response = client.patch(url(project), data, format="json")
    assert response.status_code == 200, response.content
    project.refresh_from_db()
    assert project.wage_officer_phone == "13893812345" and project.address == "天水市秦州区"
    assert not PiiAccessLog.objects.exists()


# --- Filters and scope ------------------------------------------------------------------------------


def test_region_code_prefix_filter(make_user, api_as, make_project):
    home, neighbour, lanzhou = make_project(region=HOME), make_project(region=OTHER), make_project(region=OTHER_CITY)
    client = api_as(make_user(Role.OFFICE_HEAD, "62"))

    def codes(**params):
        return {p["code"] for p in client.get(PROJECTS, params).json()["results"]}

    assert codes(region_code="62") == {home.code, neighbour.code, lanzhou.code}
    assert codes(region_code="6205") == {home.code, neighbour.code}
    assert codes(region_code=HOME) == {home.code}
    assert codes(region_code="620102") == {lanzhou.code}
    assert codes() == {home.code, neighbour.code, lanzhou.code}
    # The jurisdiction still applies under any filter.
    county = api_as(make_user(Role.INSPECTOR, HOME))
    assert {p["code"] for p in county.get(PROJECTS, {"region_code": "62"}).json()["results"]} == {home.code}


def test_other_filters(inspector, api_as, make_project):
    planned = make_project(status="planned", industry="transport", investment_type="ppp")
    other = make_project()
    client = api_as(inspector)

    def codes(**params):
        return {p["code"] for p in client.get(PROJECTS, params).json()["results"]}

    assert codes(status="planned") == {planned.code}
    assert codes(industry="transport") == {planned.code}
    assert codes(investment_type="social") == {other.code}
    assert codes(q=other.name) == {other.code}
    assert codes(has_warnings="true") >= {other.code}


def test_bureau_sees_its_industry_and_region_only(bureau, api_as, make_project):
    housing_home = make_project(region=HOME)
    housing_neighbour = make_project(region=OTHER)
    transport = make_project(region=HOME, industry="transport")
    lanzhou = make_project(region=OTHER_CITY)
    client = api_as(bureau)
    codes = {p["code"] for p in client.get(PROJECTS, {"page_size": 500}).json()["results"]}
    assert codes == {housing_home.code, housing_neighbour.code}
    assert client.get(url(housing_home)).status_code == 200
    for hidden in (transport, lanzhou):
        assert client.get(url(hidden)).status_code == 404
        for sub in SUB_PATHS:
            assert client.get(url(hidden, sub)).status_code == 404, sub
        assert client.patch(url(hidden), {"name": "改名"}, format="json").status_code == 404


def test_bureau_cannot_create_or_move_projects_outside_its_scope(bureau, api_as, make_project, rng):
    client = api_as(bureau)
    response = client.post(PROJECTS, project_payload(rng, industry="transport"), format="json")
    assert response.status_code == 400 and list(response.json()) == ["industry"] and response.json()["industry"][0]
    response = client.post(PROJECTS, project_payload(rng, OTHER_CITY), format="json")
    assert response.status_code == 400 and "region_code" in response.json()
    assert not Project.objects.exists() and not Enterprise.objects.exists()
    project = make_project(region=HOME)
    response = client.patch(url(project), {"industry": "water"}, format="json")
    assert response.status_code == 400 and "industry" in response.json()
    response = client.patch(url(project), {"region_code": OTHER_CITY}, format="json")
    assert response.status_code == 400 and "region_code" in response.json()
    project.refresh_from_db()
    assert project.industry == "housing" and project.region_id == HOME
    # Within its industries and region it may create.
    response = client.post(PROJECTS, project_payload(rng, OTHER), format="json")
    assert response.status_code == 201, response.content


# --- Bulk upsert ------------------------------------------------------------------------------------------


def test_bulk_invalid_item_saves_nothing(inspector, api_as, rng):
    items = [project_payload(rng) for _ in range(3)]
    items.append(project_payload(rng, contract_amount="abc"))
    response = api_as(inspector).post(BULK, items, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert [(e["index"], e["code"]) for e in errors] == [(3, items[3]["code"])]
    assert "contract_amount" in errors[0]["errors"]
    assert not Project.objects.exists() and not Enterprise.objects.exists() and not ObjectChange.objects.exists()


def test_bulk_upserts_by_code(inspector, api_as, rng):
    client = api_as(inspector)
    items = [project_payload(rng) for _ in range(3)]
    # A new enterprise named once serves every item that gives its USCC.
    items[1]["general_contractor"] = {"uscc": items[0]["general_contractor"]["uscc"]}
    response = client.post(BULK, items, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 3, "updated": 0}
    assert Project.objects.count() == 3 and Enterprise.objects.count() == 5
    for project in Project.objects.all():
        # Derived fields refreshed once per project after the rows were in.
        assert project.compliance_evaluated_on == dt.date.today() and project.monitoring_required
        assert project.warnings.filter(active=True).exists()
        change = ObjectChange.objects.get(changed_object_id=str(project.pk), action="create",
                                          changed_object_type__model="project")
        assert change.source == ChangeSource.API and change.user == inspector

    update = [{"code": items[0]["code"], "name": "改名后的项目"}, {"code": items[2]["code"], "status": "suspended"},
              project_payload(rng)]
    response = client.post(BULK, update, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 1, "updated": 2}
    assert Project.objects.get(code=items[0]["code"]).name == "改名后的项目"
    assert Project.objects.get(code=items[2]["code"]).status == "suspended"
    assert Project.objects.count() == 4


def test_bulk_refuses_duplicates_out_of_scope_and_too_many(inspector, api_as, rng, make_project):
    client = api_as(inspector)
    neighbour = make_project(region=OTHER)
    items = [project_payload(rng), project_payload(rng), {"code": neighbour.code, "name": "别人的项目"}]
    items[1]["code"] = items[0]["code"]
    before = Project.objects.count()
    response = client.post(BULK, items, format="json")
    assert response.status_code == 400
    errors = {e["index"]: e for e in response.json()["errors"]}
    assert set(errors) == {1, 2}
    assert "code" in errors[1]["errors"] and "code" in errors[2]["errors"]
    assert Project.objects.count() == before
    assert Project.objects.get(pk=neighbour.pk).name == neighbour.name

    response = client.post(BULK, [{"code": f"X{i}"} for i in range(1001)], format="json")
    assert response.status_code == 400 and "non_field_errors" in response.json()
    response = client.post(BULK, {"code": "X"}, format="json")
    assert response.status_code == 400 and "non_field_errors" in response.json()
    response = client.post(BULK, [project_payload(rng), "not an object"], format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["index"] == 1
    assert Project.objects.count() == before


def test_bulk_needs_credentials_and_permission(api_client, make_user, api_as, rng):
    assert api_client.post(BULK, [project_payload(rng)], format="json").status_code == 401
    nobody = make_user(Role.OFFICE_STAFF, HOME)
    nobody.role = ""
    nobody.save(update_fields=["role"])
    assert api_as(nobody).post(BULK, [project_payload(rng)], format="json").status_code == 403
    assert not Project.objects.exists()


def test_bulk_for_bureau_checks_industry(bureau, api_as, rng):
    items = [project_payload(rng), project_payload(rng, industry="transport")]
    response = api_as(bureau).post(BULK, items, format="json")
    assert response.status_code == 400
    assert [(e["index"], list(e["errors"])) for e in response.json()["errors"]] == [(1, ["industry"])]
    assert not Project.objects.exists()


# --- Compliance ---------------------------------------------------------------------------------------------


def test_compliance_report(inspector, api_as, make_project):
    project = make_project(contract_signed_on=dt.date(2025, 12, 1), start_date=dt.date(2026, 1, 5))
    account_set(project=project, bank_name="甘肃银行", account_number="1", opened_on=dt.date(2026, 1, 20))  # > 30 days
    client = api_as(inspector)
    response = client.get(url(project, "compliance/"), {"as_of": "2026-01-25"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert set(data) == {"project", "as_of", "score", "systems"}
    assert data["project"] == project.code and data["as_of"] == "2026-01-25"
    assert set(data["systems"]) == {"dedicated_account", "real_name", "contractor_payroll", "wage_deposit", "notice_board"}
    for system in data["systems"].values():
        assert set(system) == {"status", "problems"}
        assert system["status"] in {"ok", "deficient", "missing", "not_applicable"}
    assert data["systems"]["dedicated_account"]["status"] == "deficient"
    assert data["systems"]["dedicated_account"]["problems"]
    assert data["systems"]["notice_board"] == {"status": "missing", "problems": data["systems"]["notice_board"]["problems"]}
    points = {"ok": 20, "not_applicable": 20, "deficient": 10, "missing": 0}
    assert data["score"] == sum(points[s["status"]] for s in data["systems"].values())
    # Before the account was opened it was missing; today's report is the default.
    earlier = client.get(url(project, "compliance/"), {"as_of": "2026-01-10"}).json()
    assert earlier["systems"]["dedicated_account"]["status"] == "missing"
    assert client.get(url(project, "compliance/")).json()["as_of"] == timezone.localdate().isoformat()


@pytest.mark.parametrize("bad", ["2026-02-30", "yesterday", "2026-1-1x"])
def test_compliance_invalid_date_is_400(inspector, api_as, make_project, bad):
    response = api_as(inspector).get(url(make_project(), "compliance/"), {"as_of": bad})
    assert response.status_code == 400 and list(response.json()) == ["as_of"]


# --- Sub-resources: scope and permission -------------------------------------------------------------------


def _writes(rng):
    for method, sub, body in WRITES:
        yield method, sub, body if body is not None else worker_payload(rng)


def test_sub_resources_of_another_county_are_404(inspector, api_as, make_project, rng):
    neighbour = make_project(region=OTHER)
    client = api_as(inspector)
    for sub in SUB_PATHS:
        hidden, missing = client.get(url(neighbour, sub)), client.get(url("NO-SUCH-PROJECT", sub))
        assert hidden.status_code == missing.status_code == 404, sub
        assert hidden.json() == missing.json() == client.get(url("NO-SUCH-PROJECT")).json(), sub
    for method, sub, body in _writes(rng):
        assert getattr(client, method)(url(neighbour, sub), body, format="json").status_code == 404, sub
    assert not DedicatedAccount.objects.exists() and not Allocation.objects.exists() and not Worker.objects.exists()
    assert not WageDeposit.objects.exists() and not NoticeBoard.objects.exists()


def test_sub_resource_writes_need_change_permission(make_user, api_as, make_project, rng):
    project = make_project()
    nobody = make_user(Role.OFFICE_STAFF, HOME)
    nobody.role = ""  # a role that grants nothing
    nobody.save(update_fields=["role"])
    client = api_as(nobody)
    for method, sub, body in _writes(rng):
        assert getattr(client, method)(url(project, sub), body, format="json").status_code == 403, sub
    for sub in SUB_PATHS:
        assert client.get(url(project, sub)).status_code == 403, sub
    assert not DedicatedAccount.objects.exists() and not Worker.objects.exists()


def test_sub_resources_need_credentials(api_client, make_project, rng):
    project = make_project()
    for sub in SUB_PATHS:
        assert api_client.get(url(project, sub)).status_code == 401
    for method, sub, body in _writes(rng):
        assert getattr(api_client, method)(url(project, sub), body, format="json").status_code == 401


# --- Dedicated account and allocations ------------------------------------------------------------------------


def test_account(inspector, api_as, make_project):
    project = make_project()
    client = api_as(inspector)
    assert client.get(url(project, "account/")).status_code == 404
    body = {"bank_name": "甘肃银行天水分行", "account_number": "62300012345", "opened_on": "2025-12-05"}
    response = client.put(url(project, "account/"), body, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {**body, "closed_on": None}
    assert client.get(url(project, "account/")).json()["account_number"] == "62300012345"
    response = client.put(url(project, "account/"), {**body, "account_number": "62300099999"}, format="json")
    assert response.status_code == 200
    assert DedicatedAccount.objects.get(project=project).account_number == "62300099999"
    change = ObjectChange.objects.filter(changed_object_type__model="dedicatedaccount").latest("time")
    assert change.source == ChangeSource.API and change.user == inspector


def test_account_bad_input(inspector, api_as, make_project):
    project = make_project()
    response = api_as(inspector).put(url(project, "account/"), {"bank_name": "", "opened_on": "soon"}, format="json")
    assert response.status_code == 400
    assert {"bank_name", "account_number", "opened_on"} <= set(response.json())
    assert not DedicatedAccount.objects.exists()


def test_allocations(inspector, api_as, make_project):
    project = make_project()
    client = api_as(inspector)
    body = {"period": "2026-01", "amount": "200000.00", "paid_on": "2026-02-10"}
    response = client.post(url(project, "allocations/"), body, format="json")
    assert response.status_code == 201, response.content
    assert response.json() == body
    assert Allocation.objects.get(project=project).period == dt.date(2026, 1, 1)
    # Again for the month: replaced, not duplicated.
    response = client.post(url(project, "allocations/"), {**body, "amount": "210000"}, format="json")
    assert response.status_code == 200 and response.json()["amount"] == "210000.00"
    client.post(url(project, "allocations/"), {"period": "2026-02", "amount": "1", "paid_on": "2026-03-01"}, format="json")
    data = client.get(url(project, "allocations/")).json()
    assert data["count"] == 2 and [r["period"] for r in data["results"]] == ["2026-02", "2026-01"]


@pytest.mark.parametrize("body, field", [
    ({"period": "FUTURE", "amount": "1.00", "paid_on": "2026-02-10"}, "period"),
    ({"period": "2026-13", "amount": "1.00", "paid_on": "2026-02-10"}, "period"),
    ({"period": "2026/01", "amount": "1.00", "paid_on": "2026-02-10"}, "period"),
    ({"period": "2026-01", "amount": "-5", "paid_on": "2026-02-10"}, "amount"),
    ({"period": "2026-01", "amount": "1.00", "paid_on": "2099-01-01"}, "paid_on"),
])
def test_allocation_bad_input(inspector, api_as, make_project, body, field):
    project = make_project()
    if body["period"] == "FUTURE":
        body = {**body, "period": future_month()}
    response = api_as(inspector).post(url(project, "allocations/"), body, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert not Allocation.objects.exists()


# --- Real-name roster -------------------------------------------------------------------------------------------


def test_workers_register_and_upsert(inspector, api_as, make_project, make_enterprise, rng):
    project = make_project()
    employer = make_enterprise(roles=["subcontractor"])
    client = api_as(inspector)
    body = worker_payload(rng, employer_uscc=employer.uscc, daily_wage="350.00")
    response = client.post(url(project, "workers/"), body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["id_number"] == body["id_number"] and data["employer_name"] == employer.name
    assert data["entered_before_contract"] is False and data["daily_wage"] == "350.00"
    employment = Employment.objects.get(project=project)
    assert employment.worker.id_number == body["id_number"] and employment.employer == employer
    response = client.post(url(project, "workers/"), {**body, "exited_on": "2026-03-31"}, format="json")
    assert response.status_code == 200
    assert Employment.objects.get(project=project).exited_on == dt.date(2026, 3, 31)
    assert Worker.objects.count() == 1


def test_worker_entered_before_signing_is_accepted_and_flagged(inspector, api_as, make_project, rng):
    project = make_project()
    body = worker_payload(rng, contract_signed_on="2026-01-20", entered_on="2026-01-05")
    response = api_as(inspector).post(url(project, "workers/"), body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["entered_before_contract"] is True
    report = api_as(inspector).get(url(project, "compliance/"), {"as_of": "2026-02-01"}).json()
    assert report["systems"]["real_name"]["status"] == "deficient"
    assert ProjectWarning.objects.filter(project=project, rule="entered_before_contract", active=True).exists()


@pytest.mark.parametrize("id_number", ["WRONG_CHECK", "62050219900101123", "620502199002301234", "********"])
def test_worker_invalid_id_is_400_on_id_number(inspector, api_as, make_project, rng, id_number):
    project = make_project()
    if id_number == "WRONG_CHECK":
        valid = make_id_number(rng, "620502")
        id_number = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    response = api_as(inspector).post(url(project, "workers/"), worker_payload(rng, id_number=id_number), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["id_number"] and response.json()["id_number"][0]
    assert not Worker.objects.exists() and not Employment.objects.exists()


@pytest.mark.parametrize("overrides, field", [
    ({"phone": "12345"}, "phone"),
    ({"employer_uscc": "91620502MA74BN8Q0X"}, "employer_uscc"),
    ({"team": "不存在的班组"}, "team"),
    ({"exited_on": "2025-01-01"}, "exited_on"),
    ({"entered_on": None}, "entered_on"),
    ({"name": ""}, "name"),
])
def test_worker_bad_input(inspector, api_as, make_project, rng, overrides, field):
    project = make_project()
    response = api_as(inspector).post(url(project, "workers/"), worker_payload(rng, **overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not Worker.objects.exists()


def _roster(project, rng, n=3):
    return [
        worker_register(project=project, id_number=make_id_number(rng, "620502"), name=f"工人{i}", phone=make_mobile(rng),
                        contract_signed_on=dt.date(2025, 12, 8), entered_on=dt.date(2025, 12, 10))
        for i in range(n)
    ]


def test_worker_ids_masked_for_office_staff_unlogged(office_staff, api_as, make_project, rng):
    project = make_project()
    roster = _roster(project, rng)
    rows = api_as(office_staff).get(url(project, "workers/")).json()["results"]
    assert len(rows) == 3
    by_name = {r["name"]: r for r in rows}
    for employment in roster:
        row = by_name[employment.worker.name]
        assert MASKED_ID.match(row["id_number"]) and row["id_number"][-4:] == employment.worker.id_number[-4:]
        assert MASKED_PHONE.match(row["phone"])
    assert not PiiAccessLog.objects.exists()


def test_worker_ids_unmasked_for_inspector_and_logged(inspector, api_as, make_project, rng):
    project = make_project()
    roster = _roster(project, rng)
    response = api_as(inspector).get(url(project, "workers/"))
    rows = {r["id_number"] for r in response.json()["results"]}
    assert rows == {e.worker.id_number for e in roster}
    logs = PiiAccessLog.objects.filter(field="id_number")
    assert {log.object_id for log in logs} == {str(e.worker_id) for e in roster}
    assert {(log.user_id, log.channel, log.request_id) for log in PiiAccessLog.objects.all()} == {
        (inspector.pk, "api", uuid.UUID(response["X-Request-ID"]))
    }


def test_worker_list_filters_and_query_ceiling(inspector, api_as, make_project, rng, django_assert_max_num_queries):
    project = make_project()
    _roster(project, rng, n=25)
    worker_register(project=project, id_number=make_id_number(rng, "620502"), name="无合同", entered_on=dt.date(2026, 1, 5))
    client = api_as(inspector)
    # token, project, count, page (worker, employer, team joined), one PII-log insert (+ content type)
    with django_assert_max_num_queries(6):
        response = client.get(url(project, "workers/"), {"page_size": 500})
    assert response.json()["count"] == 26
    data = client.get(url(project, "workers/"), {"without_contract": "true"}).json()
    assert [r["name"] for r in data["results"]] == ["无合同"]


# --- Payroll and arrears ----------------------------------------------------------------------------------------


def test_payroll_upsert_and_arrears(inspector, api_as, make_project, rng):
    project = make_project()
    a, b, c = _roster(project, rng)
    client = api_as(inspector)
    body = {
        "period": "2026-01", "paid_on": "2026-02-10", "paid_via": "contractor_bank",
        "lines": [
            {"id_number": a.worker.id_number, "amount_due": "6000.00", "amount_paid": "6000.00"},
            {"id_number": b.worker.id_number, "amount_due": "5500.00", "amount_paid": "5000.00"},
        ],
    }
    response = client.post(url(project, "payrolls/"), body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["period"] == "2026-01" and data["amount_due"] == "11500.00" and data["amount_paid"] == "11000.00"
    assert {(line["id_number"], line["owed"]) for line in data["lines"]} == {
        (a.worker.id_number, "0.00"), (b.worker.id_number, "500.00")}

    arrears = client.get(url(project, "arrears/")).json()
    assert arrears == {"workers_owed": 1, "amount_owed": "500.00",
                       "by_period": [{"period": "2026-01", "workers_owed": 1, "amount_owed": "500.00"}]}

    # February underpays two workers; January is posted again with b paid in full.
    client.post(url(project, "payrolls/"), {**body, "period": "2026-02", "paid_on": "2026-03-10", "lines": [
        {"id_number": b.worker.id_number, "amount_due": "5500.00", "amount_paid": "5000.00"},
        {"id_number": c.worker.id_number, "amount_due": "4000.00", "amount_paid": "3000.50"},
    ]}, format="json")
    body["lines"][1]["amount_paid"] = "5500.00"
    response = client.post(url(project, "payrolls/"), body, format="json")
    assert response.status_code == 200
    assert Payroll.objects.filter(project=project).count() == 2
    arrears = client.get(url(project, "arrears/")).json()
    assert arrears == {"workers_owed": 2, "amount_owed": "1499.50",
                       "by_period": [{"period": "2026-02", "workers_owed": 2, "amount_owed": "1499.50"}]}
    assert client.get(url(project, "arrears/"), {"as_of": "2026-01-31"}).json()["amount_owed"] == "0.00"
    assert client.get(url(project, "arrears/"), {"as_of": "nope"}).status_code == 400

    listing = client.get(url(project, "payrolls/")).json()
    assert [p["period"] for p in listing["results"]] == ["2026-02", "2026-01"]
    assert len(listing["results"][0]["lines"]) == 2
    assert ProjectWarning.objects.filter(project=project, rule="underpaid", active=True).exists()


def test_payroll_bad_input(inspector, api_as, make_project, rng):
    project = make_project()
    a, = _roster(project, rng, n=1)
    stranger = make_id_number(rng, "620502")
    client = api_as(inspector)
    base = {"period": "2026-01", "paid_on": "2026-02-10", "paid_via": "contractor_bank"}

    def post(**changes):
        return client.post(url(project, "payrolls/"), {**base, **changes}, format="json")

    good = {"id_number": a.worker.id_number, "amount_due": "100.00", "amount_paid": "100.00"}
    response = post(lines=[good, {"id_number": stranger, "amount_due": "100.00", "amount_paid": "0.00"}])
    assert response.status_code == 400
    # The line is named by its index: {"lines": {"1": {"id_number": [...]}}}.
    assert response.json() == {"lines": {"1": {"id_number": [response.json()["lines"]["1"]["id_number"][0]]}}}

    response = post(lines=[good, good])
    assert response.status_code == 400 and list(response.json()["lines"]) == ["1"]
    assert list(response.json()["lines"]["1"]) == ["id_number"]
    response = post(period=future_month(), lines=[good])
    assert response.status_code == 400 and list(response.json()) == ["period"]
    response = post(paid_via="wechat", lines=[good])
    assert response.status_code == 400 and list(response.json()) == ["paid_via"]
    response = post(lines=[{**good, "amount_paid": "-1"}])
    assert response.status_code == 400 and "amount_paid" in response.json()["lines"]["0"]
    response = post(paid_on="2099-01-01", lines=[good])
    assert response.status_code == 400 and list(response.json()) == ["paid_on"]
    assert not Payroll.objects.exists() and not PayrollLine.objects.exists()


def test_payroll_ids_masked_by_role(office_staff, inspector, api_as, make_project, rng, django_assert_max_num_queries):
    project = make_project()
    roster = _roster(project, rng, n=4)
    for month in (1, 2, 3):
        payroll_upsert(project=project, period=dt.date(2026, month, 1), paid_on=dt.date(2026, month + 1, 10),
                       paid_via="contractor_bank",
                       lines=[{"id_number": e.worker.id_number, "amount_due": "100", "amount_paid": "100"} for e in roster])
    line = api_as(office_staff).get(url(project, "payrolls/")).json()["results"][0]["lines"][0]
    assert MASKED_ID.match(line["id_number"])
    assert not PiiAccessLog.objects.exists()
    client = api_as(inspector)
    # token, project, count, page, lines with their workers, one PII-log insert (+ content type)
    with django_assert_max_num_queries(7):
        response = client.get(url(project, "payrolls/"))
    assert response.json()["count"] == 3
    assert {line["id_number"] for line in response.json()["results"][0]["lines"]} == {e.worker.id_number for e in roster}
    assert PiiAccessLog.objects.filter(field="id_number").count() == 4  # one per person, not per line


# --- Deposit and notice board ---------------------------------------------------------------------------------------


def test_deposit(inspector, api_as, make_project):
    project = make_project()
    client = api_as(inspector)
    expected = f"{required_deposit(project).amount:.2f}"
    assert expected == "240000.00"  # 2% of ¥12,000,000
    data = client.get(url(project, "deposit/")).json()
    assert data["amount"] == "0.00" and data["required_amount"] == expected and data["required_reasons"]
    body = {"form": "bank_guarantee", "amount": "240000.00", "deposited_on": "2025-12-20", "exempt": False,
            "exemption_reason": ""}
    response = client.put(url(project, "deposit/"), body, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert {k: data[k] for k in body} == body and data["required_amount"] == expected
    assert WageDeposit.objects.get(project=project).form == "bank_guarantee"
    report = client.get(url(project, "compliance/")).json()
    assert report["systems"]["wage_deposit"]["status"] == "ok"


@pytest.mark.parametrize("body, field", [
    ({"exempt": True}, "exemption_reason"),
    ({"amount": "1000.00"}, "form"),
    ({"form": "gold", "amount": "1.00"}, "form"),
    ({"form": "cash", "amount": "-1"}, "amount"),
])
def test_deposit_bad_input(inspector, api_as, make_project, body, field):
    project = make_project()
    response = api_as(inspector).put(url(project, "deposit/"), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not WageDeposit.objects.exists()


def test_notice_board(inspector, api_as, make_project):
    project = make_project()
    client = api_as(inspector)
    assert client.get(url(project, "notice-board/")).status_code == 404
    response = client.put(url(project, "notice-board/"), {"installed_on": "2025-12-15", "items": ALL_ITEMS[:7]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["missing_items"] == ["complaint_hotlines", "arbitration_legal_aid"]
    assert client.get(url(project, "compliance/")).json()["systems"]["notice_board"]["status"] == "deficient"
    response = client.put(url(project, "notice-board/"), {"installed_on": "2025-12-15", "items": list(reversed(ALL_ITEMS))},
                          format="json")
    assert response.json()["items"] == ALL_ITEMS and response.json()["missing_items"] == []
    assert client.get(url(project, "compliance/")).json()["systems"]["notice_board"]["status"] == "ok"
    assert not ProjectWarning.objects.filter(project=project, rule="no_notice_board", active=True).exists()


def test_notice_board_unknown_item_is_400(inspector, api_as, make_project):
    project = make_project()
    response = api_as(inspector).put(
        url(project, "notice-board/"), {"installed_on": "2025-12-15", "items": ["builder", "qr_code"]}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["items"] and "qr_code" in response.json()["items"][0]
    assert not NoticeBoard.objects.exists()


# --- Warnings -------------------------------------------------------------------------------------------------------


def test_warnings_list_is_scoped_and_filtered(inspector, api_as, make_project, django_assert_max_num_queries):
    home = make_project()
    neighbour = make_project(region=OTHER)
    client = api_as(inspector)
    with django_assert_max_num_queries(4):
        data = client.get(WARNINGS, {"page_size": 500}).json()
    projects = {w["project"] for w in data["results"]}
    assert projects == {home.code}
    assert neighbour.warnings.exists()
    rules = {w["rule"] for w in client.get(WARNINGS, {"project": home.code, "active": "true"}).json()["results"]}
    assert "no_notice_board" in rules
    severities = {w["severity"] for w in client.get(WARNINGS, {"severity": "yellow"}).json()["results"]}
    assert severities <= {"yellow"}
    warning = home.warnings.first()
    assert client.get(f"{WARNINGS}{warning.pk}/").json()["project"] == home.code
    assert client.get(f"{WARNINGS}{neighbour.warnings.first().pk}/").status_code == 404


# --- Schema ------------------------------------------------------------------------------------------------------------


def test_schema_lists_every_project_path(api_client):
    paths = api_client.get("/api/schema/", {"format": "json"}).json()["paths"]
    for path, methods in {
        "/api/v1/projects/": {"get", "post"}, "/api/v1/projects/{code}/": {"get", "patch"},
        "/api/v1/projects/bulk/": {"post"}, "/api/v1/projects/{code}/compliance/": {"get"},
        "/api/v1/projects/{code}/account/": {"get", "put"}, "/api/v1/projects/{code}/allocations/": {"get", "post"},
        "/api/v1/projects/{code}/workers/": {"get", "post"}, "/api/v1/projects/{code}/payrolls/": {"get", "post"},
        "/api/v1/projects/{code}/arrears/": {"get"}, "/api/v1/projects/{code}/deposit/": {"get", "put"},
        "/api/v1/projects/{code}/notice-board/": {"get", "put"}, "/api/v1/warnings/": {"get"},
    }.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
    assert "put" not in paths["/api/v1/projects/{code}/"]


def test_schema_validates_without_warnings(db, tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_roster_bulk_statements_do_not_grow_with_the_items(inspector, api_as, make_project, rng):
    """The bulk roster call writes through roster_register_many: the same statements for 40 workers
    as for 4 (SQLite splits 40 rows into a few more batches), each worker and entry change-logged,
    and a model rule (exit before entry) still reported by index with nothing saved."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as(inspector)
    counts = []
    for n in (4, 40):
        project = make_project()
        items = [worker_payload(rng, name=f"批量{i}") for i in range(n)]
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url(project, "workers/bulk/"), items, format="json")
        assert response.json() == {"created": n, "updated": 0}
        counts.append(len(queries))
        again = client.post(url(project, "workers/bulk/"), [{**items[0], "trade": "木工"}], format="json")
        assert again.json() == {"created": 0, "updated": 1}
    assert counts[1] <= counts[0] + 6, counts
    entry = Employment.objects.get(project=project, worker__id_number=items[0]["id_number"])
    assert entry.trade == "木工" and entry.entered_on == dt.date(2025, 12, 10)
    kinds = ObjectChange.objects.filter(related_object_id=str(project.pk), changed_object_id=str(entry.pk))
    assert sorted(kinds.values_list("action", flat=True)) == ["create", "update"]

    project = make_project()
    items = [worker_payload(rng), worker_payload(rng, entered_on="2026-01-10", exited_on="2026-01-01")]
    response = client.post(url(project, "workers/bulk/"), items, format="json")
    assert response.status_code == 400
    assert [(e["index"], list(e["errors"])) for e in response.json()["errors"]] == [(1, ["exited_on"])]
    assert not Employment.objects.filter(project=project).exists()
