"""Excel: templates with Chinese headers, imports (row-numbered errors, all or nothing, scope,
change log, background jobs, a large file) and scoped, filtered, masked exports.

Workbooks are made in the tests from the templates (tests/projects/fixtures holds no binaries)."""
import datetime as dt
import io
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from projects import excel
from projects.compliance import evaluate
from projects.excel import (
    import_enqueue, import_payroll_file, import_projects_file, import_roster_file, parse_cell, template_bytes,
)
from projects.models import Employment, Payroll, Project, ProjectWarning, Worker, WorkTeam
from projects.services import worker_register
from wagecase.core.choices import ChangeSource, JobStatus, Role
from wagecase.core.identifiers import make_mobile, make_uscc
from wagecase.core.models import Enterprise, ObjectChange
from wagecase.core.services import job_enqueue

from ..conftest import HOME, OTHER
from .fixtures.workbooks import (
    PAYROLL_HEADERS, PROJECT_HEADERS, ROSTER_HEADERS, bad_uscc, fill, header_row, project_row, roster_row, unique_ids,
)

D = dt.date

def import_changes():
    return ObjectChange.objects.filter(source=ChangeSource.IMPORT)


def by_cell(result):
    return {(e["row"], e["column"]) for e in result["errors"]}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- templates and cells ---------------------------------------------------------------------------
@pytest.mark.parametrize("kind, headers", [
    ("projects", PROJECT_HEADERS), ("roster", ROSTER_HEADERS), ("payroll", PAYROLL_HEADERS),
])
def test_templates_have_chinese_headers_and_instructions(db, kind, headers):
    workbook = load_workbook(io.BytesIO(template_bytes(kind)))
    assert workbook.sheetnames[1] == "说明"
    _number, found = header_row(workbook.worksheets[0])
    assert found == headers
    explained = {row[0] for row in workbook["说明"].iter_rows(values_only=True)}
    assert set(headers) <= explained
    if kind == "payroll":
        labels = [row[0] for row in workbook.worksheets[0].iter_rows(max_row=5, values_only=True)]
        assert labels == ["项目编号", "项目名称", "月份", "发放日期", "发放方式"]


def test_template_lists_choice_values(db):
    workbook = load_workbook(io.BytesIO(template_bytes("projects")))
    allowed = {row[0]: row[4] for row in workbook["说明"].iter_rows(values_only=True)}
    for code in ("planned", "in_progress", "suspended", "completed"):
        assert f"（{code}）" in allowed["项目状态"]
    assert "在建（in_progress）" in allowed["项目状态"]
    validations = workbook.worksheets[0].data_validations.dataValidation
    assert any("在建" in v.formula1 for v in validations)


@pytest.mark.parametrize("kind, raw, expected", [
    ("date", dt.datetime(2026, 3, 1), D(2026, 3, 1)),
    ("date", "2026/3/1", D(2026, 3, 1)),
    ("date", "2026年3月1日", D(2026, 3, 1)),
    ("date", 20260301, D(2026, 3, 1)),
    ("date", 46082, D(2026, 3, 1)),  # an Excel serial number
    ("month", "2026年3月", D(2026, 3, 1)),
    ("month", "202603", D(2026, 3, 1)),
    ("money", "¥12,500.5", Decimal("12500.50")),
    ("money", 3333.3300000000004, Decimal("3333.33")),
    ("bool", "是", True),
    ("bool", "否", False),
    ("bool", None, None),
])
def test_cells_parse(kind, raw, expected):
    assert parse_cell(excel.Column("x", "列", kind), raw) == expected


@pytest.mark.parametrize("kind, raw", [
    ("date", "2026-02-30"), ("date", "next week"), ("money", "12.345"), ("money", "-5"), ("money", "abc"),
    ("id_number", 620502199001011234), ("bool", "maybe"),
])
def test_bad_cells_are_rejected(kind, raw):
    with pytest.raises(Exception) as info:
        parse_cell(excel.Column("x", "列", kind), raw)
    assert info.type.__name__ == "ValidationError"


