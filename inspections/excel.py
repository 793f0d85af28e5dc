"""The rectification ledger (整改台账) as an Excel workbook: the ledger rows of
inspections.selectors.ledger_rows on a fixed Chinese template, and the running orders on the
sheets 在办整改 (open) and 逾期整改 (overdue).

Like the project templates (projects/excel.py), the sheet names, title wording and column headers
are fixed Chinese text: the ledger is a report format handed up the hierarchy and compared between
offices, so it does not change with the UI language. Choice values (checklist items, statuses)
are written with their zh-hans labels for the same reason."""
import datetime
import io

from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .choices import ChecklistItem, OrderStatus
from .selectors import LEDGER_FIELDS

LEDGER_SHEET = "整改台账"
OPEN_SHEET = "在办整改"
OVERDUE_SHEET = "逾期整改"
GROUP_HEADERS = {"region": "地区", "campaign": "专项行动"}
LEDGER_HEADERS = ("检查次数", "发现问题（项）", "下达整改（份）", "已整改（项）", "已销号（份）", "移送处罚（升级，份）", "未到期（份）",
                  "逾期（份）")
TOTAL_LABEL = "合计"
ORDER_HEADERS = (
    ("文书编号", 26), ("地区", 10), ("项目编号", 16), ("项目名称", 30), ("被责令单位", 30), ("整改事项", 40),
    ("下达日期", 12), ("整改期限", 12), ("状态", 12), ("逾期天数", 10),
)

TITLE_FONT = Font(bold=True, size=16)
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"


def ledger_filename(today=None):
    return f"整改台账-{(today or timezone.localdate()):%Y%m%d}.xlsx"


def ledger_xlsx(rows, *, title, period_text="", open_orders=(), overdue_orders=(), group_by="region", today=None):
    """The ledger workbook as bytes. `rows` are ledger_rows(...) (the totals row last, as it returns
    them); `open_orders`/`overdue_orders` the lists of selectors.order_lists."""
    today = today or timezone.localdate()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = LEDGER_SHEET
    headers = (GROUP_HEADERS.get(group_by, "地区"),) + LEDGER_HEADERS
    _title(sheet, title, period_text, today, len(headers))
    _header(sheet, 3, headers)
    sheet.row_dimensions[3].height = 30
    row_number = 3
    for row in rows:
        row_number += 1
        is_total = row.get("is_total")
        values = [TOTAL_LABEL if is_total else str(row["label"])] + [row[field] for field in LEDGER_FIELDS]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=column, value=value)
            cell.border = BOX
            if column > 1:
                cell.number_format = COUNT_FORMAT
                cell.alignment = Alignment(horizontal="right")
            if is_total:
                cell.font = BOLD
                cell.fill = TOTAL_FILL
    sheet.column_dimensions["A"].width = 24
    for column in range(2, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 14
    sheet.freeze_panes = "B4"

    _orders_sheet(workbook.create_sheet(OPEN_SHEET), f"{title}（在办整改）", period_text, open_orders, today)
    _orders_sheet(workbook.create_sheet(OVERDUE_SHEET), f"{title}（逾期整改）", period_text, overdue_orders, today)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _title(sheet, title, period_text, today, width):
    last = get_column_letter(width)
    sheet.merge_cells(f"A1:{last}1")
    cell = sheet.cell(row=1, column=1, value=title)
    cell.font = TITLE_FONT
    cell.alignment = CENTER
    sheet.row_dimensions[1].height = 30
    sheet.merge_cells(f"A2:{last}2")
    parts = [f"统计范围：{period_text}"] if period_text else []
    parts.append(f"生成日期：{today.year}年{today.month}月{today.day}日")
    sheet.cell(row=2, column=1, value="　　".join(parts)).alignment = Alignment(horizontal="right")


def _header(sheet, row, headers):
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=column, value=header)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = CENTER
        cell.border = BOX


def _orders_sheet(sheet, title, period_text, orders, today):
    _title(sheet, title, period_text, today, len(ORDER_HEADERS))
    _header(sheet, 3, [header for header, _width in ORDER_HEADERS])
    with translation.override("zh-hans"):
        item_labels = {value: str(label) for value, label in ChecklistItem.choices}
        status_labels = {value: str(label) for value, label in OrderStatus.choices}
    for row_number, order in enumerate(orders, start=4):
        status = order.current_status(today)
        overdue_days = (today - order.rectify_by).days if status == OrderStatus.OVERDUE else None
        values = (
            order.number, order.project.region.name if order.project.region_id else "", order.project.code,
            order.project.name, order.enterprise.name, "、".join(item_labels.get(i, i) for i in order.items or []),
            order.issued_on, order.rectify_by, status_labels.get(status, status), overdue_days,
        )
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=column, value=value)
            cell.border = BOX
            if isinstance(value, datetime.date):
                cell.number_format = DATE_FORMAT
            elif isinstance(value, int):
                cell.number_format = COUNT_FORMAT
    for column, (_header_text, width) in enumerate(ORDER_HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A4"
