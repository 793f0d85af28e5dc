"""The rectification ledger: figures per county and per campaign on a dataset made through the
services (two counties, a campaign; orders written off, escalated, open and overdue), scope, the
lists of open and overdue orders, a campaign's progress, and the Excel workbook."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from inspections import excel, services
from inspections.models import Campaign, Inspection, RectificationOrder
from inspections.selectors import campaign_progress, ledger_rows, order_lists
from wagecase.core.choices import Role
from wagecase.core.models import Region

from ..conftest import HOME, OTHER
from .conftest import checklist

D = dt.date.fromisoformat
TODAY = D("2026-11-20")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def dataset(make_inspection, make_project, make_user, inspector, other_inspector):
    campaign = services.campaign_save(campaign=Campaign(
        name="2026年冬季专项行动", kind="winter", region=Region.objects.get(pk="6205"),
        starts_on=D("2026-09-01"), ends_on=D("2027-02-10"), target_inspected_percent=Decimal("90")))
    other_pair = [other_inspector, make_user(Role.INSPECTOR, OTHER)]

    closed = make_inspection(campaign=campaign, inspected_on=D("2026-09-01"),
                             checklist=checklist(wage_deposit="fail", notice_board="fail")).order
    services.order_reinspect(order=closed, user=inspector, reinspected_on=D("2026-09-10"), rectified=True)
    escalated = make_inspection(campaign=campaign, inspected_on=D("2026-09-01"),
                                checklist=checklist(real_name="fail")).order
    services.order_reinspect(order=escalated, user=inspector, reinspected_on=D("2026-10-15"), rectified=False)
    open_ = make_inspection(campaign=campaign, inspected_on=D("2026-11-02"), rectify_by=D("2026-12-15"),
                            checklist=checklist(dedicated_account="fail")).order
    overdue = make_inspection(inspected_on=D("2026-10-09"), checklist=checklist(labour_contracts="fail")).order
    make_inspection(campaign=campaign, inspected_on=D("2026-10-20"))
    make_project()  # in the campaign's population, not inspected

    other_open = make_inspection(project=make_project(region=OTHER), inspectors=other_pair, user=other_inspector,
                                 campaign=campaign, inspected_on=D("2026-11-02"),
                                 checklist=checklist(injury_insurance="fail")).order
    make_inspection(project=make_project(region=OTHER), inspectors=other_pair, user=other_inspector,
                    inspected_on=D("2026-11-03"))
    return {"campaign": campaign, "closed": closed, "escalated": escalated, "open": open_, "overdue": overdue,
            "other_open": other_open}


def figures(row):
    return {k: row[k] for k in ("inspections", "problems_found", "orders_issued", "rectified", "written_off",
                                "escalated", "open", "overdue")}


def test_ledger_by_region(dataset, admin_user, django_assert_max_num_queries):
    orders = RectificationOrder.objects.restrict(admin_user)
    inspections = Inspection.objects.restrict(admin_user)
    with django_assert_max_num_queries(3):
        rows = ledger_rows(orders, inspections, group_by="region", today=TODAY)
    assert [(r["key"], r["label"]) for r in rows[:-1]] == [(HOME, "秦州区"), (OTHER, "麦积区")]
    assert figures(rows[0]) == {"inspections": 5, "problems_found": 5, "orders_issued": 4, "rectified": 2,
                                "written_off": 1, "escalated": 1, "open": 1, "overdue": 1}
    assert figures(rows[1]) == {"inspections": 2, "problems_found": 1, "orders_issued": 1, "rectified": 0,
                                "written_off": 0, "escalated": 0, "open": 1, "overdue": 0}
    total = rows[-1]
    assert total["is_total"] and total["key"] == "total"
    assert figures(total) == {"inspections": 7, "problems_found": 6, "orders_issued": 5, "rectified": 2,
                              "written_off": 1, "escalated": 1, "open": 2, "overdue": 1}


def test_ledger_by_campaign(dataset, admin_user):
    rows = ledger_rows(RectificationOrder.objects.restrict(admin_user), Inspection.objects.restrict(admin_user),
                       group_by="campaign", today=TODAY)
    campaign, outside, total = rows
    assert campaign["key"] == dataset["campaign"].pk and campaign["label"] == "2026年冬季专项行动"
    assert figures(campaign) == {"inspections": 5, "problems_found": 5, "orders_issued": 4, "rectified": 2,
                                 "written_off": 1, "escalated": 1, "open": 2, "overdue": 0}
    assert outside["key"] is None
    assert figures(outside) == {"inspections": 2, "problems_found": 1, "orders_issued": 1, "rectified": 0,
                                "written_off": 0, "escalated": 0, "open": 0, "overdue": 1}
    assert total["orders_issued"] == 5
    with pytest.raises(ValueError):
        ledger_rows(RectificationOrder.objects.none(), Inspection.objects.none(), group_by="township")


def test_ledger_keeps_to_the_users_scope(dataset, other_inspector):
    orders = RectificationOrder.objects.restrict(other_inspector)
    inspections = Inspection.objects.restrict(other_inspector)
    rows = ledger_rows(orders, inspections, today=TODAY)
    assert [r["key"] for r in rows] == [OTHER, "total"]
    assert rows[-1]["orders_issued"] == 1 and rows[-1]["inspections"] == 2
    # Asking for the other county through a filter finds nothing either.
    rows = ledger_rows(orders.filter(project__region_id=HOME), inspections.filter(project__region_id=HOME), today=TODAY)
    assert len(rows) == 1 and rows[0]["is_total"]
    assert all(rows[0][field] == 0 for field in figures(rows[0]))


def test_order_lists(dataset, inspector, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        lists = order_lists(RectificationOrder.objects.restrict(inspector), today=TODAY)
        names = [o.project.name + o.enterprise.name + o.project.region.name for o in lists["open"] + lists["overdue"]]
    assert [o.pk for o in lists["open"]] == [dataset["open"].pk]
    assert [o.pk for o in lists["overdue"]] == [dataset["overdue"].pk]
    assert len(names) == 2
    everything = order_lists(RectificationOrder.objects.all(), today=TODAY)
    assert [o.pk for o in everything["open"]] == [dataset["other_open"].pk, dataset["open"].pk]  # by deadline


def test_campaign_progress(dataset, inspector):
    progress = campaign_progress(dataset["campaign"], inspector, today=TODAY)
    assert progress["population"] == 6 and progress["inspected"] == 5
    assert progress["inspected_percent"] == Decimal("83.3") and progress["target"] == Decimal("90")
    # The orders of the inspections counted: under the campaign or during its dates (the overdue one too).
    assert progress["orders"] == {"issued": 4, "open": 1, "overdue": 1, "written_off": 1, "escalated": 1,
                                  "written_off_percent": Decimal("25.0"), "target": Decimal("100.0")}


def test_ledger_workbook(dataset, admin_user):
    rows = ledger_rows(RectificationOrder.objects.restrict(admin_user), Inspection.objects.restrict(admin_user),
                       today=TODAY)
    lists = order_lists(RectificationOrder.objects.restrict(admin_user), today=TODAY)
    data = excel.ledger_xlsx(rows, title="天水市根治欠薪整改台账", period_text="2026年9月1日至2026年11月20日",
                             open_orders=lists["open"], overdue_orders=lists["overdue"], today=TODAY)
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["整改台账", "在办整改", "逾期整改"]
    sheet = workbook["整改台账"]
    assert sheet["A1"].value == "天水市根治欠薪整改台账"
    assert "A1:I1" in {str(r) for r in sheet.merged_cells.ranges}
    assert "2026年9月1日至2026年11月20日" in sheet["A2"].value and "2026年11月20日" in sheet["A2"].value
    assert [c.value for c in sheet[3]] == ["地区", "检查次数", "发现问题（项）", "下达整改（份）", "已整改（项）",
                                          "已销号（份）", "移送处罚（升级，份）", "未到期（份）", "逾期（份）"]
    assert [c.value for c in sheet[4]] == ["秦州区", 5, 5, 4, 2, 1, 1, 1, 1]
    assert [c.value for c in sheet[6]] == ["合计", 7, 6, 5, 2, 1, 1, 2, 1]
    assert sheet["B6"].number_format == "#,##0" and sheet.freeze_panes == "B4"

    opened = workbook["在办整改"]
    assert opened["A3"].value == "文书编号"
    numbers = [opened.cell(row=r, column=1).value for r in range(4, opened.max_row + 1)]
    assert numbers == [dataset["other_open"].number, dataset["open"].number]
    assert opened["F5"].value == "农民工工资专用账户" and opened["I5"].value == "整改中"
    assert opened["G5"].value.date() == D("2026-11-02") and opened["H5"].number_format == "yyyy-mm-dd"

    late = workbook["逾期整改"]
    assert late["A4"].value == dataset["overdue"].number
    assert late["F4"].value == "劳动合同" and late["I4"].value == "逾期未整改"
    assert late["J4"].value == (TODAY - dataset["overdue"].rectify_by).days
    assert excel.ledger_filename(TODAY) == "整改台账-20261120.xlsx"
