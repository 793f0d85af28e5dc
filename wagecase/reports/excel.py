"""The dispatch reports as xlsx on a fixed Chinese template (the format handed up the hierarchy,
so it does not follow the UI language): title, period, merged group headers over the column
headers with their units, one row per sub-region, the totals, number formats, signatures."""
import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .choices import ReportKind
from .dispatch import COLUMN_GROUPS, COLUMNS, MONEY_KEYS, RATE_KEYS

TITLES = {ReportKind.WEEKLY: "根治欠薪工作周调度表", ReportKind.MONTHLY: "根治欠薪工作月报表",
          ReportKind.QUARTERLY: "根治欠薪工作季度通报"}
SHEETS = {ReportKind.WEEKLY: "周调度", ReportKind.MONTHLY: "月报", ReportKind.QUARTERLY: "季通报"}
TITLE_FONT = Font(bold=True, size=16)
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
FORMATS = {"money": "#,##0.00", "rate": "0.0", "count": "#,##0"}


def title_of(report):
    return f"{report.region.name}{TITLES[report.kind]}"


def period_text(report):
    start, end = report.period_start, report.period_end
    if report.kind == ReportKind.WEEKLY:
        return f"{start:%Y年%m月%d日}—{end:%Y年%m月%d日}（第{start.isocalendar()[1]}周）"
    if report.kind == ReportKind.MONTHLY:
        return f"{start:%Y年%m月}（{start:%m月%d日}—{end:%m月%d日}）"
    return f"{start.year}年第{'一二三四'[(start.month - 1) // 3]}季度（{start:%m月%d日}—{end:%m月%d日}）"


def filename(report):
    return f"{title_of(report)}-{report.period_start:%Y%m%d}.xlsx"


def dispatch_xlsx(report, rows, totals, signatures=()):
    """The workbook as bytes. `signatures`: [(capacity label, name, signed at)] printed under the table."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEETS[report.kind]
    width = 1 + len(COLUMNS)
    last = get_column_letter(width)
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"] = title_of(report)
    sheet["A1"].font = TITLE_FONT
    sheet["A1"].alignment = CENTER
    sheet.row_dimensions[1].height = 30
    sheet.merge_cells(f"A2:{last}2")
    sheet["A2"] = f"统计期间：{period_text(report)}    填报单位：{report.region.name}根治欠薪工作领导小组办公室    " \
                  f"生成时间：{timezone.localtime():%Y年%m月%d日 %H:%M}"
    sheet["A2"].alignment = Alignment(horizontal="left", vertical="center")
    # Rows 3–4: the region column spans both; each group's header is merged over its columns.
    sheet.merge_cells("A3:A4")
    sheet["A3"] = "地区"
    column = 2
    for group, columns in COLUMN_GROUPS:
        first = column
        for _key, header, unit in columns:
            cell = sheet.cell(row=4, column=column, value=f"{header}（{unit}）")
            column += 1
        sheet.merge_cells(start_row=3, start_column=first, end_row=3, end_column=column - 1)
        sheet.cell(row=3, column=first, value=group)
    for row in (3, 4):
        for col in range(1, width + 1):
            cell = sheet.cell(row=row, column=col)
            cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADER_FILL, BOX, CENTER
    sheet.row_dimensions[4].height = 42
    row_number = 4
    for _code, name, values in rows:
        row_number += 1
        _write_row(sheet, row_number, name, values)
    row_number += 1
    _write_row(sheet, row_number, "合计", totals, total=True)
    sheet.column_dimensions["A"].width = 16
    for col in range(2, width + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 14 if COLUMNS[col - 2][0] in MONEY_KEYS else 11
    sheet.freeze_panes = "B5"
    row_number += 2
    sheet.cell(row=row_number, column=1, value="说明：本期指统计期间；本年累计自当年1月1日起至统计期末；在办案件、未兑付数为期末在办案件数据。")
    for label, name, signed_at in signatures:
        row_number += 1
        sheet.cell(row=row_number, column=1, value=f"{label}：{name}（{timezone.localtime(signed_at):%Y年%m月%d日 %H:%M} 系统签字）")
    if not signatures:
        row_number += 1
        sheet.cell(row=row_number, column=1, value="属地负责人：            部门负责人：            （未签字）")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_row(sheet, row_number, label, values, total=False):
    cell = sheet.cell(row=row_number, column=1, value=label)
    cell.border = BOX
    if total:
        cell.font, cell.fill = BOLD, TOTAL_FILL
    for index, (key, _header, _unit) in enumerate(COLUMNS, start=2):
        value = values[key]
        cell = sheet.cell(row=row_number, column=index, value=value)
        cell.number_format = FORMATS["money" if key in MONEY_KEYS else "rate" if key in RATE_KEYS else "count"]
        cell.border = BOX
        if total:
            cell.font, cell.fill = BOLD, TOTAL_FILL
