"""Official documents of blacklist as PDF, in Chinese: the written advance notice of a listing
(失信联合惩戒对象名单列入告知书), the listing decision (列入决定书) and the quarterly publication of major
labour-law violations (重大劳动保障违法行为社会公布) as a landscape table.

Fonts, the per-document TrueType subsets, Chinese line breaking, dates and the issuing office are
inspections.documents' (imported, not copied): like those documents, the wording here is fixed
Chinese text, not gettext. Persons' ID numbers are printed masked (620502********123X) in every
document, the addressee's own notice included: a notice travels by post and through many hands, and
the name, the enterprise and the notice number identify the addressee well enough."""
import re
import tempfile
from pathlib import Path

from inspections.documents import (
    ALWAYS, Document, _output, cn_date, issuing_office, pdf_fonts, wrap_lines,
)
from wagecase.core.pii import mask_id_number

from .choices import Basis, ObjectionOutcome, PersonRole, SubjectType

DECREE = "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》"
DECREE_FULL = f"{DECREE}（人力资源社会保障部令第45号）"
LIST_NAME = "拖欠农民工工资失信联合惩戒对象名单"
# Decree 45 art. 5: the two cases in which an ignored order to pay leads to the list.
BASIS_ITEMS = {
    Basis.THRESHOLD: ("第五条第（一）项", "克扣、无故拖欠农民工工资达到认定拒不支付劳动报酬罪数额标准"),
    Basis.INCIDENT: ("第五条第（二）项", "因拖欠农民工工资违法行为引发群体性事件、极端事件造成严重不良社会影响"),
}
# Art. 11: the fields in which the listed subject is restricted.
MEASURES = ("在政府资金支持、政府采购、招投标、生产许可、履约担保、资质审核、融资贷款、市场准入、评优评先等方面"
            "依法依规予以限制")
PERSON_ROLES = {
    PersonRole.LEGAL_REPRESENTATIVE: "法定代表人（主要负责人）",
    PersonRole.RESPONSIBLE: "对拖欠农民工工资负有直接责任的人员",
}
NOTICE_TITLE = "失信联合惩戒对象名单列入告知书"
DECISION_TITLE = "失信联合惩戒对象名单列入决定书"


# A resident ID number written into free text (the facts a clerk typed): masked wherever it is shown.
ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")


def mask_ids(text):
    return ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text or "")


def _you(listing):
    return "你" if listing.subject_type == SubjectType.PERSON else "你单位"


def _party_lines(listing):
    """The subject as the documents name it; a person's ID number masked."""
    enterprise = listing.enterprise
    if listing.subject_type == SubjectType.PERSON:
        return [
            f"当事人：{listing.name}",
            f"公民身份号码：{mask_id_number(listing.id_number)}",
            f"所在单位：{enterprise.name}",
            f"单位统一社会信用代码：{enterprise.uscc}",
            f"身份：{PERSON_ROLES.get(listing.person_role, '')}",
        ]
    return [
        f"当事人：{listing.name}",
        f"统一社会信用代码：{listing.uscc}",
        f"地址：{enterprise.address or '__________'}",
        f"法定代表人（主要负责人）：{enterprise.legal_representative or '__________'}",
    ]


def _contact(department):
    parts = []
    if department is not None and department.phone:
        parts.append(f"联系电话：{department.phone}")
    if department is not None and department.address:
        parts.append(f"地址：{department.address}")
    return "；".join(parts) + "。" if parts else ""


def notice_document(listing):
    """The advance notice (告知书, Decree 45 art. 8) as a Document."""
    office, department = issuing_office(listing.region)
    you = _you(listing)
    article, criterion = BASIS_ITEMS.get(listing.basis, BASIS_ITEMS[Basis.THRESHOLD])
    doc = Document(title=NOTICE_TITLE, office=office)
    doc.add("office", office).add("rule").add("title", NOTICE_TITLE).add("number", listing.notice_number)
    for line in _party_lines(listing):
        doc.add("para", line, indent=False)
    doc.add("gap", mm=2)
    case = listing.case
    order = ""
    if case.order_issued_on and "责令" not in listing.facts:  # the facts made from the case name the order already
        order = (f"本机关已于{cn_date(case.order_issued_on)}依法责令限期于{cn_date(case.order_pay_by)}前支付拖欠的"
                 "农民工工资，逾期仍未支付。")
    doc.add("para", f"经查，{mask_ids(listing.facts).strip() or '（见案卷）'}{order}")
    if listing.basis == Basis.INCIDENT:
        doc.add("para", "上述拖欠农民工工资违法行为引发群体性事件、极端事件，造成严重不良社会影响。")
    doc.add("heading", "一、拟作出的决定及依据")
    subject = you
    if listing.subject_type == SubjectType.PERSON:
        subject = f"你（{listing.enterprise.name}{PERSON_ROLES.get(listing.person_role, '')}）"
    doc.add("para", f"{you}的上述情形属于{DECREE_FULL}{article}规定的“{criterion}”的情形。依据该办法第五条的规定，"
                    f"本机关拟将{subject}列入{LIST_NAME}，期限为三年，自列入决定作出之日起计算。")
    doc.add("para", f"列入名单后，本机关将依法向社会公布，并将相关信息推送至信用信息共享平台，由有关部门对{you}{MEASURES}，"
                    "实施失信联合惩戒。")
    doc.add("heading", "二、陈述申辩权利")
    doc.add("para", f"依据{DECREE}第八条的规定，{you}有权进行陈述和申辩。如有异议，请于收到本告知书之日起5个工作日内，"
                    f"即{cn_date(listing.objection_due)}前（含当日），向本机关提出书面陈述、申辩意见，并提交相关证据材料。"
                    f"逾期未提出的，视为放弃陈述和申辩的权利，本机关将依法作出列入决定。")
    contact = _contact(department)
    if contact:
        doc.add("para", contact)
    doc.add("seal", "（印章）", lines=(office, cn_date(listing.notified_on)))
    doc.add("small", "当事人签收：____________________    签收日期：______年____月____日")
    doc.add("small", "本告知书一式两份，一份送达当事人，一份由本机关存档。")
    return doc


