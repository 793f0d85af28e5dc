"""Pages of projects: the generic suite applied to projects (list / detail / add / edit), the
five-systems panel on a date, the record forms (through the services, change-logged as "web"),
bad input, scope on every page of a project, workers, warnings, risk ranking, the "eight 100%",
Excel templates and imports, the menu and the home panel."""
import datetime as dt
import io
import itertools
import random
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.compliance import evaluate
from projects.deposit import required_deposit
from projects.excel import template_bytes
from projects.models import (
    Allocation, Attendance, DedicatedAccount, DepositDrawdown, Employment, NoticeBoard, Payroll, Project, ProjectWarning,
    WageDeposit, Worker,
)
from projects.services import (
    account_set, allocation_upsert, deposit_drawdown, deposit_set, notice_board_set, payroll_upsert, worker_register,
)
from tests.generic_views import AddViewTests, DetailViewTests, EditViewTests, ListViewTests
from wagecase.core.choices import JobStatus, Role
from wagecase.core.identifiers import make_id_number, make_uscc
from wagecase.core.models import Enterprise, Job, ObjectChange
from wagecase.core.pii import mask_id_number

from ..conftest import HOME, OTHER

D = dt.date
ALL_ITEMS = ["builder", "general_contractor", "subcontractors", "regulator", "wage_officer", "minimum_wage", "payday",
             "complaint_hotlines", "arbitration_legal_aid"]
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx"
       b"\x9cc8!'\x07\x00\x02\xb6\x01\x054\xa6u\xaa\x00\x00\x00\x00IEND\xaeB`\x82")  # a real 1x1 PNG: uploads are decoded
_codes = itertools.count(1)


def changes_of(model, **filters):
    return ObjectChange.objects.filter(changed_object_type=ContentType.objects.get_for_model(model), **filters)


def page(response):
    return response.content.decode()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- The generic suite ---------------------------------------------------------------------------

def project_post_data(**overrides):
    rng = random.Random()
    number = next(_codes)
    data = {
        "code": f"WEB-{number:04d}-{rng.randint(0, 99999)}",
        "name": f"秦州区网页录入项目{number}号楼",
        "region": HOME,
        "township": "",
        "address": "天水市秦州区藉河南岸",
        "investment_type": "government",
        "industry": "housing",
        "contract_amount": "18000000",
        "contract_signed_on": "2026-03-01",
        "start_date": "2026-03-15",
        "planned_end_date": "2027-12-31",
        "completed_on": "",
        "status": "in_progress",
        "builder_uscc": make_uscc(rng, HOME),
        "builder_name": "天水市秦州区城市建设投资有限公司",
        "general_contractor_uscc": make_uscc(rng, HOME),
        "general_contractor_name": "甘肃秦安建设工程有限公司",
        "regulator": "",
        "wage_officer_name": "王劳资",
        "wage_officer_phone": "13893812345",
        "injury_insurance": "on",
    }
    data.update(overrides)
    return data


class TestProjectViews(ListViewTests, DetailViewTests, AddViewTests, EditViewTests):
    model = Project
    permitted_roles = {"view": Role.INSPECTOR, "add": Role.INSPECTOR, "change": Role.INSPECTOR}
    list_rows = 31
    list_max_queries = 8

    def url(self, page, obj=None):
        # A project's pages are addressed by its code.
        return reverse(f"projects:project_{page}", args=[obj.code] if obj is not None else None)

    @pytest.fixture
    def make_in_scope(self, make_project):
        return lambda: make_project(region=HOME)

    @pytest.fixture
    def make_out_of_scope(self, make_project):
        return lambda: make_project(region=OTHER)

    def valid_data(self):
        return project_post_data()

    def invalid_data(self):
        return project_post_data(builder_uscc="91620502MA00000000")

    def edit_data(self, obj):
        return project_post_data(
            code=obj.code, name=f"{obj.name}（改）", builder_uscc=obj.builder.uscc, builder_name="",
            general_contractor_uscc=obj.general_contractor.uscc, general_contractor_name="",
        )


# --- Project list, create and edit ---------------------------------------------------------------

def test_list_shows_score_and_warning_counts(client, inspector, make_project):
    project = make_project()  # in progress since 2025-12, nothing recorded: warnings of each severity
    client.force_login(inspector)
    response = client.get(reverse("projects:project_list"))
    row = next(r for r in response.context["table"].page.object_list if r.record.pk == project.pk).record
    active = ProjectWarning.objects.filter(project=project, active=True)
    assert row.warnings_total == active.count() > 0
    assert row.warnings_red == active.filter(severity="red").count()
    html = page(response)
    assert project.code in html and reverse("projects:project_export") in html
    assert reverse("projects:project_import") in html
    # Filters of the FilterSet work on the page.
    assert project.pk in {p.pk for p in client.get(reverse("projects:project_list"), {"warning_severity": "red"}).context["filter"].qs}
    assert not client.get(reverse("projects:project_list"), {"q": "没有这个项目"}).context["filter"].qs.exists()


def test_create_registers_unknown_parties_and_uses_known_ones(client, inspector, make_enterprise):
    known = make_enterprise(region=HOME, roles=["builder"])
    client.force_login(inspector)
    data = project_post_data(builder_uscc=known.uscc, builder_name="")
    response = client.post(reverse("projects:project_add"), data)
    assert response.status_code == 302, response.context["form"].errors
    project = Project.objects.get(code=data["code"])
    assert response.url == reverse("projects:project_detail", args=[project.code])
    assert project.builder == known
    contractor = Enterprise.objects.get(uscc=data["general_contractor_uscc"])
    assert project.general_contractor == contractor and contractor.name == data["general_contractor_name"]
    assert "general_contractor" in contractor.roles
    assert project.monitoring_required  # 18,000,000 ≥ the default threshold
    assert changes_of(Project, action="create").get().source == "web"