@pytest.mark.parametrize("raw", ["in_progress", "在建", "施工中"])
def test_choice_cells_accept_code_label_or_alias(db, raw):
    assert parse_cell(excel.PROJECT_COLUMNS[11], raw) == "in_progress"


# --- project import --------------------------------------------------------------------------------
def test_project_template_round_trip_creates_and_logs(inspector, make_enterprise, rng):
    known = make_enterprise(HOME, roles=["builder"])
    rows = [project_row("QZ-2026-001", rng, builder=known.uscc, **{"建设单位名称": None}),
            project_row("QZ-2026-002", rng, **{"投资类型": "social", "项目状态": "planned", "乡镇街道代码": None}),
            project_row("QZ-2026-003", rng)]
    result = import_projects_file(fill("projects", rows, name="秦州区项目.xlsx"), inspector)
    assert result == {"created": 3, "updated": 0, "unchanged": 0, "errors": []}

    project = Project.objects.select_related("builder", "general_contractor").get(code="QZ-2026-001")
    assert project.builder == known
    assert project.general_contractor.name == "QZ-2026-001总承包单位"
    assert "general_contractor" in project.general_contractor.roles
    assert (project.region_id, project.township_id, project.investment_type, project.industry, project.status) == (
        HOME, f"{HOME}001", "government", "housing", "in_progress")
    assert project.contract_amount == Decimal("12500000.50")
    assert (project.contract_signed_on, project.start_date, project.planned_end_date) == (
        D(2026, 1, 5), D(2026, 2, 1), D(2027, 6, 30))
    assert project.injury_insurance and not project.payment_guarantee
    assert project.compliance_evaluated_on is not None  # refreshed once, after the rows
    assert Project.objects.get(code="QZ-2026-002").status == "planned"

    # (project_refresh's update of the derived score is logged in the same import context.)
    created = import_changes().filter(changed_object_type__model="project", action="create")
    assert created.count() == 3
    assert {(c.user, c.source_label) for c in created} == {(inspector, "import 秦州区项目.xlsx")}
    assert import_changes().filter(changed_object_type__model="enterprise", action="create").count() == 5

    # The same file again changes nothing; an edited row updates its project.
    rows[2]["项目名称"] = "改名后的项目"
    result = import_projects_file(fill("projects", rows), inspector)
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 1, 2)
    renamed = [c for c in import_changes().filter(action="update")
               if c.prechange_data.get("name") != c.postchange_data.get("name")]
    assert [(c.postchange_data["name"], c.user) for c in renamed] == [("改名后的项目", inspector)]


def test_project_import_is_all_or_nothing(inspector, rng):
    rows = [project_row(f"AON-{i}", rng) for i in range(7)]  # Excel rows 2–8
    rows[2]["建设单位统一社会信用代码"] = bad_uscc(rng)  # row 4
    rows[4]["开工日期"] = "2026-13-01"  # row 6
    projects, enterprises = Project.objects.count(), Enterprise.objects.count()

    result = import_projects_file(fill("projects", rows), inspector)
    assert result["created"] == result["updated"] == 0
    assert by_cell(result) == {(4, "建设单位统一社会信用代码"), (6, "开工日期")}
    assert all(e["message"] for e in result["errors"])
    assert (Project.objects.count(), Enterprise.objects.count()) == (projects, enterprises)
    assert not import_changes().exists()


def test_project_rows_are_checked_together(inspector, rng):
    rows = [project_row("DUP-1", rng), project_row("DUP-1", rng),
            project_row("X-3", rng, **{"竣工日期": "2026-05-01"}),  # in progress with a completion date
            project_row("X-4", rng, **{"计划竣工日期": "2025-01-01", "乡镇街道代码": "620503001"}),
            project_row("X-5", rng, **{"建设单位名称": None, "项目名称": None, "投资类型": "其它"})]
    result = import_projects_file(fill("projects", rows), inspector)
    assert by_cell(result) == {
        (3, "项目编号"), (4, "项目状态"), (5, "计划竣工日期"), (5, "乡镇街道代码"),
        (6, "建设单位名称"), (6, "项目名称"), (6, "投资类型"),
    }
    assert not Project.objects.filter(code__in=["DUP-1", "X-3", "X-4", "X-5"]).exists()


