"""Parties (subcontractors, work teams), monthly attendance, closing the dedicated account and
returning the wage deposit (Regulation art. 27; 人社部发〔2021〕65号): the services' rules, the
record forms of the project page and the API sub-resources, with bad input, scope and 409s."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects.models import Attendance, DedicatedAccount, ProjectSubcontractor, WageDeposit, WorkTeam
from projects.services import (
    StateConflict, account_close, account_set, attendance_record, deposit_return, deposit_return_notice, deposit_set,
    payroll_upsert, subcontractor_add, subcontractor_remove, work_team_save, worker_register,
)
from wagecase.core.identifiers import make_id_number, make_uscc
from wagecase.core.models import Enterprise, ObjectChange

from ..conftest import HOME, OTHER

D = dt.date
PROJECTS = "/api/v1/projects/"
MASKED_PHONE = re.compile(r"^\d{3}\*{4}\d{4}$")
MASKED_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")


def changes_of(model, **filters):
    return ObjectChange.objects.filter(changed_object_type=ContentType.objects.get_for_model(model), **filters)


def api_url(project, sub):
    code = project if isinstance(project, str) else project.code
    return f"{PROJECTS}{code}/{sub}"


def future_month():
    today = dt.date.today()
    return (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def registered(project, rng, n=2, entered_on=D(2026, 1, 5), exited_on=None):
    ids = [make_id_number(rng) for _ in range(n)]
    for i, id_number in enumerate(ids):
        worker_register(project=project, id_number=id_number, name=f"工人{i}", contract_signed_on=D(2026, 1, 2),
                        entered_on=entered_on, exited_on=exited_on)
    return ids


@pytest.fixture
def completed(make_project):
    """A completed project (2026-06-30) with an account and a cash deposit, no arrears."""

    def make(region=HOME, **fields):
        fields.setdefault("status", "completed")
        fields.setdefault("completed_on", D(2026, 6, 30))
        project = make_project(region=region, **fields)
        account_set(project=project, bank_name="甘肃银行", account_number="62300012345", opened_on=D(2025, 12, 5))
        deposit_set(project=project, form="cash", amount=Decimal("240000"), deposited_on=D(2025, 12, 20))
        return project

    return make


# --- Services: parties ---------------------------------------------------------------------------------


def test_subcontractor_add_update_remove(make_project, make_enterprise):
    project = make_project()
    firm = make_enterprise(roles=["subcontractor"])
    row = subcontractor_add(project=project, enterprise=firm, scope_of_work="钢筋")
    assert subcontractor_add(project=project, enterprise=firm, scope_of_work="钢筋、模板").pk == row.pk
    assert ProjectSubcontractor.objects.get().scope_of_work == "钢筋、模板"
    assert changes_of(ProjectSubcontractor, action="create").count() == 1
    assert changes_of(ProjectSubcontractor, action="update").count() == 1
    subcontractor_remove(subcontractor=row)
    assert not ProjectSubcontractor.objects.exists()
    assert changes_of(ProjectSubcontractor, action="delete").exists()


def test_general_contractor_is_not_its_own_subcontractor(make_project):
    project = make_project()
    with pytest.raises(ValidationError):
        subcontractor_add(project=project, enterprise=project.general_contractor)
    assert not ProjectSubcontractor.objects.exists()


def test_work_team_save_creates_then_updates_by_name(make_project, make_enterprise):
    project = make_project()
    employer = make_enterprise(roles=["subcontractor"])
    team = work_team_save(project=project, name="钢筋班", employer=employer, leader_name="张三", leader_phone="13893812345")
    again = work_team_save(project=project, name="钢筋班", leader_name="李四", leader_phone="13893800000")
    assert again.pk == team.pk and WorkTeam.objects.count() == 1
    team.refresh_from_db()
    assert (team.leader_name, team.employer) == ("李四", None)
    assert changes_of(WorkTeam).count() == 2


def test_work_team_bad_phone_saves_nothing(make_project):
    with pytest.raises(ValidationError) as error:
        work_team_save(project=make_project(), name="木工班", leader_phone="12345")
    assert "leader_phone" in error.value.error_dict
    assert not WorkTeam.objects.exists()


# --- Services: attendance -----------------------------------------------------------------------------------


def test_attendance_record_and_replace(make_project, rng):
    project = make_project()
    a, b = registered(project, rng)
    rows = attendance_record(project=project, period=D(2026, 2, 1), days_by_id_number={a: Decimal("28"), b: 20})
    assert len(rows) == 2
    assert {r.employment.worker.id_number: r.days for r in Attendance.objects.all()} == {a: 28, b: 20}
    assert changes_of(Attendance, action="create").count() == 2
    # Posting the month again replaces it.
    attendance_record(project=project, period=D(2026, 2, 1), days_by_id_number={a: Decimal("27.5")})
    assert [(r.employment.worker.id_number, r.days) for r in Attendance.objects.all()] == [(a, Decimal("27.5"))]


@pytest.mark.parametrize("period, days, fragment", [
    (D(2026, 2, 1), Decimal("29"), "28"),      # February 2026 has 28 days
    (D(2026, 3, 1), Decimal("-1"), "31"),
    (D(2026, 3, 1), Decimal("32"), "31"),
    (D(2025, 11, 1), Decimal("10"), "不在岗"),  # before anyone entered (messages are Chinese by default)
])
def test_attendance_bad_days_or_month_saves_nothing(make_project, rng, period, days, fragment):
    project = make_project()
    a, b = registered(project, rng)
    with pytest.raises(ValidationError) as error:
        attendance_record(project=project, period=period, days_by_id_number={a: Decimal("10"), b: days}
                          if fragment != "不在岗" else {a: days})
    assert "days" in error.value.error_dict and fragment in str(error.value)
    assert not Attendance.objects.exists()


def test_attendance_stranger_exited_worker_and_future_month_refused(make_project, rng):
    project = make_project()
    (a,) = registered(project, rng, n=1)
    (gone,) = registered(project, rng, n=1, exited_on=D(2026, 2, 10))
    with pytest.raises(ValidationError):
        attendance_record(project=project, period=D(2026, 3, 1), days_by_id_number={a: 20, make_id_number(rng): 20})
    with pytest.raises(ValidationError):
        attendance_record(project=project, period=D(2026, 3, 1), days_by_id_number={a: 20, gone: 5})
    with pytest.raises(ValidationError) as error:
        attendance_record(project=project, period=future_month(), days_by_id_number={a: 1})
    assert "period" in error.value.error_dict
    # The month the worker left in still counts.
    attendance_record(project=project, period=D(2026, 2, 1), days_by_id_number={gone: 8})
    assert Attendance.objects.count() == 1


# --- Services: account closing and deposit return ------------------------------------------------------------


def test_account_close_rules(completed, make_project):
    project = completed()
    with pytest.raises(StateConflict) as error:
        account_close(project=project, closed_on=D(2026, 7, 29))  # 29 days after completion
    assert error.value.code == "notice_period"
    with pytest.raises(ValidationError) as error:
        account_close(project=project, closed_on=dt.date.today() + dt.timedelta(days=1))
    assert "closed_on" in error.value.error_dict and not isinstance(error.value, StateConflict)
    account = account_close(project=project, closed_on=D(2026, 7, 30))
    assert account.closed_on == D(2026, 7, 30)
    assert changes_of(DedicatedAccount, action="update").exists()
    with pytest.raises(StateConflict) as error:
        account_close(project=project, closed_on=D(2026, 8, 1))
    assert error.value.code == "already_closed"

    running = make_project()
    account_set(project=running, bank_name="甘肃银行", account_number="1", opened_on=D(2025, 12, 5))
    with pytest.raises(StateConflict) as error:
        account_close(project=running, closed_on=D(2026, 8, 1))
    assert error.value.code == "not_completed"
    without = completed()
    DedicatedAccount.objects.filter(project=without).delete()
    with pytest.raises(StateConflict) as error:
        account_close(project=without, closed_on=D(2026, 8, 1))
    assert error.value.code == "no_account"


def test_arrears_block_closing_and_return(completed, rng):
    project = completed()
    (a,) = registered(project, rng, n=1)
    payroll_upsert(project=project, period=D(2026, 5, 1), paid_on=D(2026, 6, 10), paid_via="contractor_bank",
                   lines=[{"id_number": a, "amount_due": "6000", "amount_paid": "5000"}])
    for call, kwargs in ((account_close, {"closed_on": D(2026, 8, 1)}), (deposit_return_notice, {"notice_on": D(2026, 7, 1)})):
        with pytest.raises(StateConflict) as error:
            call(project=project, **kwargs)
        assert error.value.code == "arrears"
    assert DedicatedAccount.objects.get(project=project).closed_on is None
    assert WageDeposit.objects.get(project=project).return_notice_on is None


def test_deposit_return_after_thirty_day_notice(completed):
    project = completed()
    with pytest.raises(StateConflict) as error:
        deposit_return(project=project, returned_on=D(2026, 9, 1))
    assert error.value.code == "no_notice"
    with pytest.raises(ValidationError) as error:
        deposit_return_notice(project=project, notice_on=D(2026, 6, 1))  # before completion
    assert "notice_on" in error.value.error_dict
    deposit_return_notice(project=project, notice_on=D(2026, 7, 1))
    with pytest.raises(StateConflict) as error:
        deposit_return(project=project, returned_on=D(2026, 7, 30))
    assert error.value.code == "notice_period" and "2026-07-31" in error.value.messages[0]
    deposit = deposit_return(project=project, returned_on=D(2026, 7, 31))
    assert (deposit.return_notice_on, deposit.returned_on) == (D(2026, 7, 1), D(2026, 7, 31))
    assert changes_of(WageDeposit, action="update").count() >= 2
    with pytest.raises(StateConflict) as error:
        deposit_return_notice(project=project, notice_on=D(2026, 8, 1))
    assert error.value.code == "already_returned"


def test_deposit_return_refused_on_running_or_exempt_project(make_project, completed):
    running = make_project()
    deposit_set(project=running, form="cash", amount=Decimal("240000"), deposited_on=D(2025, 12, 20))
    with pytest.raises(StateConflict) as error:
        deposit_return_notice(project=running, notice_on=D(2026, 7, 1))
    assert error.value.code == "not_completed"
    exempt = completed()
    deposit_set(project=exempt, exempt=True, exemption_reason="小额项目")
    with pytest.raises(StateConflict) as error:
        deposit_return_notice(project=exempt, notice_on=D(2026, 7, 1))
    assert error.value.code == "exempt"


# --- Pages -------------------------------------------------------------------------------------------------


def test_subcontractor_form_registers_unknown_enterprise(client, inspector, make_project, rng, make_enterprise):
    project = make_project()
    client.force_login(inspector)
    url = reverse("projects:subcontractor_add", args=[project.code])
    assert client.get(url).status_code == 200
    uscc = make_uscc(rng, HOME)
    response = client.post(url, {"uscc": uscc, "name": "", "scope_of_work": "钢筋"})
    assert response.status_code == 200 and "name" in response.context["form"].errors
    assert not Enterprise.objects.filter(uscc=uscc).exists()
    response = client.post(url, {"uscc": uscc, "name": "天水劳务有限公司", "scope_of_work": "钢筋"})
    assert response.status_code == 302
    row = ProjectSubcontractor.objects.get(project=project)
    assert row.enterprise.name == "天水劳务有限公司" and "subcontractor" in row.enterprise.roles
    change = changes_of(ProjectSubcontractor, action="create").get()
    assert (change.user, change.source) == (inspector, "web")
    detail = client.get(project.get_absolute_url()).content.decode()
    assert "天水劳务有限公司" in detail and reverse("projects:subcontractor_remove", args=[project.code, row.pk]) in detail
    # A registered enterprise by USCC alone; then removal.
    known = make_enterprise()
    assert client.post(url, {"uscc": known.uscc}).status_code == 302
    assert client.post(reverse("projects:subcontractor_remove", args=[project.code, row.pk])).status_code == 302
    assert list(ProjectSubcontractor.objects.values_list("enterprise", flat=True)) == [known.pk]
    assert "subcontractor" in Enterprise.objects.get(pk=known.pk).roles


def test_work_team_form(client, inspector, make_project, make_enterprise):
    project = make_project()
    employer = make_enterprise(roles=["subcontractor"])
    client.force_login(inspector)
    url = reverse("projects:workteam_set", args=[project.code])
    response = client.post(url, {"name": "钢筋班", "employer_uscc": make_uscc(None, HOME), "leader_phone": "123"})
    assert response.status_code == 200
    assert {"employer_uscc", "leader_phone"} <= set(response.context["form"].errors)
    assert not WorkTeam.objects.exists()
    response = client.post(url, {"name": "钢筋班", "employer_uscc": employer.uscc, "leader_name": "张三",
                                 "leader_phone": "13893812345"})
    assert response.status_code == 302
    # Editing by name pre-fills the form and updates the same team.
    response = client.get(url, {"name": "钢筋班"})
    assert response.context["form"].initial["leader_name"] == "张三"
    assert client.post(url, {"name": "钢筋班", "leader_name": "李四"}).status_code == 302
    team = WorkTeam.objects.get()
    assert (team.leader_name, team.employer) == ("李四", None)


def attendance_post(period, lines):
    data = {"period": period, "lines-TOTAL_FORMS": str(len(lines)), "lines-INITIAL_FORMS": str(len(lines)),
            "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "300"}
    for i, (id_number, days) in enumerate(lines):
        data.update({f"lines-{i}-id_number": id_number, f"lines-{i}-days": days})
    return data


def test_attendance_form(client, inspector, make_project, rng):
    project = make_project()
    a, b = registered(project, rng)
    (late,) = registered(project, rng, n=1, entered_on=D(2026, 4, 1))
    client.force_login(inspector)
    url = reverse("projects:attendance_set", args=[project.code])
    response = client.get(url, {"period": "2026-03"})
    assert response.status_code == 200
    assert {f["id_number"].value() for f in response.context["form"].lines} == {a, b}  # on site that month only
    response = client.post(url, attendance_post("2026-03", [(a, "31"), (b, "")]))
    assert response.status_code == 302 and response.url.endswith("?tab=roster")
    assert [(r.employment.worker.id_number, r.days) for r in Attendance.objects.all()] == [(a, Decimal("31"))]
    change = changes_of(Attendance, action="create").get()
    assert (change.user, change.source) == (inspector, "web")
    lines = client.get(url, {"period": "2026-03"}).context["form"].lines
    assert {f.initial["id_number"]: f.initial.get("days") for f in lines} == {a: Decimal("31.0"), b: None}
    assert reverse("projects:attendance_set", args=[project.code]) in client.get(
        project.get_absolute_url(), {"tab": "roster"}).content.decode()


def test_attendance_form_bad_input_saves_nothing(client, inspector, make_project, rng):
    project = make_project()
    a, b = registered(project, rng)
    (late,) = registered(project, rng, n=1, entered_on=D(2026, 4, 1))
    client.force_login(inspector)
    url = reverse("projects:attendance_set", args=[project.code])
    response = client.post(url, attendance_post("2026-02", [(a, "29")]))  # February has 28 days
    assert response.status_code == 200 and "28" in str(response.context["form"].non_field_errors())
    response = client.post(url, attendance_post("2026-03", [(a, "20"), (late, "3")]))  # not on site in March
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(url, attendance_post("2026-03", [(make_id_number(rng), "20")]))
    assert response.context["form"].lines.errors[0]["id_number"]
    response = client.post(url, attendance_post("2026-03", [(a, "40")]))
    assert response.context["form"].lines.errors[0]["days"]
    response = client.post(url, attendance_post(f"{future_month():%Y-%m}", [(a, "1")]))
    assert "period" in response.context["form"].errors
    assert not Attendance.objects.exists() and not changes_of(Attendance).exists()


def test_close_and_return_forms(client, inspector, completed):
    project = completed()
    client.force_login(inspector)
    close = reverse("projects:account_close", args=[project.code])
    assert reverse("projects:account_close", args=[project.code]) in client.get(
        project.get_absolute_url(), {"tab": "account"}).content.decode()
    response = client.post(close, {"closed_on": "2026-07-10"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert DedicatedAccount.objects.get(project=project).closed_on is None
    assert client.post(close, {"closed_on": "2026-07-30"}).status_code == 302
    assert DedicatedAccount.objects.get(project=project).closed_on == D(2026, 7, 30)
    change = changes_of(DedicatedAccount, action="update").latest("pk")
    assert (change.user, change.source) == (inspector, "web")

    notice = reverse("projects:deposit_return_notice", args=[project.code])
    back = reverse("projects:deposit_return", args=[project.code])
    assert notice in client.get(project.get_absolute_url(), {"tab": "deposit"}).content.decode()
    assert client.post(notice, {"notice_on": "2026-07-01"}).status_code == 302
    response = client.post(back, {"returned_on": "2026-07-15"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    response = client.post(back, {"returned_on": "soon"})
    assert "returned_on" in response.context["form"].errors
    assert client.post(back, {"returned_on": "2026-08-01"}).status_code == 302
    assert WageDeposit.objects.get(project=project).returned_on == D(2026, 8, 1)


def test_pages_of_another_countys_project_are_404(client, inspector, completed, make_enterprise):
    other = completed(region=OTHER)
    row = subcontractor_add(project=other, enterprise=make_enterprise(OTHER, roles=["subcontractor"]))
    client.force_login(inspector)
    for name in ("subcontractor_add", "workteam_set", "attendance_set", "account_close", "deposit_return_notice",
                 "deposit_return"):
        url = reverse(f"projects:{name}", args=[other.code])
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "x", "closed_on": "2026-08-01", "notice_on": "2026-08-01"}).status_code == 404, url
    assert client.post(reverse("projects:subcontractor_remove", args=[other.code, row.pk])).status_code == 404
    # Nor a row of theirs under a project of ours.
    mine = completed()
    assert client.post(reverse("projects:subcontractor_remove", args=[mine.code, row.pk])).status_code == 404
    assert ProjectSubcontractor.objects.count() == 1 and not WorkTeam.objects.exists()
    assert DedicatedAccount.objects.get(project=other).closed_on is None


# --- API ---------------------------------------------------------------------------------------------------


def test_api_subcontractors(inspector, api_as, make_project, rng, make_enterprise):
    project = make_project()
    client = api_as(inspector)
    uscc = make_uscc(rng, HOME)
    response = client.post(api_url(project, "subcontractors/"), {"uscc": uscc}, format="json")
    assert response.status_code == 400 and "name" in response.json()
    response = client.post(api_url(project, "subcontractors/"), {"uscc": "123"}, format="json")
    assert response.status_code == 400 and "uscc" in response.json()
    assert not ProjectSubcontractor.objects.exists() and not Enterprise.objects.filter(uscc=uscc).exists()
    body = {"uscc": uscc, "name": "天水劳务有限公司", "scope_of_work": "钢筋"}
    response = client.post(api_url(project, "subcontractors/"), body, format="json")
    assert response.status_code == 201, response.content
    assert response.json() == body
    response = client.post(api_url(project, "subcontractors/"), {"uscc": uscc, "scope_of_work": "模板"}, format="json")
    assert response.status_code == 200 and response.json()["scope_of_work"] == "模板"
    results = client.get(api_url(project, "subcontractors/")).json()["results"]
    assert [(r["uscc"], r["scope_of_work"]) for r in results] == [(uscc, "模板")]
    assert "subcontractor" in Enterprise.objects.get(uscc=uscc).roles
    change = changes_of(ProjectSubcontractor, action="create").get()
    assert (change.user, change.source) == (inspector, "api")


def test_api_teams_with_masked_phone(inspector, office_staff, api_as, make_project, make_enterprise):
    project = make_project()
    employer = make_enterprise(roles=["subcontractor"])
    client = api_as(inspector)
    bad = client.post(api_url(project, "teams/"), {"name": "钢筋班", "leader_phone": "12", "employer_uscc": make_uscc(None)},
                      format="json")
    assert bad.status_code == 400 and {"leader_phone", "employer_uscc"} & set(bad.json())
    assert not WorkTeam.objects.exists()
    body = {"name": "钢筋班", "employer_uscc": employer.uscc, "leader_name": "张三", "leader_phone": "13893812345"}
    response = client.post(api_url(project, "teams/"), body, format="json")
    assert response.status_code == 201, response.content
    assert response.json() == {**body, "employer_name": employer.name}
    response = client.post(api_url(project, "teams/"), {"name": "钢筋班", "leader_name": "李四"}, format="json")
    assert response.status_code == 200 and WorkTeam.objects.get().leader_name == "李四"
    assert WorkTeam.objects.get().leader_phone == ""
    work_team_save(project=project, name="木工班", leader_phone="13893812345")
    staff = api_as(office_staff).get(api_url(project, "teams/"))
    assert staff.status_code == 200
    phones = [r["leader_phone"] for r in staff.json()["results"] if r["leader_phone"]]
    assert phones and all(MASKED_PHONE.match(p) for p in phones)


def test_api_attendance(inspector, api_as, make_project, rng):
    project = make_project()
    a, b = registered(project, rng)
    client = api_as(inspector)
    body = {"period": "2026-03", "days": [{"id_number": a, "days": "31"}, {"id_number": b, "days": "20.5"}]}
    response = client.post(api_url(project, "attendance/"), body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["period"] == "2026-03"
    assert {(d["id_number"], d["days"]) for d in response.json()["days"]} == {(a, "31.0"), (b, "20.5")}
    response = client.post(api_url(project, "attendance/"), {"period": "2026-03", "days": [{"id_number": a, "days": 30}]},
                           format="json")
    assert response.status_code == 200 and len(response.json()["days"]) == 1
    client.post(api_url(project, "attendance/"), {"period": "2026-04", "days": [{"id_number": b, "days": 2}]}, format="json")
    listing = client.get(api_url(project, "attendance/")).json()
    assert [m["period"] for m in listing["results"]] == ["2026-04", "2026-03"]
    one = client.get(api_url(project, "attendance/"), {"period": "2026-03"}).json()["results"]
    assert [m["period"] for m in one] == ["2026-03"]
    assert client.get(api_url(project, "attendance/"), {"period": "March"}).status_code == 400
    change = changes_of(Attendance, action="create").latest("pk")
    assert (change.user, change.source) == (inspector, "api")


@pytest.mark.parametrize("body, field", [
    ({"period": "2026-02", "days": [{"id_number": "A", "days": "29"}]}, "days"),
    ({"period": "2026-03", "days": [{"id_number": "A", "days": "32"}]}, "days"),
    ({"period": "2026-03", "days": [{"id_number": "STRANGER", "days": "3"}]}, "days"),
    ({"period": "2026-13", "days": []}, "period"),
    ({"period": "FUTURE", "days": [{"id_number": "A", "days": "1"}]}, "period"),
    ({"period": "2026-03", "days": [{"id_number": "A", "days": "1"}, {"id_number": "A", "days": "2"}]}, "days"),
])
def test_api_attendance_bad_input_saves_nothing(inspector, office_staff, api_as, make_project, rng, body, field):
    project = make_project()
    (a,) = registered(project, rng, n=1)
    stranger = make_id_number(rng)
    lines = [{**line, "id_number": {"A": a, "STRANGER": stranger}[line["id_number"]]} for line in body["days"]]
    period = f"{future_month():%Y-%m}" if body["period"] == "FUTURE" else body["period"]
    response = api_as(inspector).post(api_url(project, "attendance/"), {"period": period, "days": lines}, format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert not Attendance.objects.exists()


def test_api_attendance_ids_masked_for_office_staff(office_staff, api_as, make_project, rng):
    project = make_project()
    (a,) = registered(project, rng, n=1)
    attendance_record(project=project, period=D(2026, 3, 1), days_by_id_number={a: 20})
    month = api_as(office_staff).get(api_url(project, "attendance/")).json()["results"][0]
    assert MASKED_ID.match(month["days"][0]["id_number"])


def test_api_close_and_return_with_409s(inspector, api_as, completed, make_project, rng):
    project = completed()
    client = api_as(inspector)
    response = client.post(api_url(project, "account/close/"), {"closed_on": "2026-07-10"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "notice_period" and response.json()["detail"]
    assert client.post(api_url(project, "account/close/"), {"closed_on": "x"}, format="json").status_code == 400
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    response = client.post(api_url(project, "account/close/"), {"closed_on": future}, format="json")
    assert response.status_code == 400 and "closed_on" in response.json()
    response = client.post(api_url(project, "account/close/"), {"closed_on": "2026-07-30"}, format="json")
    assert response.status_code == 200 and response.json()["closed_on"] == "2026-07-30"
    response = client.post(api_url(project, "account/close/"), {"closed_on": "2026-08-30"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "already_closed"

    response = client.post(api_url(project, "deposit/return/"), {"returned_on": "2026-08-30"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "no_notice"
    response = client.post(api_url(project, "deposit/return-notice/"), {"notice_on": "2026-07-01"}, format="json")
    assert response.status_code == 200 and response.json()["return_notice_on"] == "2026-07-01"
    response = client.post(api_url(project, "deposit/return/"), {"returned_on": "2026-07-20"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "notice_period"
    response = client.post(api_url(project, "deposit/return/"), {"returned_on": "2026-07-31"}, format="json")
    assert response.status_code == 200 and response.json()["returned_on"] == "2026-07-31"
    change = changes_of(WageDeposit, action="update").latest("pk")
    assert (change.user, change.source) == (inspector, "api")

    running = make_project()
    deposit_set(project=running, form="cash", amount=Decimal("240000"), deposited_on=D(2025, 12, 20))
    response = client.post(api_url(running, "deposit/return-notice/"), {"notice_on": "2026-07-01"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "not_completed"
    assert WageDeposit.objects.get(project=running).return_notice_on is None


def test_api_out_of_scope_404_and_permission_403(inspector, make_user, api_as, completed, rng):
    other = completed(region=OTHER)
    client = api_as(inspector)
    writes = [
        ("subcontractors/", {"uscc": make_uscc(rng, OTHER), "name": "某劳务公司"}),
        ("teams/", {"name": "钢筋班"}),
        ("attendance/", {"period": "2026-03", "days": []}),
        ("account/close/", {"closed_on": "2026-08-01"}),
        ("deposit/return-notice/", {"notice_on": "2026-07-01"}),
        ("deposit/return/", {"returned_on": "2026-08-01"}),
    ]
    for sub in ("subcontractors/", "teams/", "attendance/"):
        assert client.get(api_url(other, sub)).status_code == 404, sub
    for sub, body in writes:
        assert client.post(api_url(other, sub), body, format="json").status_code == 404, sub
    mine = completed()
    nobody = make_user("office_staff", HOME)
    nobody.role = ""
    nobody.save(update_fields=["role"])
    for sub, body in writes:
        assert api_as(nobody).post(api_url(mine, sub), body, format="json").status_code == 403, sub
    assert not ProjectSubcontractor.objects.exists() and not WorkTeam.objects.exists()
    assert not DedicatedAccount.objects.filter(closed_on__isnull=False).exists()
    assert not WageDeposit.objects.filter(return_notice_on__isnull=False).exists()