def test_create_with_an_unknown_uscc_needs_its_name(client, inspector):
    client.force_login(inspector)
    before = Enterprise.objects.count()
    response = client.post(reverse("projects:project_add"), project_post_data(builder_name=""))
    assert response.status_code == 200
    assert "builder_name" in response.context["form"].errors
    assert not Project.objects.exists() and Enterprise.objects.count() == before


def test_invalid_uscc_is_a_field_error_and_nothing_is_saved(client, inspector):
    client.force_login(inspector)
    before = Enterprise.objects.count()
    response = client.post(reverse("projects:project_add"), project_post_data(general_contractor_uscc="91620502MA00000000"))
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert errors["general_contractor_uscc"][0].code == "uscc_checksum"
    assert "统一社会信用代码" in page(response)  # the Chinese message is shown
    assert not Project.objects.exists() and Enterprise.objects.count() == before
    assert not changes_of(Project).exists()


def test_create_refuses_reserved_codes_and_other_counties(client, inspector):
    client.force_login(inspector)
    response = client.post(reverse("projects:project_add"), project_post_data(code="workers"))
    assert "code" in response.context["form"].errors
    response = client.post(reverse("projects:project_add"), project_post_data(region=OTHER))
    assert "region" in response.context["form"].errors
    assert not Project.objects.exists()


def test_edit_keeps_the_code_and_masks_the_phone(client, inspector, make_project):
    project = make_project(wage_officer_name="李专管", wage_officer_phone="13912345678")
    client.force_login(inspector)
    url = reverse("projects:project_edit", args=[project.code])
    html = page(client.get(url))
    assert "13912345678" not in html and "139****5678" in html
    data = project_post_data(code="CHANGED", builder_uscc=project.builder.uscc, general_contractor_uscc=project.general_contractor.uscc,
                             wage_officer_phone="", name="改名后的项目")
    assert client.post(url, data).status_code == 302
    project.refresh_from_db()
    assert project.code != "CHANGED"
    assert project.name == "改名后的项目" and project.wage_officer_phone == "13912345678"


# --- Detail: the five-systems panel on a date ------------------------------------------------------

def systems_of(response):
    return {s["code"]: (s["status"], s["problems"]) for s in response.context["systems"]}


def test_detail_shows_the_five_systems_on_a_date(client, inspector, make_project):
    project = make_project(contract_signed_on=D(2025, 12, 1), start_date=D(2026, 1, 5))
    account_set(project=project, bank_name="甘肃银行天水分行", account_number="6230001", opened_on=D(2026, 1, 1))  # day 31
    client.force_login(inspector)
    url = project.get_absolute_url()

    response = client.get(url, {"as_of": "2026-01-20"})
    systems = systems_of(response)
    assert {code: status for code, (status, _p) in systems.items()} == {
        "dedicated_account": "deficient", "real_name": "missing", "contractor_payroll": "ok", "wage_deposit": "missing",
        "notice_board": "missing",
    }
    assert response.context["score"] == 30
    expected, _score = evaluate(Project.objects.get(pk=project.pk), D(2026, 1, 20))
    html = page(response)
    for result in expected.values():
        for problem in result.problems:
            assert str(problem) in html
    assert 'data-status="deficient"' in html and "2026-01-20" in html

    # Six weeks later January's allocation is overdue too.
    problems = systems_of(client.get(url, {"as_of": "2026-03-01"}))["dedicated_account"][1]
    assert any("2026年1月" in p for p in problems)
    # A planned project: real-name and payroll are not applicable.
    planned = make_project(status="planned", start_date=D(2027, 3, 1), planned_end_date=D(2028, 3, 1))
    systems = systems_of(client.get(planned.get_absolute_url(), {"as_of": "2026-11-01"}))
    assert systems["real_name"][0] == systems["contractor_payroll"][0] == "not_applicable"
    # An invalid date falls back to today and says so.
    response = client.get(url, {"as_of": "2026-13-45"})
    assert response.status_code == 200 and response.context["as_of_form"].errors