def test_project_outside_scope_is_a_row_error(inspector, make_user, make_project, rng):
    theirs = make_project(region=OTHER)
    rows = [project_row("OK-1", rng), project_row("FAR-1", rng, region=OTHER), project_row(theirs.code, rng)]
    result = import_projects_file(fill("projects", rows), inspector)
    assert by_cell(result) == {(3, "所在县区代码"), (4, "项目编号")}
    assert not Project.objects.filter(code="OK-1").exists()
    theirs.refresh_from_db()
    assert theirs.region_id == OTHER

    # A bureau account manages only its industries.
    bureau = make_user(Role.BUREAU, "6205", industries=["transport"])
    result = import_projects_file(fill("projects", [project_row("B-1", rng)]), bureau)
    assert by_cell(result) == {(2, "行业")}
    result = import_projects_file(fill("projects", [project_row("B-1", rng, **{"行业": "交通运输"})]), bureau)
    assert result["created"] == 1


def test_file_level_errors(inspector, rng):
    result = import_projects_file(io.BytesIO(b"not a workbook"), inspector)
    assert result["errors"][0]["row"] is None and result["created"] == 0
    result = import_projects_file(fill("projects", []), inspector)
    assert "errors" in result and result["errors"][0]["row"] == 1
    # A header row lacking a required column.
    workbook = load_workbook(fill("projects", [project_row("H-1", rng)]))
    workbook.worksheets[0].delete_cols(PROJECT_HEADERS.index("开工日期") + 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_projects_file(io.BytesIO(buffer.getvalue()), inspector)
    assert result["errors"][0]["row"] == 1 and "开工日期" in result["errors"][0]["message"]


# --- roster and payroll ----------------------------------------------------------------------------
def test_roster_import_accepts_entered_before_contract_and_flags_it(inspector, make_project, make_enterprise, rng):
    project = make_project(start_date=D(2026, 2, 1))
    sub = make_enterprise(HOME, roles=["subcontractor"])
    early, regular = unique_ids(rng, 2)
    rows = [roster_row(regular, "王五", **{"用工单位统一社会信用代码": sub.uscc}),
            roster_row(early, "赵六", **{"劳动合同签订日期": "2026-03-01", "进场日期": "2026-02-10", "班组": "木工班"})]
    result = import_roster_file(fill("roster", rows, project=project), inspector, project=project.code)
    assert result == {"created": 2, "updated": 0, "unchanged": 0, "errors": []}

    entry = Employment.objects.select_related("team", "employer").get(project=project, worker__id_number=regular)
    assert (entry.employer, entry.team.name, entry.daily_wage, entry.trade) == (sub, "钢筋一班", Decimal("350.00"), "钢筋工")
    assert set(WorkTeam.objects.filter(project=project).values_list("name", flat=True)) == {"钢筋一班", "木工班"}
    systems, _score = evaluate(project, D(2026, 11, 1))
    assert systems["real_name"].status == "deficient"
    assert ProjectWarning.objects.filter(project=project, rule="entered_before_contract", active=True).exists()
    assert import_changes().filter(changed_object_type__model="employment", user=inspector).count() == 2

    # An ID already on the roster updates its entry.
    result = import_roster_file(fill("roster", [roster_row(early, "赵六", **{"劳动合同签订日期": "2026-02-01"})]),
                                inspector, project=project)
    assert (result["created"], result["updated"]) == (0, 1)
    assert Employment.objects.get(project=project, worker__id_number=early).contract_signed_on == D(2026, 2, 1)


def test_roster_import_errors(inspector, other_inspector, make_project, rng):
    project = make_project()
    one, two = unique_ids(rng, 2)
    rows = [roster_row(one), roster_row(one), roster_row(two[:-1] + ("0" if two[-1] != "0" else "1")),
            roster_row(two, **{"退场日期": "2026-01-01", "用工单位统一社会信用代码": make_uscc(rng)})]
    result = import_roster_file(fill("roster", rows), inspector, project=project.code)
    # The roster template has the project's cells in rows 1–2 and its header in row 3.
    assert by_cell(result) == {(5, "身份证号"), (6, "身份证号"), (7, "退场日期"), (7, "用工单位统一社会信用代码")}
    assert not Employment.objects.filter(project=project).exists()

    # Another county's project is not there for this user; a file made for another project is refused.
    result = import_roster_file(fill("roster", [roster_row(one)]), other_inspector, project=project.code)
    assert result["errors"][0]["row"] is None and not Employment.objects.exists()
    other = make_project()
    result = import_roster_file(fill("roster", [roster_row(one)], project=other), inspector, project=project.code)
    assert by_cell(result) == {(1, "项目编号")}


def registered(project, rng, n=2):
    ids = unique_ids(rng, n)
    for number, id_number in enumerate(ids):
        worker_register(project=project, id_number=id_number, name=f"工人{number}", contract_signed_on=D(2026, 1, 1),
                        entered_on=D(2026, 1, 5))
    return ids


def test_payroll_import_with_someone_not_on_the_roster_saves_nothing(inspector, make_project, rng):
    project = make_project()
    first, second = registered(project, rng)
    stranger = unique_ids(rng, 1, OTHER)[0]
    rows = [{"身份证号": first, "姓名": "工人0", "应发金额": 6000, "实发金额": 6000},
            {"身份证号": stranger, "姓名": "路人", "应发金额": 5000, "实发金额": 5000},
            {"身份证号": second, "姓名": "别人", "应发金额": 5000, "实发金额": 4000}]
    meta = {"月份": "2026-09", "发放日期": "2026-10-12", "发放方式": "总包代发"}
    result = import_payroll_file(fill("payroll", rows, meta=meta, project=project), inspector, project=project.code)
    assert by_cell(result) == {(8, "身份证号"), (9, "姓名")}  # meta cells take rows 1–5, the header row 6
    assert not Payroll.objects.exists()


def test_payroll_import_creates_then_replaces_the_month(inspector, make_project, rng):
    project = make_project()
    first, second = registered(project, rng)
    rows = [{"身份证号": first, "姓名": "工人0", "应发金额": "6000", "实发金额": "6000"},
            {"身份证号": second, "姓名": "工人1", "应发金额": "5000", "实发金额": "4000"}]
    meta = {"发放日期": dt.datetime(2026, 10, 12), "发放方式": "contractor_bank"}
    upload = fill("payroll", rows, meta=meta, project=project, period=D(2026, 9, 1))
    result = import_payroll_file(upload, inspector, project=project)
    assert (result["created"], result["updated"], result["payroll"], result["period"]) == (2, 0, "created", "2026-09")
    payroll = Payroll.objects.get(project=project)
    assert (payroll.period, payroll.paid_on, payroll.paid_via) == (D(2026, 9, 1), D(2026, 10, 12), "contractor_bank")
    assert sorted(payroll.lines.values_list("amount_paid", flat=True)) == [Decimal("4000.00"), Decimal("6000.00")]

    # The month given by the caller must agree with the file's.
    upload = fill("payroll", rows[:1], meta={**meta, "月份": "2026-09"})
    result = import_payroll_file(upload, inspector, project=project, period="2026-08")
    assert by_cell(result) == {(3, "月份")}
    # A future month is refused.
    result = import_payroll_file(fill("payroll", rows[:1], meta=meta), inspector, project=project, period="2027-01")
    assert by_cell(result) == {(None, "月份")}
    # Same month again with one line: replaces the sheet.
    result = import_payroll_file(fill("payroll", rows[:1], meta=meta), inspector, project=project, period="2026-09")
    assert (result["created"], result["updated"], result["removed"], result["payroll"]) == (0, 1, 1, "updated")
    assert Payroll.objects.get(project=project).lines.count() == 1


# --- background jobs -------------------------------------------------------------------------------
def test_import_job_runs_and_records_result(inspector, media, rng, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload = fill("projects", [project_row("JOB-1", rng)], name="任务.xlsx")
        job = import_enqueue(kind="projects", user=inspector, upload=upload)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.result == {"created": 1, "updated": 0, "unchanged": 0, "errors": []}
    assert job.total == job.done == 2  # reading and applying one row
    assert job.params["path"].startswith("imports/") and (media / job.params["path"]).exists()
    change = import_changes().get(changed_object_type__model="project", action="create")
    assert (change.user, change.source_label) == (inspector, "import 任务.xlsx")


def test_import_job_with_errors_is_done_with_the_errors(inspector, make_project, media, rng, django_capture_on_commit_callbacks):
    project = make_project()
    path = excel.import_upload_save(fill("roster", [roster_row(unique_ids(rng, 1)[0], **{"进场日期": "昨天"})]))
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(kind="import_roster", user=inspector, title="花名册",
                          params={"path": path, "file_name": "roster.xlsx", "project": project.code})
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.result["created"] == 0 and by_cell(job.result) == {(4, "进场日期")}
    assert job.error and "进场日期" in job.log
    errors = load_workbook(job.result_file.path, read_only=True).worksheets[0]
    assert list(errors.iter_rows(values_only=True))[1][:2] == (4, "进场日期")
    assert not Employment.objects.exists()


def test_import_job_refuses_files_outside_the_imports_folder(inspector, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(kind="import_projects", user=inspector, title="x", params={"path": "../../etc/passwd"})
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED


# --- exports ---------------------------------------------------------------------------------------
def run_export(user, model, query, capture):
    with capture(execute=True):
        job = job_enqueue(kind="export", user=user, title="导出", params={"model": model, "query": query})
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.log
    return list(load_workbook(job.result_file.path, read_only=True).worksheets[0].iter_rows(values_only=True))


def test_project_export_is_filtered_scoped_and_masked(inspector, make_project, media, django_capture_on_commit_callbacks):
    phone = "13812345678"
    mine = make_project(wage_officer_name="李专管", wage_officer_phone=phone)
    make_project(status="planned", start_date=D(2027, 1, 1), planned_end_date=D(2027, 12, 31))
    make_project(region=OTHER)
    rows = run_export(inspector, "projects.project", "status=in_progress", django_capture_on_commit_callbacks)
    header, data = rows[0], rows[1:]
    assert [r[header.index(str(Project._meta.get_field("code").verbose_name))] for r in data] == [mine.code]
    assert data[0][header.index(str(Project._meta.get_field("wage_officer_phone").verbose_name))] == "138****5678"
    assert phone not in {str(v) for r in data for v in r}


@pytest.mark.parametrize("model", ["projects.project", "projects.employment", "projects.worker", "projects.projectwarning"])
def test_exports_cost_the_same_queries_for_more_rows(model, inspector, make_project, media, rng,
                                                     django_capture_on_commit_callbacks):
    def export_queries():
        with CaptureQueriesContext(connection) as queries:
            rows = run_export(inspector, model, "", django_capture_on_commit_callbacks)
        return len(queries), len(rows)

    project = make_project(start_date=D(2026, 1, 1))
    registered(project, rng, 2)
    few, few_rows = export_queries()
    for _ in range(3):
        registered(make_project(start_date=D(2026, 1, 1)), rng, 3)
    many, many_rows = export_queries()
    assert many_rows > few_rows
    assert many == few


def test_roster_export_of_one_project_masks_ids(inspector, make_project, media, rng, django_capture_on_commit_callbacks):
    project, other = make_project(), make_project()
    ids = registered(project, rng, 2)
    registered(other, rng, 1)
    rows = run_export(inspector, "projects.employment", f"project={project.code}", django_capture_on_commit_callbacks)
    assert len(rows) == 3
    id_column = rows[0].index(str(Worker._meta.get_field("id_number").verbose_name))
    assert sorted(r[id_column] for r in rows[1:]) == sorted(i[:6] + "********" + i[-4:] for i in ids)


# --- a large file ----------------------------------------------------------------------------------
class Progress:
    """Stands in for JobProgress."""

    total = done = 0

    def set_total(self, n):
        self.total = n

    def advance(self, n):
        self.done += n


class QueryCounter:
    def __init__(self):
        self.count = 0
        self.statements = []

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        self.statements.append(sql.split(" WHERE ")[0][:80])
        return execute(sql, params, many, context)


def large_roster(rng, n=2000):
    return [roster_row(i, f"工人{k}", **{"手机号": make_mobile(rng), "班组": f"{k % 20}班"}) for k, i in enumerate(unique_ids(rng, n))]


def test_large_roster_file_is_streamed_and_checked_whole(inspector, make_project, rng, capsys, monkeypatch):
    """2,000 rows read and checked in chunks of 500 in a few queries; one bad row at the end keeps
    the chunks already applied out (rolled back)."""
    monkeypatch.setattr(excel, "CHUNK", 500)
    project = make_project(start_date=D(2026, 1, 1))
    rows = large_roster(rng)
    rows[-1]["进场日期"] = "2026-02-31"
    upload, progress, counter = fill("roster", rows), Progress(), QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = import_roster_file(upload, inspector, project=project.code, progress=progress)
    elapsed = time.perf_counter() - started
    assert by_cell(result) == {(2003, "进场日期")}  # rows 4–2003 under the project cells and the header
    assert (progress.total, progress.done) == (4000, 4000)  # each row read, then checked (and applied, rolled back)
    assert counter.count < 200  # per chunk of 500: a few lookups and batched inserts, not a query per row
    assert not Employment.objects.filter(project=project).exists()
    with capsys.disabled():
        print(f"\n[roster check] 2000 rows read and checked: {elapsed:.1f} s, {counter.count} queries")


def test_large_roster_import_applies(inspector, make_project, rng, capsys):
    """2,000 roster rows applied through services.roster_register_many in one transaction, every
    worker and roster entry change-logged; the queries do not grow with the rows."""
    project = make_project(start_date=D(2026, 1, 1))
    upload, progress, counter = fill("roster", large_roster(rng)), Progress(), QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = import_roster_file(upload, inspector, project=project.code, progress=progress)
    elapsed = time.perf_counter() - started
    assert result["created"] == 2000 and not result["errors"]
    assert progress.done == progress.total == 4000
    assert Employment.objects.filter(project=project).count() == 2000
    changes = ObjectChange.objects.filter(source=ChangeSource.IMPORT, user=inspector)
    assert changes.filter(changed_object_type__model="worker").count() == 2000
    assert changes.filter(changed_object_type__model="employment", related_object_id=str(project.pk)).count() == 2000
    # ~210 on SQLite: its variable limit splits the inserts (78 for the 4,000 change records), and the
    # file names 20 teams (3 statements each); nothing per row.
    assert counter.count < 300
    with capsys.disabled():
        print(f"\n[roster import] 2000 rows: {elapsed:.1f} s, {counter.count} queries ({counter.count / 2000:.1f} per row)")


def test_bulk_insert_writes_the_same_rows_and_change_records_as_saves(make_project, inspector):
    """wagecase.core.bulk.insert_logged (COPY on PostgreSQL, bulk_create elsewhere) stores the values
    as given, even with tabs, backslashes and newlines, and records each creation with the acting
    user, the import source and the parent project, as a save would."""
    import random

    from wagecase.core.bulk import insert_logged
    from wagecase.core.choices import ChangeAction
    from wagecase.core.context import change_context
    from wagecase.core.identifiers import make_id_number

    project = make_project()
    rng = random.Random(7)
    odd = "王\t小\\二\n"
    workers = [Worker(id_number=make_id_number(rng), name=odd if i == 0 else f"工人{i}", phone="") for i in range(3)]
    with change_context(source=ChangeSource.IMPORT, user=inspector, label="import roster.xlsx"):
        insert_logged(Worker, workers)
        entries = insert_logged(Employment, [
            Employment(project=project, worker=w, entered_on=dt.date(2026, 3, 1), daily_wage=Decimal("300.5"), trade="木工")
            for w in workers])
    assert Worker.objects.get(pk=workers[0].pk).name == odd
    stored = Employment.objects.get(pk=entries[0].pk)
    assert (stored.daily_wage, stored.entered_on, stored.exited_on) == (Decimal("300.50"), dt.date(2026, 3, 1), None)
    assert stored.created is not None and stored.last_updated is not None
    def changes_for(obj):
        return ObjectChange.objects.filter(changed_object_id=str(obj.pk), changed_object_type__model=obj._meta.model_name)

    for obj in [*workers, *entries]:
        (change,) = changes_for(obj)
        assert (change.action, change.source, change.user, change.source_label) == (
            ChangeAction.CREATE, ChangeSource.IMPORT, inspector, "import roster.xlsx")
        assert change.prechange_data is None
        assert change.postchange_data == type(obj).objects.get(pk=obj.pk).changelog_data()
    (entry_change,) = changes_for(entries[0])
    assert entry_change.related_object_id == str(project.pk) and entry_change.object_repr.startswith(odd)


def test_the_roster_import_applies_its_chunks_with_collection_paused(inspector, make_project, rng, monkeypatch):
    import gc

    from projects import excel
    from tests.projects.fixtures.workbooks import fill, roster_row, unique_ids

    monkeypatch.setattr(excel, "CHUNK", 3)
    monkeypatch.setattr(excel, "FIRST_CHUNK", 2)
    project = make_project()
    rows = [roster_row(id_number, name=f"工人{n}") for n, id_number in enumerate(unique_ids(rng, 7))]
    original, states, collected, sizes = excel.roster_register_many, [], [], []
    monkeypatch.setattr(excel, "roster_register_many", lambda **kwargs: (
        states.append(gc.isenabled()), sizes.append(len(kwargs["entries"])), original(**kwargs))[2])
    monkeypatch.setattr(excel.PausedCollector, "collect", lambda self: collected.append(1) or 0)
    result = excel.import_roster_file(fill("roster", rows, meta={"项目编号": project.code}), inspector, project=project)
    assert result["created"] == 7 and states == [False, False, False] and len(collected) == 3
    assert sizes == [2, 3, 2]  # a smaller first chunk, then CHUNK rows at a time
    assert gc.isenabled()


def test_the_roster_import_looks_up_the_whole_file_before_its_first_chunk(inspector, make_project, make_enterprise, rng,
                                                                           monkeypatch):
    """A file that names a worker on the roster (updated), one registered on another project (a new
    entry, the person's name replaced) and new people, over several chunks: the workers and employers
    are looked up once for the file (RosterLookup), and the results are those of one registration per row."""
    from projects import excel, services
    from tests.projects.fixtures.workbooks import fill, roster_row, unique_ids

    monkeypatch.setattr(excel, "CHUNK", 3)
    monkeypatch.setattr(excel, "FIRST_CHUNK", 2)
    project, other = make_project(), make_project()
    ids = unique_ids(rng, 8)
    services.worker_register(project=project, id_number=ids[0], name="老工人", entered_on=dt.date(2026, 1, 5),
                             contract_signed_on=dt.date(2026, 1, 4), trade="木工")
    services.worker_register(project=other, id_number=ids[5], name="别处工人", entered_on=dt.date(2026, 1, 5),
                             contract_signed_on=dt.date(2026, 1, 4))
    lookups = []
    original = services.RosterLookup.add
    monkeypatch.setattr(services.RosterLookup, "add", lambda self, numbers: (lookups.append(set(numbers) - self.looked_up),
                                                                             original(self, numbers))[1])
    rows = [roster_row(id_number, name=f"工人{n}", 工种="电工") for n, id_number in enumerate(ids)]
    result = excel.import_roster_file(fill("roster", rows, meta={"项目编号": project.code}), inspector, project=project)
    assert (result["created"], result["updated"], result["errors"]) == (7, 1, [])
    assert lookups[0] == set(ids) and not any(lookups[1:])  # the file at once; the chunks found theirs looked up
    roster = {e.worker.id_number: e for e in Employment.objects.filter(project=project).select_related("worker")}
    assert set(roster) == set(ids) and {e.trade for e in roster.values()} == {"电工"}
    assert roster[ids[0]].worker.name == "工人0" and roster[ids[5]].worker.name == "工人5"
    assert Worker.objects.filter(id_number__in=ids).count() == 8  # the registered two were not created again
    assert Employment.objects.filter(project=other, worker__id_number=ids[5]).exists()


def test_the_roster_import_sends_its_chunks_without_waiting_for_the_server(inspector, make_project, rng, monkeypatch):
    """On PostgreSQL the chunks' COPYs go to the pipeline's writer while the next chunk is read: no
    statement between two chunks makes the import wait for the COPYs handed over (the lookups and the
    keys were taken before the first). The one wait is the project's refresh after the last chunk."""
    from django.db import connection

    from projects import excel
    from tests.projects.fixtures.workbooks import fill, roster_row, unique_ids
    from wagecase.core.bulk import CopyPipeline

    if connection.vendor != "postgresql":
        pytest.skip("the COPY pipeline: PostgreSQL only")
    monkeypatch.setattr(excel, "CHUNK", 4)
    monkeypatch.setattr(excel, "FIRST_CHUNK", 2)
    project = make_project()
    rows = [roster_row(id_number, name=f"工人{n}") for n, id_number in enumerate(unique_ids(rng, 14))]
    waits, original = [], CopyPipeline.drain

    def drain(self):
        if self.pending:
            waits.append(len(self.pending))
        return original(self)

    monkeypatch.setattr(CopyPipeline, "drain", drain)
    result = excel.import_roster_file(fill("roster", rows, meta={"项目编号": project.code}), inspector, project=project)
    assert (result["created"], result["errors"]) == (14, [])
    # 4 chunks (2 + 4 + 4 + 4 rows), each 4 COPYs (workers, entries, their change records): all
    # handed over before any statement waited for them (the pipeline holds the last MAX_PENDING).
    assert waits == [CopyPipeline.MAX_PENDING]
    assert Employment.objects.filter(project=project).count() == 14


def test_a_roster_lookup_shared_by_calls_sees_the_workers_an_earlier_call_registered(make_project, rng):
    """An ID registered through a lookup and met again in a later call (not the import's case: it
    refuses a repeated ID) is looked up again: its entry is updated, not inserted twice."""
    from projects import services
    from tests.projects.fixtures.workbooks import unique_ids

    project = make_project()
    (id_number,) = unique_ids(rng, 1)
    entry = {"id_number": id_number, "name": "王五", "phone": "", "trade": "木工", "employer": None, "team": None,
             "contract_signed_on": dt.date(2026, 2, 1), "entered_on": dt.date(2026, 2, 2), "exited_on": None,
             "daily_wage": Decimal("300")}
    lookup = services.RosterLookup(project, id_numbers=[id_number], expected_rows=2)
    assert services.roster_register_many(project=project, entries=[entry], lookup=lookup) == (1, 0)
    assert services.roster_register_many(project=project, entries=[{**entry, "trade": "电工"}], lookup=lookup) == (0, 1)
    (stored,) = Employment.objects.filter(project=project)
    assert stored.trade == "电工" and Worker.objects.filter(id_number=id_number).count() == 1


@pytest.mark.django_db
def test_foreign_keys_checked_per_statement_inside_the_block_and_at_commit_again_after(make_project):
    from django.db import IntegrityError, connection, transaction

    from wagecase.core.bulk import foreign_keys_checked_per_statement

    if connection.vendor != "postgresql":
        pytest.skip("deferred constraints: PostgreSQL only")
    project = make_project()
    missing = (Worker.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 10_000

    def bad_entry():
        from django.db.models import QuerySet  # unlogged: the change record would look the worker up

        QuerySet(model=Employment).bulk_create([Employment(project=project, worker_id=missing, entered_on=dt.date(2026, 3, 1))])

    with pytest.raises(IntegrityError), transaction.atomic(), foreign_keys_checked_per_statement(Employment):
        bad_entry()  # checked at the end of the statement: raised here, inside the block
        pytest.fail("the missing worker was not reported at its statement")
    with transaction.atomic():
        with foreign_keys_checked_per_statement(Employment):
            pass
        sid = transaction.savepoint()
        bad_entry()  # deferred again: accepted until the constraints are checked
        with pytest.raises(IntegrityError):
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        transaction.savepoint_rollback(sid)