def decision_document(listing):
    """The listing decision (列入决定书, Decree 45 art. 9) as a Document."""
    office, department = issuing_office(listing.region)
    you = _you(listing)
    article, criterion = BASIS_ITEMS.get(listing.basis, BASIS_ITEMS[Basis.THRESHOLD])
    doc = Document(title=DECISION_TITLE, office=office)
    doc.add("office", office).add("rule").add("title", DECISION_TITLE).add("number", listing.decision_number)
    for line in _party_lines(listing):
        doc.add("para", line, indent=False)
    doc.add("gap", mm=2)
    objections = [o for o in listing.objections.all() if o.outcome == ObjectionOutcome.REJECTED]
    if objections:
        heard = f"{you}在规定期限内提出了陈述和申辩，经本机关复核，陈述申辩意见不能成立，不予采纳。"
    else:
        heard = f"{you}在规定期限内未提出陈述和申辩。"
    doc.add("para", f"本机关于{cn_date(listing.notified_on)}向{you}送达《{NOTICE_TITLE}》（{listing.notice_number}），"
                    f"告知拟将{you}列入{LIST_NAME}的事实、理由、依据及{you}依法享有的陈述申辩权利。{heard}")
    doc.add("heading", "一、违法事实")
    doc.add("para", mask_ids(listing.facts).strip() or "（见案卷）")
    doc.add("heading", "二、列入依据")
    doc.add("para", f"{you}的上述情形属于{DECREE_FULL}{article}规定的“{criterion}”的情形。")
    doc.add("heading", "三、列入决定")
    doc.add("para", f"依据{DECREE}第五条的规定，本机关决定将{you}列入{LIST_NAME}，期限三年，"
                    f"自{cn_date(listing.listed_on)}起至{cn_date(listing.expires_on)}止。", bold=True)
    doc.add("para", f"列入期间，本机关将依法向社会公布，并推送至信用信息共享平台，由有关部门对{you}{MEASURES}。期限届满的，"
                    "自动移出名单。")
    doc.add("heading", "四、信用修复")
    doc.add("para", f"依据{DECREE}第十四条的规定，{you}已改正拖欠农民工工资违法行为，且自改正之日起6个月内未再发生拖欠"
                    "农民工工资违法行为的，可以向本机关申请提前移出名单，并提交书面信用承诺书。")
    doc.add("heading", "五、权利告知")
    doc.add("para", "如不服本决定，可以在收到本决定书之日起60日内依法申请行政复议，或者在6个月内依法向人民法院提起行政诉讼。")
    contact = _contact(department)
    if contact:
        doc.add("para", contact)
    doc.add("seal", "（印章）", lines=(office, cn_date(listing.listed_on)))
    doc.add("small", "当事人签收：____________________    签收日期：______年____月____日")
    return doc


def listing_notice_pdf(listing):
    """The advance notice as PDF bytes; raises inspections.documents.PdfFontMissing without a CJK font."""
    return _output(notice_document(listing))


def listing_decision_pdf(listing):
    """The listing decision as PDF bytes (the listing must have been decided)."""
    if not listing.decision_number or not listing.listed_on:
        raise ValueError("The listing was not decided: it has no decision document.")
    return _output(decision_document(listing))


# --- The quarterly publication (a landscape table) ------------------------------------------------

PUBLICATION_COLUMNS = (
    # (header, width in mm: together the 267 mm of landscape A4 inside the margins, entry attribute)
    ("序号", 10, None),
    ("单位名称", 36, "enterprise_name"),
    ("统一社会信用代码", 36, "uscc"),
    ("地址", 29, "address"),
    ("法定代表人", 20, "legal_representative"),
    ("违法事实", 77, "facts"),
    ("处理情况", 59, "handling"),
)
TABLE_SIZE = 9  # pt
TABLE_LINE = 4.6  # mm
CELL_PAD = 1.2  # mm, left and right inside a cell
HANG = 1.8  # mm
HEADER_FILL = (221, 235, 247)