def test_detail_tabs_show_the_records(client, inspector, make_project, rng):
    project = make_project(start_date=D(2026, 1, 5), wage_officer_name="李专管", wage_officer_phone="13912345678")
    ids = [make_id_number(rng) for _ in range(2)]
    worker_register(project=project, id_number=ids[0], name="张三", contract_signed_on=D(2026, 1, 4), entered_on=D(2026, 1, 5))
    worker_register(project=project, id_number=ids[1], name="李四", contract_signed_on=D(2026, 1, 9), entered_on=D(2026, 1, 5))
    allocation_upsert(project=project, period=D(2026, 1, 1), amount=Decimal("100000"), paid_on=D(2026, 2, 10))
    payroll_upsert(project=project, period=D(2026, 1, 1), paid_on=D(2026, 2, 10), paid_via="contractor_bank",
                   lines=[{"id_number": ids[0], "amount_due": "6000", "amount_paid": "6000"},
                          {"id_number": ids[1], "amount_due": "6000", "amount_paid": "2500"}])
    deposit_set(project=project, form="cash", amount=Decimal("240000"), deposited_on=D(2026, 1, 3))
    deposit_drawdown(project=project, amount=Decimal("10000"), drawn_on=D(2026, 3, 2), reason="动用保证金支付欠薪")
    notice_board_set(project=project, installed_on=D(2026, 1, 6), items=["builder", "payday"])
    client.force_login(inspector)
    url = project.get_absolute_url()

    main = page(client.get(url))
    assert "13912345678" not in main and "139****5678" in main
    for name in ("project_edit", "account_set", "allocation_add", "employment_add", "payroll_add", "deposit_set", "noticeboard_set"):
        assert reverse(f"projects:{name}", args=[project.code]) in main, name
    # The wage officer's phone is revealed through the logged view.
    reveal = reverse("core:pii_reveal", args=[ContentType.objects.get_for_model(Project).pk, project.pk, "wage_officer_phone"])
    assert reveal in main and "13912345678" in page(client.post(reveal))

    roster = client.get(url, {"tab": "roster"})
    html = page(roster)
    assert "张三" in html and "李四" in html and ids[0] not in html and mask_id_number(ids[0]) in html
    assert "<th>姓名</th>" in html and "<th>名称</th>" not in html  # a person's name (姓名), not a thing's (名称)
    flagged = [e for e in roster.context["roster_page"] if e.entered_before_contract]
    assert [e.worker.name for e in flagged] == ["李四"]

    payroll = client.get(url, {"tab": "payroll"})
    (january,) = payroll.context["payrolls"]
    assert (january.workers, january.due, january.paid, january.owed) == (2, Decimal("12000"), Decimal("8500"), Decimal("3500"))
    assert payroll.context["arrears"]["amount_owed"] == Decimal("3500.00")

    deposit = client.get(url, {"tab": "deposit"})
    (row,) = deposit.context["drawdowns"]
    assert row["overdue"] and row["due"] < dt.date.today()
    assert deposit.context["balance"] == Decimal("230000")
    assert deposit.context["requirement"].reasons

    board = client.get(url, {"tab": "board"})
    missing = [label for _code, label, shown in board.context["board_items"] if not shown]
    assert len(missing) == 7

    warnings = client.get(url, {"tab": "warnings"})
    assert {w.rule for w in warnings.context["active_warnings"]} >= {"underpaid", "topup_overdue", "entered_before_contract"}


# --- Record forms: through the services, logged as "web" -------------------------------------------

def assert_logged(model, user, **filters):
    change = changes_of(model, **filters).latest("pk")
    assert (change.user, change.source) == (user, "web")
    return change


def test_account_form(client, inspector, make_project):
    project = make_project()
    client.force_login(inspector)
    url = reverse("projects:account_set", args=[project.code])
    assert client.get(url).status_code == 200
    response = client.post(url, {"bank_name": "甘肃银行天水分行", "account_number": "62300012345", "opened_on": "2025-12-20"})
    assert response.status_code == 302 and response.url.endswith("?tab=account")
    account = DedicatedAccount.objects.get(project=project)
    assert account.opened_on == D(2025, 12, 20)
    assert_logged(DedicatedAccount, inspector, action="create")
    # Posting again changes the same account.
    client.post(url, {"bank_name": "农业银行", "account_number": "62300012345", "opened_on": "2025-12-20"})
    assert DedicatedAccount.objects.get(project=project).bank_name == "农业银行"
    assert_logged(DedicatedAccount, inspector, action="update")


def test_allocation_form_adds_and_updates_a_month(client, inspector, make_project):
    project = make_project()
    client.force_login(inspector)
    url = reverse("projects:allocation_add", args=[project.code])
    assert client.get(url).status_code == 200
    response = client.post(url, {"period": "2026-10", "amount": "150000", "paid_on": "2026-11-05"})
    assert response.status_code == 302
    assert Allocation.objects.get(project=project).period == D(2026, 10, 1)
    assert_logged(Allocation, inspector, action="create")
    assert client.get(url, {"period": "2026-10"}).context["form"].initial["amount"] == Decimal("150000")
    client.post(url, {"period": "2026-10", "amount": "160000", "paid_on": "2026-11-05"})
    assert Allocation.objects.get(project=project).amount == Decimal("160000")


