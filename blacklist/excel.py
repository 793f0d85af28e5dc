"""The quarterly publication of major labour-law violations (重大劳动保障违法行为社会公布) as an Excel
workbook: the batch's title merged across the columns, the office and quarter, then one row per
entry with the content Decree 29 requires.

Like the other official workbooks (inspections/excel.py), the sheet name, title and headers are
fixed Chinese text: the publication's format does not change with the UI language."""
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from inspections.documents import cn_date, issuing_office

from .documents import publication_rows, quarter_text

SHEET = "重大劳动保障违法行为"
COLUMNS = (
    # (header, width in characters)
    ("序号", 6), ("单位名称", 30), ("统一社会信用代码", 22), ("地址", 30), ("法定代表人", 12), ("违法事实", 60),
    ("处理情况", 50),
)
HEADER_ROW = 3

TITLE_FONT = Font(bold=True, size=16)
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)


def publication_filename(batch, extension):
    return f"{batch.title}.{extension}".replace("/", "-")


def publication_xlsx(batch):
    """The batch's workbook as bytes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    last = get_column_letter(len(COLUMNS))
    sheet.merge_cells(f"A1:{last}1")
    title = sheet.cell(row=1, column=1, value=batch.title)
    title.font = TITLE_FONT
    title.alignment = CENTER
    sheet.row_dimensions[1].height = 32
    sheet.merge_cells(f"A2:{last}2")
    office, _department = issuing_office(batch.region)
    parts = [f"发布机关：{office}", f"公布期间：{quarter_text(batch)}"]
    if batch.published_on:
        parts.append(f"公布日期：{cn_date(batch.published_on)}")
    sheet.cell(row=2, column=1, value="　　".join(parts)).alignment = Alignment(horizontal="right")
    for column, (header, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=header)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = CENTER
        cell.border = BOX
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[HEADER_ROW].height = 24
    for row_number, row in enumerate(publication_rows(batch), start=HEADER_ROW + 1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column, value=int(value) if column == 1 else value)
            cell.border = BOX
            cell.alignment = CENTER if column == 1 else WRAP
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