def quarter_text(batch):
    return f"{batch.year}年第{'一二三四'[batch.quarter - 1]}季度"


def publication_rows(batch):
    """The entries as rows of text, in the columns' order (shared with the workbook)."""
    rows = []
    for number, entry in enumerate(batch.entries.all(), start=1):
        rows.append([str(number)] + [str(getattr(entry, attr) or "") for _h, _w, attr in PUBLICATION_COLUMNS[1:]])
    return rows


def publication_pdf(batch):
    """The batch as a landscape A4 table: title, office, quarter, one row per entry; long texts
    wrap inside their cells and a row too tall for the rest of the page continues on the next one,
    under the headers repeated."""
    from fpdf import FPDF

    office, _department = issuing_office(batch.region)
    subtitle = f"发布机关：{office}　　公布期间：{quarter_text(batch)}"
    if batch.published_on:
        subtitle += f"　　公布日期：{cn_date(batch.published_on)}"
    rows = publication_rows(batch)
    headers = [header for header, _w, _a in PUBLICATION_COLUMNS]
    empty = "本季度无应当公布的重大劳动保障违法行为。"
    text = "".join([ALWAYS, batch.title, subtitle, empty, "共页", *headers, *(cell for row in rows for cell in row)])
    fonts = pdf_fonts()
    with tempfile.TemporaryDirectory(prefix="wagecase-pdf-") as tmp:
        regular = fonts.regular.build(text, Path(tmp) / "regular.ttf", "WagecaseRegular")
        bold = (fonts.bold.build(ALWAYS + batch.title + "".join(headers), Path(tmp) / "bold.ttf", "WagecaseBold")
                if fonts.bold else regular)

        class PublicationPdf(FPDF):
            def footer(self):
                self.set_y(-12)
                self.set_font("cjk", "", 8)
                self.set_text_color(90, 90, 90)
                self.cell(0, 5, f"第{self.page_no()}页", align="C")
                self.set_text_color(0, 0, 0)

        pdf = PublicationPdf(orientation="L", unit="mm", format="A4")
        pdf.add_font("cjk", "", str(regular))
        pdf.add_font("cjk", "B", str(bold))
        for font in pdf.fonts.values():
            ttfont = getattr(font, "ttfont", None)
            if ttfont is not None:
                ttfont.recalcBBoxes = False
        pdf.set_margins(15, 14, 15)
        pdf.set_auto_page_break(False)  # rows are broken by hand, with the headers repeated
        pdf.set_title(batch.title)
        pdf.set_author(office)
        pdf.set_creator("wagecase")
        pdf.set_lang("zh-CN")
        pdf.add_page()
        pdf.set_font("cjk", "B", 16)
        pdf.multi_cell(0, 9, batch.title, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", "", 10)
        pdf.cell(0, 7, subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        _table(pdf, headers, rows)
        if not rows:
            pdf.set_font("cjk", "", 10)
            pdf.cell(0, 10, empty, align="C", new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())


def _table(pdf, headers, rows):
    widths = [width for _h, width, _a in PUBLICATION_COLUMNS]
    bottom = pdf.h - 16

    def wrapped(texts, style):
        pdf.set_font("cjk", style, TABLE_SIZE)
        # Closing punctuation hangs past the line (避头尾): keep room for half of it inside the cell.
        return [wrap_lines(t, w - 2 * CELL_PAD - HANG, pdf.get_string_width) for t, w in zip(texts, widths)]

    def draw(cells, count, fill=False, style=""):
        """One band of `count` lines of every cell, boxed."""
        pdf.set_font("cjk", style, TABLE_SIZE)
        height = count * TABLE_LINE + 1.6
        x, y = pdf.l_margin, pdf.get_y()
        for lines, width in zip(cells, widths):
            if fill:
                pdf.set_fill_color(*HEADER_FILL)
            pdf.rect(x, y, width, height, style="DF" if fill else "D")
            for n, line in enumerate(lines[:count]):
                pdf.set_xy(x + CELL_PAD, y + 0.8 + n * TABLE_LINE)
                pdf.cell(width - 2 * CELL_PAD, TABLE_LINE, line, align="C" if fill else "L")
            x += width
        pdf.set_xy(pdf.l_margin, y + height)

    header_cells = wrapped(headers, "B")
    header_count = max(len(lines) for lines in header_cells)

    def header():
        pdf.set_draw_color(120, 120, 120)
        pdf.set_line_width(0.2)
        draw(header_cells, header_count, fill=True, style="B")

    header()
    for row in rows:
        cells = wrapped(row, "")
        while any(cells):
            room = int((bottom - pdf.get_y() - 1.6) // TABLE_LINE)
            needed = max(len(lines) for lines in cells)
            if room < min(needed, 3):  # do not start a row with a line or two at the foot of a page
                pdf.add_page()
                header()
                room = int((bottom - pdf.get_y() - 1.6) // TABLE_LINE)
            count = min(needed, room)
            draw(cells, count)
            cells = [lines[count:] for lines in cells]