def test_allocation_for_a_future_month_is_refused(client, inspector, make_project):
    project = make_project()
    client.force_login(inspector)
    url = reverse("projects:allocation_add", args=[project.code])
    next_month = (dt.date.today().replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    response = client.post(url, {"period": f"{next_month:%Y-%m}", "amount": "1000", "paid_on": "2026-11-01"})
    assert response.status_code == 200
    assert "period" in response.context["form"].errors
    assert f"{next_month:%Y-%m}" in page(response)
    response = client.post(url, {"period": "2026-13", "amount": "1000", "paid_on": "2026-11-01"})
    assert "period" in response.context["form"].errors
    assert not Allocation.objects.exists() and not changes_of(Allocation).exists()


def test_roster_form_registers_and_flags_entry_before_contract(client, inspector, make_project, make_enterprise, rng):
    project = make_project()
    employer = make_enterprise(region=HOME, roles=["subcontractor"])
    client.force_login(inspector)
    url = reverse("projects:employment_add", args=[project.code])
    assert client.get(url).status_code == 200
    id_number = make_id_number(rng)
    response = client.post(url, {
        "id_number": id_number.lower(), "name": "王五", "phone": "13812345678", "trade": "钢筋工", "employer_uscc": employer.uscc,
        "contract_signed_on": "2026-03-10", "entered_on": "2026-03-01", "daily_wage": "320",
    }, follow=True)
    assert response.status_code == 200
    employment = Employment.objects.get(project=project)
    assert (employment.worker.id_number, employment.employer, employment.entered_before_contract) == (id_number, employer, True)
    assert any("王五" in str(m) for m in response.context["messages"])
    assert_logged(Employment, inspector, action="create")
    assert_logged(Worker, inspector, action="create")
    assert ProjectWarning.objects.filter(project=project, rule="entered_before_contract", active=True).exists()


def test_roster_form_refuses_an_invalid_id_number(client, inspector, make_project, rng):
    project = make_project()
    client.force_login(inspector)
    url = reverse("projects:employment_add", args=[project.code])
    valid = make_id_number(rng)
    wrong_check = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    response = client.post(url, {"id_number": wrong_check, "name": "赵六", "entered_on": "2026-03-01"})
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["id_number"][0].code == "id_checksum"
    response = client.post(url, {"id_number": valid, "name": "赵六", "entered_on": "2026-03-01", "employer_uscc": make_uscc(rng, HOME)})
    assert "employer_uscc" in response.context["form"].errors
    assert not Worker.objects.exists() and not Employment.objects.exists()


def registered(project, rng, n=2):
    ids = [make_id_number(rng) for _ in range(n)]
    for i, id_number in enumerate(ids):
        worker_register(project=project, id_number=id_number, name=f"工人{i}", contract_signed_on=D(2026, 1, 2), entered_on=D(2026, 1, 5))
    return ids


def payroll_post(period, lines, paid_on="2026-11-10", paid_via="contractor_bank"):
    data = {"period": period, "paid_on": paid_on, "paid_via": paid_via, "lines-TOTAL_FORMS": str(len(lines)),
            "lines-INITIAL_FORMS": str(len(lines)), "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "300"}
    for i, (id_number, due, paid) in enumerate(lines):
        data.update({f"lines-{i}-id_number": id_number, f"lines-{i}-amount_due": due, f"lines-{i}-amount_paid": paid})
    return data


def test_payroll_form_lists_the_roster_and_saves_the_month(client, inspector, make_project, rng):
    project = make_project()
    ids = registered(project, rng)
    client.force_login(inspector)
    url = reverse("projects:payroll_add", args=[project.code])
    response = client.get(url, {"period": "2026-10"})
    assert response.status_code == 200
    assert {f["id_number"].value() for f in response.context["form"].lines} == set(ids)
    response = client.post(url, payroll_post("2026-10", [(ids[0], "6000", "6000"), (ids[1], "", "")]))
    assert response.status_code == 302, response.context["form"].lines.errors
    payroll = Payroll.objects.get(project=project)
    assert payroll.period == D(2026, 10, 1)
    assert [(line.employment.worker.id_number, line.amount_paid) for line in payroll.lines.all()] == [(ids[0], Decimal("6000"))]
    assert_logged(Payroll, inspector, action="create")
    # The month's page shows what was recorded.
    lines = client.get(url, {"period": "2026-10"}).context["form"].lines
    assert {f.initial["id_number"]: f.initial.get("amount_due") for f in lines} == {ids[0]: Decimal("6000.00"), ids[1]: None}


def test_payroll_line_for_someone_not_on_the_roster_saves_nothing(client, inspector, make_project, rng):
    project = make_project()
    ids = registered(project, rng)
    stranger = make_id_number(rng)
    client.force_login(inspector)
    url = reverse("projects:payroll_add", args=[project.code])
    response = client.post(url, payroll_post("2026-10", [(ids[0], "6000", "6000"), (stranger, "6000", "6000")]))
    assert response.status_code == 200
    lines = response.context["form"].lines
    assert lines.errors[1]["id_number"] and not lines.errors[0]
    assert "不在" in page(response) or "roster" in page(response)
    # Only one amount given, and a future month: refused too.
    response = client.post(url, payroll_post("2026-10", [(ids[0], "6000", "")]))
    assert response.context["form"].lines.errors[0]
    response = client.post(url, payroll_post("2027-05", [(ids[0], "6000", "6000")]))
    assert "period" in response.context["form"].errors
    assert not Payroll.objects.exists() and not changes_of(Payroll).exists()


def test_deposit_form_with_exemption(client, inspector, make_project):
    project = make_project()
    client.force_login(inspector)
    url = reverse("projects:deposit_set", args=[project.code])
    response = client.get(url)
    assert response.status_code == 200 and response.context["requirement"].amount > 0
    response = client.post(url, {"form": "", "amount": "0", "exempt": "on", "exemption_reason": ""})
    assert response.status_code == 200 and "exemption_reason" in response.context["form"].errors
    assert not WageDeposit.objects.exists()
    response = client.post(url, {"form": "", "amount": "0", "exempt": "on", "exemption_reason": "连续三年无欠薪，依规免缴"})
    assert response.status_code == 302
    deposit = WageDeposit.objects.get(project=project)
    assert deposit.exempt and deposit.exemption_reason
    assert_logged(WageDeposit, inspector, action="create")


def test_drawdown_and_top_up(client, inspector, make_project):
    project = make_project()
    client.force_login(inspector)
    add = reverse("projects:drawdown_add", args=[project.code])
    # No deposit yet: back to the deposit tab with a message.
    response = client.get(add)
    assert response.status_code == 302 and response.url.endswith("?tab=deposit")
    deposit_set(project=project, form="cash", amount=Decimal("240000"), deposited_on=D(2026, 1, 3))
    response = client.post(add, {"amount": "300000", "drawn_on": "2026-10-12", "reason": "支付欠薪"})
    assert response.status_code == 200 and "amount" in response.context["form"].errors
    response = client.post(add, {"amount": "20000", "drawn_on": "2026-10-12", "reason": "支付欠薪"})
    assert response.status_code == 302
    drawdown = DepositDrawdown.objects.get(project=project)
    assert_logged(DepositDrawdown, inspector, action="create")
    topup = reverse("projects:drawdown_topup", args=[project.code, drawdown.pk])
    response = client.post(topup, {"topped_up_on": "2026-10-01"})
    assert "topped_up_on" in response.context["form"].errors
    assert client.post(topup, {"topped_up_on": "2026-10-20"}).status_code == 302
    drawdown.refresh_from_db()
    assert drawdown.topped_up_on == D(2026, 10, 20)
    assert_logged(DepositDrawdown, inspector, action="update")


def test_notice_board_form_with_photo(client, inspector, make_project, media):
    project = make_project()
    client.force_login(inspector)
    url = reverse("projects:noticeboard_set", args=[project.code])
    assert client.get(url).status_code == 200
    photo = SimpleUploadedFile("告示牌.png", PNG, content_type="image/png")
    response = client.post(url, {"installed_on": "2026-01-06", "items": ALL_ITEMS[:8], "photo": photo})
    assert response.status_code == 302, response.context["form"].errors
    board = NoticeBoard.objects.get(project=project)
    assert board.items == ALL_ITEMS[:8] and board.photo
    assert_logged(NoticeBoard, inspector, action="create")
    shown = client.get(reverse("projects:noticeboard_photo", args=[project.code]))
    assert shown.status_code == 200 and b"".join(shown.streaming_content) == PNG
    # Saving again without a photo keeps it.
    assert client.post(url, {"installed_on": "2026-01-06", "items": ALL_ITEMS}).status_code == 302
    board.refresh_from_db()
    assert board.items == ALL_ITEMS and board.photo


def test_notice_board_photo_of_the_wrong_type_saves_nothing(client, inspector, make_project, media):
    project = make_project()
    client.force_login(inspector)
    url = reverse("projects:noticeboard_set", args=[project.code])
    fake = SimpleUploadedFile("board.png", b"GIF89a" + b"\x00" * 64, content_type="image/png")
    response = client.post(url, {"installed_on": "2026-01-06", "items": ALL_ITEMS, "photo": fake})
    assert response.status_code == 200
    assert "photo" in response.context["form"].errors
    assert not NoticeBoard.objects.exists() and not changes_of(NoticeBoard).exists()
    assert not list(media.rglob("*.png"))


def test_record_forms_need_change_permission(client, make_project, limited_client):
    project = make_project()
    client = limited_client(["*.view_*"])
    for name in ("account_set", "allocation_add", "employment_add", "payroll_add", "deposit_set", "noticeboard_set",
                 "roster_import", "payroll_import"):
        url = reverse(f"projects:{name}", args=[project.code])
        assert client.get(url).status_code == 403, name
        assert client.post(url, {}).status_code == 403, name
    assert client.get(reverse("projects:project_import")).status_code == 403
    assert not DedicatedAccount.objects.exists()


@pytest.fixture
def limited_client(client, db, monkeypatch):
    from wagecase.core.models import User
    from wagecase.core.roles import ROLE_PERMISSIONS

    def login(perms):
        monkeypatch.setitem(ROLE_PERMISSIONS, "test_limited", list(perms))
        user = User.objects.create(username="limited-projects", role="test_limited", jurisdiction_id=HOME)
        client.force_login(user)
        return client

    return login


def test_viewers_get_no_record_buttons(client, make_project, limited_client):
    project = make_project()
    client = limited_client(["*.view_*"])
    response = client.get(project.get_absolute_url(), {"tab": "roster"})
    assert response.status_code == 200 and not response.context["can_change"] and response.context["edit_url"] is None
    assert reverse("projects:employment_add", args=[project.code]) not in page(response)


def test_anonymous_users_go_to_the_login_page(client, make_project):
    project = make_project()
    for url in (reverse("projects:account_set", args=[project.code]), reverse("projects:risk_ranking"),
                reverse("projects:rates"), reverse("projects:worker_list")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- Scope: another county's project is 404 on every page of it -------------------------------------

def test_another_countys_project_is_404_everywhere(client, inspector, make_project, rng, media):
    other = make_project(region=OTHER)
    deposit_set(project=other, form="cash", amount=Decimal("240000"), deposited_on=D(2026, 1, 3))
    drawdown = deposit_drawdown(project=other, amount=Decimal("1000"), drawn_on=D(2026, 3, 2), reason="动用")
    notice_board_set(project=other, installed_on=D(2026, 1, 6), items=ALL_ITEMS,
                     photo=SimpleUploadedFile("b.png", PNG, content_type="image/png"))
    client.force_login(inspector)
    code = other.code
    urls = [reverse(f"projects:{name}", args=[code]) for name in (
        "project_detail", "project_edit", "account_set", "allocation_add", "employment_add", "roster_template", "roster_import",
        "payroll_add", "payroll_template", "payroll_import", "deposit_set", "drawdown_add", "noticeboard_set", "noticeboard_photo",
    )]
    urls.append(reverse("projects:drawdown_topup", args=[code, drawdown.pk]))
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"bank_name": "x"}).status_code in (404, 405), url
    for tab in ("roster", "account", "payroll", "deposit", "board", "warnings", "history", "journal"):
        assert client.get(other.get_absolute_url(), {"tab": tab}).status_code == 404
    assert not DedicatedAccount.objects.exists()
    # And a drawdown of another project is 404 under one of ours.
    mine = make_project()
    assert client.get(reverse("projects:drawdown_topup", args=[mine.code, drawdown.pk])).status_code == 404


# --- Workers -------------------------------------------------------------------------------------

def test_worker_page_lists_only_projects_in_scope(client, inspector, make_project, rng):
    mine, theirs = make_project(name="秦州本地项目"), make_project(region=OTHER, name="麦积外区项目")
    id_number = make_id_number(rng)
    for project, paid in ((mine, "5000"), (theirs, "1000")):
        worker_register(project=project, id_number=id_number, name="孙七", phone="13712345678",
                        contract_signed_on=D(2026, 1, 2), entered_on=D(2026, 1, 5))
        payroll_upsert(project=project, period=D(2026, 1, 1), paid_on=D(2026, 2, 10), paid_via="contractor_bank",
                       lines=[{"id_number": id_number, "amount_due": "6000", "amount_paid": paid}])
    worker = Worker.objects.get(id_number=id_number)
    only_theirs = worker_register(project=theirs, id_number=make_id_number(rng), name="周八", entered_on=D(2026, 1, 5)).worker
    client.force_login(inspector)
    response = client.get(reverse("projects:worker_detail", args=[worker.pk]))
    assert response.status_code == 200
    assert [e.project for e in response.context["employments"]] == [mine]
    assert [(row["project"], row["owed"]) for row in response.context["pay"]] == [(mine, Decimal("1000"))]
    html = page(response)
    assert "秦州本地项目" in html and "麦积外区项目" not in html
    assert id_number not in html and mask_id_number(id_number) in html and "13712345678" not in html
    assert client.get(reverse("projects:worker_detail", args=[only_theirs.pk])).status_code == 404
    listed = client.get(reverse("projects:worker_list"))
    assert set(listed.context["filter"].qs) == {worker}
    assert id_number not in page(listed)
    assert set(client.get(reverse("projects:worker_list"), {"q": "孙"}).context["filter"].qs) == {worker}


# --- Warnings and the risk ranking ------------------------------------------------------------------

def test_warnings_list_is_scoped_and_shows_active_ones_by_default(client, inspector, make_project):
    mine, theirs = make_project(), make_project(region=OTHER)
    cleared = ProjectWarning.objects.filter(project=mine, active=True).first()
    ProjectWarning.objects.filter(pk=cleared.pk).update(active=False, cleared_on=D(2026, 11, 1))
    client.force_login(inspector)
    url = reverse("projects:projectwarning_list")
    shown = set(client.get(url).context["filter"].qs)
    assert shown == set(ProjectWarning.objects.filter(project=mine, active=True)) and shown
    assert not ProjectWarning.objects.filter(project=theirs).filter(pk__in=[w.pk for w in shown]).exists()
    everything = set(client.get(url, {"active": "unknown"}).context["filter"].qs)
    assert cleared in everything and not {w.project for w in everything} - {mine}
    reds = client.get(url, {"severity": "red"}).context["filter"].qs
    assert all(w.severity == "red" for w in reds)
    # The export button exports what the page shows.
    assert client.get(url).context["export_query"] == "active=true"
    assert client.get(url, {"active": "unknown", "page": "2"}).context["export_query"] == "active=unknown"


def test_risk_ranking_is_scoped_and_explained(client, inspector, make_project):
    mine = [make_project() for _ in range(2)]
    make_project(region=OTHER)
    client.force_login(inspector)
    response = client.get(reverse("projects:risk_ranking"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert {row["project"] for row in rows} == set(mine)
    for row in rows:
        assert row["level"] in ("red", "orange", "yellow") and row["factors"]
        assert row["points"] == sum(points for _f, points in row["factors"])
    assert str(rows[0]["factors"][0][0]) in page(response)
    # A region outside the jurisdiction is refused, and the ranking stays within scope.
    response = client.get(reverse("projects:risk_ranking"), {"region_code": OTHER})
    assert response.context["form"].errors and {row["project"] for row in response.context["rows"]} == set(mine)


# --- The "eight 100%" ------------------------------------------------------------------------------

def test_rate_level_bands():
    from projects.selectors import RATE_NEAR, rate_level

    assert RATE_NEAR == 90
    assert [rate_level(r) for r in (100.0, 99.9, 90.0, 89.9, 0.0, None)] == ["met", "near", "near", "short", "short", None]


def test_rates_for_a_small_known_data_set(client, inspector, make_project, rng):
    as_of = D(2026, 3, 20)
    full = make_project(contract_signed_on=D(2025, 12, 1), start_date=D(2026, 1, 5), injury_insurance=True)
    bare = make_project(contract_signed_on=D(2025, 12, 1), start_date=D(2026, 1, 5), injury_insurance=False)
    make_project(status="planned", start_date=D(2026, 6, 1), planned_end_date=D(2027, 6, 1))  # not under way
    make_project(region=OTHER, contract_signed_on=D(2025, 12, 1), start_date=D(2026, 1, 5))  # not in scope
    signed, unsigned = make_id_number(rng), make_id_number(rng)
    worker_register(project=full, id_number=signed, name="甲", contract_signed_on=D(2026, 1, 4), entered_on=D(2026, 1, 5))
    employment = worker_register(project=full, id_number=unsigned, name="乙", entered_on=D(2026, 1, 5))
    Attendance(employment=Employment.objects.get(worker__id_number=signed), project=full, period=D(2026, 1, 1), days=22).save()
    account_set(project=full, bank_name="建设银行", account_number="62", opened_on=D(2025, 12, 20))
    for month, paid in ((1, D(2026, 2, 10)), (2, D(2026, 3, 10))):
        allocation_upsert(project=full, period=D(2026, month, 1), amount=Decimal("100000"), paid_on=paid)
        payroll_upsert(project=full, period=D(2026, month, 1), paid_on=paid, paid_via="contractor_bank",
                       lines=[{"id_number": i, "amount_due": "5000", "amount_paid": "5000"} for i in (signed, unsigned)])
    project = Project.objects.select_related("general_contractor").get(pk=full.pk)
    deposit_set(project=full, form="cash", amount=required_deposit(project, as_of).amount, deposited_on=D(2026, 1, 3))
    notice_board_set(project=full, installed_on=D(2026, 1, 6), items=ALL_ITEMS)
    assert employment.contract_signed_on is None and bare.pk

    client.force_login(inspector)
    response = client.get(reverse("projects:rates"), {"as_of": "2026-03-20"})
    assert response.status_code == 200
    numbers = {row["key"]: (row["numerator"], row["denominator"], row["rate"]) for row in response.context["rows"]}
    assert numbers == {
        "contract_signing": (1, 2, 50.0),
        "real_name_attendance": (1, 2, 50.0),
        "injury_insurance": (1, 2, 50.0),
        "wage_deposit": (1, 2, 50.0),
        "dedicated_account": (1, 2, 50.0),
        "bank_payroll": (2, 2, 100.0),
        "on_time_full_pay": (1, 2, 50.0),
        "notice_board": (1, 2, 50.0),
    }
    assert response.context["chart"]["rates"] == [50.0, 50.0, 50.0, 50.0, 50.0, 100.0, 50.0, 50.0]
    # The table's rate and the chart's bar take one colour from one level (the table was red below 100,
    # the bar orange from 90).
    assert response.context["chart"]["levels"] == ["short"] * 5 + ["met"] + ["short"] * 2
    html = page(response)
    assert html.count('data-level="short"') == 7 and html.count('data-level="met"') == 1
    assert 'class="text-end font-monospace fw-semibold wc-rate-met" data-level="met">100.0%' in html
    assert 'id="rates-data"' in html and "vendor/echarts/echarts.min.js" in html and "cdn." not in html.lower()
    # A township of the county with none of these projects; a region outside the jurisdiction is refused.
    empty = client.get(reverse("projects:rates"), {"as_of": "2026-03-20", "region_code": f"{HOME}001"}).context["rows"]
    assert all(row["denominator"] == 0 and row["rate"] is None for row in empty)
    refused = client.get(reverse("projects:rates"), {"as_of": "2026-03-20", "region_code": OTHER})
    assert "region_code" in refused.context["form"].errors
    assert {row["key"]: row["denominator"] for row in refused.context["rows"]}["injury_insurance"] == 2


# --- Excel ----------------------------------------------------------------------------------------

def workbook_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_template_downloads(client, inspector, make_project):
    project = make_project()
    client.force_login(inspector)
    sheet = workbook_of(client.get(reverse("projects:project_template"))).worksheets[0]
    assert "项目编号" in [c.value for c in sheet[1]]
    roster = workbook_of(client.get(reverse("projects:roster_template", args=[project.code]))).worksheets[0]
    cells = [c.value for row in roster.iter_rows(max_row=3) for c in row]
    assert project.code in cells and "身份证号" in cells
    response = client.get(reverse("projects:payroll_template", args=[project.code]), {"period": "2026-10"})
    cells = [c.value for row in workbook_of(response).worksheets[0].iter_rows(max_row=8) for c in row]
    assert project.code in cells and "2026-10" in cells
    assert "2026-10" in response["Content-Disposition"] or "filename*" in response["Content-Disposition"]


def xlsx_upload(kind="projects", name="项目.xlsx", **kwargs):
    return SimpleUploadedFile(name, template_bytes(kind, **kwargs), content_type="application/octet-stream")


def test_uploads_start_import_jobs(client, inspector, make_project, media):
    project = make_project()
    client.force_login(inspector)
    assert client.get(reverse("projects:project_import")).status_code == 200
    response = client.post(reverse("projects:project_import"), {"file": xlsx_upload()})
    job = Job.objects.get(kind="import_projects")
    assert response.status_code == 302 and response.url == reverse("core:job_detail", args=[job.pk])
    assert job.user == inspector and job.status == JobStatus.PENDING and (media / job.params["path"]).exists()

    response = client.post(reverse("projects:roster_import", args=[project.code]), {"file": xlsx_upload("roster", "花名册.xlsx")})
    job = Job.objects.get(kind="import_roster")
    assert response.url == job.get_absolute_url() and job.params["project"] == project.code

    response = client.post(reverse("projects:payroll_import", args=[project.code]),
                           {"file": xlsx_upload("payroll", "工资表.xlsx"), "period": "2026-10", "paid_via": "contractor_bank"})
    job = Job.objects.get(kind="import_payroll")
    assert response.url == job.get_absolute_url()
    assert (job.params["project"], job.params["period"], job.params["paid_via"]) == (project.code, "2026-10", "contractor_bank")


def test_upload_of_something_else_is_refused(client, inspector, media):
    client.force_login(inspector)
    response = client.post(reverse("projects:project_import"), {"file": SimpleUploadedFile("项目.xlsx", b"not a workbook")})
    assert response.status_code == 200 and "file" in response.context["form"].errors
    response = client.post(reverse("projects:project_import"), {"file": SimpleUploadedFile("项目.csv", b"a,b")})
    assert "file" in response.context["form"].errors
    assert not Job.objects.exists()


def test_upload_runs_to_the_job_page(client, inspector, media, django_capture_on_commit_callbacks):
    client.force_login(inspector)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("projects:project_import"), {"file": xlsx_upload()})
    job = Job.objects.get()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result["created"] == 0
    assert client.get(response.url).status_code == 200


# --- Menu, home panel and a render of every page -----------------------------------------------------

def test_menu_and_home_panel(client, inspector, other_inspector, make_project):
    mine = make_project(name="首页风险项目")
    make_project(region=OTHER, name="外区风险项目")
    client.force_login(inspector)
    response = client.get(reverse("home"))
    html = page(response)
    for name in ("project_list", "projectwarning_list", "risk_ranking", "worker_list", "rates"):
        assert f'href="{reverse(f"projects:{name}")}"' in html
    assert "project_warnings" in {panel.name for panel, _html in response.context["panels"]}
    assert "首页风险项目" in html and "外区风险项目" not in html
    active = ProjectWarning.objects.filter(project=mine, active=True)
    # The risk's factors run on as clauses: "…费用；…", not the sentences as they are ("…费用。；…").
    messages = [w.message for w in active]
    assert len(messages) >= 2 and all(m.endswith("。") for m in messages)
    assert all(m[:-1] in html for m in messages) and "。；" not in html
    from projects.menu import warnings_panel_context

    request = response.wsgi_request
    context = warnings_panel_context(request)
    assert context["total"] == active.count()
    assert dict((s, n) for s, _label, n in context["severity_counts"])["red"] == active.filter(severity="red").count()


def test_every_page_renders_for_an_inspector(client, inspector, make_project, rng, media):
    project = make_project(wage_officer_name="李专管", wage_officer_phone="13912345678")
    ids = registered(project, rng)
    payroll_upsert(project=project, period=D(2026, 1, 1), paid_on=D(2026, 2, 10), paid_via="cash",
                   lines=[{"id_number": ids[0], "amount_due": "6000", "amount_paid": "3000"}])
    deposit_set(project=project, form="cash", amount=Decimal("240000"), deposited_on=D(2026, 1, 3))
    drawdown = deposit_drawdown(project=project, amount=Decimal("1000"), drawn_on=D(2026, 3, 2), reason="动用")
    notice_board_set(project=project, installed_on=D(2026, 1, 6), items=ALL_ITEMS[:3],
                     photo=SimpleUploadedFile("b.png", PNG, content_type="image/png"))
    worker = Worker.objects.get(id_number=ids[0])
    client.force_login(inspector)
    code = project.code
    urls = [reverse(f"projects:{name}") for name in (
        "project_list", "project_add", "project_import", "projectwarning_list", "risk_ranking", "rates", "worker_list",
    )]
    urls += [reverse(f"projects:{name}", args=[code]) for name in (
        "project_edit", "account_set", "allocation_add", "employment_add", "payroll_add", "payroll_import", "roster_import",
        "deposit_set", "drawdown_add", "noticeboard_set",
    )]
    urls += [reverse("projects:drawdown_topup", args=[code, drawdown.pk]), reverse("projects:worker_detail", args=[worker.pk]),
             reverse("home")]
    urls += [f"{project.get_absolute_url()}?tab={tab}" for tab in
             ("main", "roster", "account", "payroll", "deposit", "board", "warnings", "history", "journal")]
    urls += [f"{reverse('projects:worker_detail', args=[worker.pk])}?tab=history"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "13912345678" not in page(response), url
    assert client.get(reverse("projects:payroll_add", args=[code]), {"period": "2026-01"}).status_code == 200



def test_project_history_shows_changes_of_its_records(client, inspector, make_project):
    """A change to the project's account appears on the project's history tab, labelled."""
    import datetime as dt

    from projects.services import account_set

    project = make_project()
    account_set(project=project, bank_name="甘肃银行天水分行", account_number="62300099", opened_on=dt.date(2025, 12, 5))
    client.force_login(inspector)
    response = client.get(f"/projects/{project.code}/?tab=history")
    assert response.status_code == 200
    body = response.content.decode()
    assert "62300099" in body and "农民工工资专用账户" in body


def test_amounts_are_grouped_by_thousands_in_chinese_as_in_english(make_project, inspector, client):
    """4,484,182.55 元, as Chinese financial documents write amounts (wagecase/formats/zh_Hans): Django's
    own Simplified Chinese formats have no thousands separator."""
    project = make_project(contract_amount=Decimal("4484182.55"))
    client.force_login(inspector)
    for language in ("zh-hans", "en"):
        page = client.get(project.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 200
        assert "4,484,182.55" in page.content.decode(), language
    assert "2025" in page.content.decode() and "2,025" not in page.content.decode()  # years and codes are no amounts
