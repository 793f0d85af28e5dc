"""Official documents of inspections as PDF: the order to rectify within a deadline
(劳动保障监察限期整改指令书) and the administrative penalty decision (劳动保障监察行政处罚决定书), A4, in
Chinese, made with fpdf2 and a system CJK font.

The documents' wording is fixed Chinese text, not gettext: like the headers of the Excel templates
(projects/excel.py), an official document's wording is its format and does not change with the UI
language. Choice labels (the checklist items) are the choices' own zh-hans translations.

Fonts. The font is a system font: Debian's fonts-noto-cjk (Noto Serif/Sans CJK, OpenType
collections whose Simplified Chinese face is picked by its family name "… CJK SC"), or
fonts-wqy-microhei / fonts-wqy-zenhei; the setting PDF_FONT_PATH (environment) names another
.ttf/.otf/.ttc. Without one, rendering raises `PdfFontMissing` naming the package to install, and
`check_pdf_font` (a system check, wagecase.W050) says so at start-up.
These fonts have 30,000–65,000 glyphs, and fontTools, which fpdf2 subsets fonts with, needs a
second or more to load one and to subset its CFF outlines. So a document is set in a small
TrueType font made for it, holding only the characters it uses: each glyph is converted once per
process (CFF → quadratic outlines, compiled) and kept in memory; a font for a document is then
assembled from compiled glyphs in milliseconds, and fpdf2 embeds it without recomputing anything.
The first document in a process opens the font and converts its few hundred glyphs (a second or
so); later ones take well under a tenth of a second."""
import logging
import os
import re
import struct
import tempfile
import threading
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.utils import translation

from .choices import ChecklistItem, PenaltyArticle

logger = logging.getLogger(__name__)
# fpdf2 subsets every embedded font with fontTools, which reports each step at INFO level.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

FONT_PACKAGE = "fonts-noto-cjk"
# Searched in this order when PDF_FONT_PATH is not set: Debian/Ubuntu paths first, then other
# distributions' (Fedora, Arch) spellings of the same packages.
KNOWN_FONT_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-serif-cjk-fonts/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
)
# Characters a face must have to set a document: a few of the commonest in these documents.
REQUIRED_CHARS = "限期整改指令书罚款元"


class PdfFontMissing(ImproperlyConfigured):
    """No usable CJK font: the documents cannot be rendered."""


def _missing_message(path=None):
    if path:
        return (f"PDF_FONT_PATH={path!s} is not a readable font with Simplified Chinese characters. "
                f"Point it to a .ttf, .otf or .ttc font, or unset it and install Debian's {FONT_PACKAGE} "
                f"(apt-get install {FONT_PACKAGE}).")
    return (f"No Chinese (CJK) font for the PDF documents. Install Debian's {FONT_PACKAGE} "
            f"(apt-get install {FONT_PACKAGE}; `make install` does it when run as root) or set PDF_FONT_PATH "
            f"to a .ttf, .otf or .ttc font with Simplified Chinese characters.")


# --- Fonts ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FontFace:
    path: str
    index: int  # face number in a collection (.ttc/.otc); 0 otherwise
    family: str


def _face_score(family):
    """Prefer the Simplified Chinese face of a collection, and a proportional one over a monospaced one."""
    words = family.replace("-", " ").split()
    score = 0
    if "SC" in words or any(w in ("CN", "GB", "Hans", "SimSun") for w in words):
        score += 10
    if any(w in ("JP", "KR", "TC", "HK") for w in words):
        score -= 5
    if "Mono" in words:
        score -= 3
    return score


def find_face(path):
    """The face of `path` to set Chinese in: by family name, checking that it covers Chinese. None if unusable."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    path = str(path)
    if not os.path.isfile(path):
        return None
    opened = stream = None
    try:
        stream = open(path, "rb")  # ours to close, even when fontTools refuses the file
        is_collection = stream.read(4) == b"ttcf"
        stream.seek(0)
        opened = TTCollection(stream, lazy=True) if is_collection else TTFont(stream, lazy=True)
        fonts = list(enumerate(opened.fonts)) if is_collection else [(0, opened)]
        candidates = []
        for index, font in fonts:
            names = font["name"]
            family = str(names.getDebugName(16) or names.getDebugName(1) or "")
            candidates.append((-_face_score(family), index, family, font))
        for _score, index, family, font in sorted(candidates, key=lambda c: c[:2]):
            cmap = font.getBestCmap() or {}
            if all(ord(c) in cmap for c in REQUIRED_CHARS):
                return FontFace(path, index, family)
    except (OSError, TTLibError, KeyError, AssertionError, ValueError, struct.error) as exc:
        logger.warning("Cannot read the font %s: %s", path, exc)
    finally:
        if opened is not None:
            opened.close()
        if stream is not None:
            stream.close()
    return None


def _bold_sibling(face):
    """The bold face of the same family, when the package ships one (NotoSerifCJK-Bold.ttc)."""
    path = Path(face.path)
    if "Regular" not in path.name:
        return None
    bold_path = path.with_name(path.name.replace("Regular", "Bold"))
    bold = find_face(bold_path)
    return bold if bold and bold.family == face.family else None


class GlyphSource:
    """A source face opened once per process, with the glyphs converted so far (compiled TrueType)."""

    def __init__(self, face):
        from fontTools.ttLib import TTFont

        self.face = face
        self.font = TTFont(face.path, fontNumber=face.index, lazy=True)  # the number counts in a collection only
        self.cmap = self.font.getBestCmap()
        self.glyph_set = self.font.getGlyphSet()
        self.metrics = self.font["hmtx"].metrics
        self.units_per_em = self.font["head"].unitsPerEm
        head, hhea, os2 = self.font["head"], self.font["hhea"], self.font["OS/2"]
        self.head = dict(unitsPerEm=self.units_per_em, xMin=head.xMin, yMin=head.yMin, xMax=head.xMax, yMax=head.yMax,
                         created=head.created, modified=head.modified)
        self.hhea = dict(ascent=hhea.ascent, descent=hhea.descent, lineGap=hhea.lineGap)
        self.os2 = dict(sTypoAscender=os2.sTypoAscender, sTypoDescender=os2.sTypoDescender,
                        sTypoLineGap=os2.sTypoLineGap, usWinAscent=os2.usWinAscent, usWinDescent=os2.usWinDescent,
                        usWeightClass=os2.usWeightClass, sCapHeight=getattr(os2, "sCapHeight", 0),
                        sxHeight=getattr(os2, "sxHeight", 0))
        self.lock = threading.Lock()  # fontTools reads the file lazily: one converter at a time
        self._glyphs = {}  # glyph name → (data, advance, lsb, points, contours)

    def _glyph(self, name):
        cached = self._glyphs.get(name)
        if cached is None:
            from fontTools.pens.cu2quPen import Cu2QuPen
            from fontTools.pens.recordingPen import DecomposingRecordingPen
            from fontTools.pens.ttGlyphPen import TTGlyphPen

            recording = DecomposingRecordingPen(self.glyph_set)  # components drawn in place
            self.glyph_set[name].draw(recording)
            pen = TTGlyphPen(None)
            # CFF contours run counter-clockwise, TrueType ones clockwise.
            recording.replay(Cu2QuPen(pen, self.units_per_em / 1000, reverse_direction="CFF " in self.font))
            glyph = pen.glyph()
            if glyph.numberOfContours:
                data = glyph.compile(None, recalcBBoxes=True)
                cached = (data, self.metrics[name][0], glyph.xMin, len(glyph.coordinates), glyph.numberOfContours)
            else:
                cached = (b"", self.metrics[name][0], 0, 0, 0)
            self._glyphs[name] = cached
        return cached

    def build(self, text, path, family):
        """Write to `path` a TrueType font with the glyphs of `text` (and .notdef)."""
        from fontTools.fontBuilder import FontBuilder
        from fontTools.ttLib import newTable
        from fontTools.ttLib.tables._g_l_y_f import Glyph

        with self.lock:
            codes = sorted({ord(c) for c in text if ord(c) in self.cmap})
            names = [".notdef"] + sorted({self.cmap[c] for c in codes} - {".notdef"})
            converted = {name: self._glyph(name) for name in names}
        builder = FontBuilder(self.units_per_em, isTTF=True)
        builder.font.recalcBBoxes = False  # the glyphs' bounds are compiled in already
        builder.setupGlyphOrder(names)
        builder.setupCharacterMap({c: self.cmap[c] for c in codes})
        builder.font["loca"] = newTable("loca")
        glyf = builder.font["glyf"] = newTable("glyf")
        glyf.glyphOrder = names
        glyf.glyphs = {name: Glyph(data) for name, (data, *_rest) in converted.items()}
        builder.setupHorizontalMetrics({name: (advance, lsb) for name, (_d, advance, lsb, *_r) in converted.items()})
        builder.setupHead(**self.head)
        builder.setupHorizontalHeader(**self.hhea, advanceWidthMax=max(c[1] for c in converted.values()))
        builder.setupNameTable({"familyName": family, "styleName": "Regular"})
        builder.setupOS2(**self.os2)
        builder.setupPost(keepGlyphNames=False)
        maxp = builder.font["maxp"]
        maxp.maxPoints = max(c[3] for c in converted.values())
        maxp.maxContours = max(c[4] for c in converted.values())
        builder.save(str(path))
        return path


@dataclass
class PdfFonts:
    regular: GlyphSource
    bold: GlyphSource = None  # None: titles are set in the regular face


_fonts_cache = {}
_fonts_lock = threading.Lock()


def resolve_font_faces(configured=None):
    """(regular, bold or None) FontFaces from PDF_FONT_PATH or the known paths; raises PdfFontMissing."""
    if configured:
        face = find_face(configured)
        if face is None:
            raise PdfFontMissing(_missing_message(configured))
        return face, _bold_sibling(face)
    for path in KNOWN_FONT_PATHS:
        face = find_face(path)
        if face is not None:
            return face, _bold_sibling(face)
    raise PdfFontMissing(_missing_message())


def pdf_fonts():
    """The process's fonts for the configured PDF_FONT_PATH, opened once per process (a forked
    worker opens its own: fontTools reads the file lazily, and a shared file offset would not do)."""
    key = (getattr(settings, "PDF_FONT_PATH", "") or "", os.getpid())
    with _fonts_lock:
        fonts = _fonts_cache.get(key)
        if fonts is None:
            regular, bold = resolve_font_faces(key[0])
            fonts = _fonts_cache[key] = PdfFonts(GlyphSource(regular), GlyphSource(bold) if bold else None)
    return fonts


@checks.register(checks.Tags.compatibility)
def check_pdf_font(app_configs=None, **kwargs):
    """wagecase.W050: warn at start-up when the official documents cannot be rendered."""
    configured = getattr(settings, "PDF_FONT_PATH", "") or ""
    try:
        if configured:
            resolve_font_faces(configured)
        elif not any(os.path.isfile(path) for path in KNOWN_FONT_PATHS):  # cheap: runs with every command
            raise PdfFontMissing(_missing_message())
    except PdfFontMissing as exc:
        return [checks.Warning(
            "No CJK font for the PDF documents (rectification orders, penalty decisions).",
            hint=str(exc), id="wagecase.W050",
        )]
    return []


# --- Chinese formats -----------------------------------------------------------------------------------

CN_DIGITS = "零壹贰叁肆伍陆柒捌玖"
CN_UNITS = ("仟", "佰", "拾", "")
CN_SECTIONS = ("", "万", "亿", "万亿")


def amount_in_words(amount):
    """An amount of yuan in Chinese capital numerals (大写金额), as written on financial documents:
    60000 → 陆万元整, 12345.67 → 壹万贰仟叁佰肆拾伍元陆角柒分, 100000 → 壹拾万元整, 1005.5 → 壹仟零伍元伍角整."""
    amount = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount < 0:
        raise ValueError("A negative amount has no capital form here.")
    cents = int(amount * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if yuan >= 10 ** 16:
        raise ValueError("The amount is too large.")
    groups = []
    rest = yuan
    while rest:
        groups.append(rest % 10000)
        rest //= 10000
    words = ""
    zero_pending = False  # a zero between two written digits is said once
    for position in range(len(groups) - 1, -1, -1):
        group = groups[position]
        if group == 0:
            zero_pending = True
            continue
        if words and (zero_pending or group < 1000):
            words += "零"
        zero_pending = False
        digits = (group // 1000, group // 100 % 10, group // 10 % 10, group % 10)
        part, inner_zero = "", False
        for index, digit in enumerate(digits):
            if digit == 0:
                inner_zero = bool(part)
                continue
            if inner_zero:
                part += "零"
                inner_zero = False
            part += CN_DIGITS[digit] + CN_UNITS[index]
        words += part + CN_SECTIONS[position]
    if yuan:
        words += "元"
    if jiao:
        words += CN_DIGITS[jiao] + "角"
    elif fen and yuan:
        words += "零"
    if fen:
        words += CN_DIGITS[fen] + "分"
    if not words:
        return "零元整"
    return words if fen else words + "整"


def cn_date(day):
    return f"{day.year}年{day.month}月{day.day}日" if day else "____年__月__日"


CN_NUMERALS = "零一二三四五六七八九"


def cn_number(n):
    """1–99 in Chinese numerals: 5 → 五, 12 → 十二, 55 → 五十五 (item and article numbers)."""
    if n < 10:
        return CN_NUMERALS[n]
    tens, units = divmod(n, 10)
    return f"{CN_NUMERALS[tens] if tens > 1 else ''}十{CN_NUMERALS[units] if units else ''}"


def money(amount):
    return f"{Decimal(amount):,.2f}"


def item_label(item):
    with translation.override("zh-hans"):
        try:
            return str(ChecklistItem(item).label)
        except ValueError:
            return str(item)


# What each failed item means in the order, and the provision it breaches
# (保障农民工工资支付条例 unless named otherwise).
ITEM_PROBLEMS = {
    ChecklistItem.DEDICATED_ACCOUNT: ("未按规定开设或者使用农民工工资专用账户", "第二十六条"),
    ChecklistItem.REAL_NAME: ("未实行劳动用工实名制管理", "第二十八条"),
    ChecklistItem.CONTRACTOR_PAYROLL: ("未实行分包单位农民工工资委托施工总承包单位代发制度", "第三十一条"),
    ChecklistItem.WAGE_DEPOSIT: ("未按规定存储工资保证金或者提供金融机构保函", "第三十二条"),
    ChecklistItem.NOTICE_BOARD: ("未在施工现场醒目位置设立维权信息告示牌", "第三十四条"),
    ChecklistItem.LABOUR_CONTRACTS: ("未依法与所招用的农民工订立书面劳动合同", "第二十八条"),
    ChecklistItem.INJURY_INSURANCE: ("未按规定为农民工参加工伤保险", "《工伤保险条例》"),
    ChecklistItem.PAYMENT_GUARANTEE: ("建设单位未依法提供工程款支付担保", "第二十四条"),
    ChecklistItem.MONTHLY_FULL_PAY: ("未按照约定的工资支付周期足额支付农民工工资", "第十二条"),
}
REGULATION = "《保障农民工工资支付条例》"

ARTICLE_TEXTS = {
    PenaltyArticle.ART_54_UNIT: (
        "第五十四条",
        "以实物、有价证券等形式代替货币支付农民工工资，未编制工资支付台账并依法保存或者未向农民工提供工资清单，"
        "扣押或者变相扣押用于支付农民工工资的银行账户所绑定的农民工本人社会保障卡或者银行卡，"
        "由人力资源社会保障行政部门责令限期改正；逾期不改正的，对单位处2万元以上5万元以下的罚款"),
    PenaltyArticle.ART_54_PERSON: (
        "第五十四条",
        "有该条所列情形，责令限期改正后逾期不改正的，对法定代表人或者主要负责人、直接负责的主管人员和其他直接责任人员"
        "处1万元以上3万元以下的罚款"),
    PenaltyArticle.ART_55: (
        "第五十五条",
        "施工总承包单位未按规定开设或者使用农民工工资专用账户，未按规定存储工资保证金或者未提供金融机构保函，"
        "施工总承包单位、分包单位未实行劳动用工实名制管理的，责令限期改正；逾期不改正的，责令项目停工，"
        "并处5万元以上10万元以下的罚款"),
    PenaltyArticle.ART_56: (
        "第五十六条",
        "分包单位未按月考核农民工工作量、编制工资支付表并经农民工本人签字确认，施工总承包单位未对分包单位劳动用工"
        "实施监督管理，分包单位未配合施工总承包单位对其劳动用工进行监督管理，施工总承包单位未实行施工现场维权信息公示"
        "制度的，责令限期改正；逾期不改正的，处5万元以上10万元以下的罚款"),
    PenaltyArticle.ART_57: (
        "第五十七条",
        "建设单位未依法提供工程款支付担保，未按约定及时足额向农民工工资专用账户拨付工程款中的人工费用，建设单位或者"
        "施工总承包单位拒不提供或者无法提供工程施工合同、农民工工资专用账户有关资料的，责令限期改正；逾期不改正的，"
        "责令项目停工，并处5万元以上10万元以下的罚款"),
}


def issuing_office(region):
    """The county's human resources and social security department (its name without a trailing
    note such as （根治欠薪办）), else the conventional name of the county's bureau."""
    from wagecase.core.choices import DepartmentKind
    from wagecase.core.models import Department

    department = Department.responsible_for(DepartmentKind.HRSS, region.code)
    return _office_name(region, department), department


def issuing_offices(regions):
    """{region code: issuing_office(region)[0]} for many regions, in one query (a list page's rows)."""
    from wagecase.core.choices import DepartmentKind
    from wagecase.core.models import Department
    from wagecase.core.models.regions import ancestor_codes

    regions = {region.pk: region for region in regions}
    chains = {code: ancestor_codes(code) for code in regions}
    nearest = {}  # as Department.responsible_for: the last by pk of each region
    for department in Department.objects.filter(kind=DepartmentKind.HRSS, region_id__in={
            code for chain in chains.values() for code in chain}).order_by("pk"):
        nearest[department.region_id] = department
    return {code: _office_name(region, next((nearest[c] for c in chains[code] if c in nearest), None))
            for code, region in regions.items()}


def _office_name(region, department):
    if department is not None:
        name = re.sub(r"[（(][^（）()]*[）)]$", "", department.name).strip()
        return name or department.name
    return f"{region.name}人力资源和社会保障局"


# --- Layout ---------------------------------------------------------------------------------------------

BODY_SIZE = 14  # pt; 四号
LINE = 8.2  # mm between body lines
INDENT = "\u3000\u3000"  # paragraphs open with two ideographic spaces
RED = (200, 16, 16)
ALWAYS = "0123456789第页（）：，。、；" + INDENT
BOLD_BLOCKS = ("office", "title", "heading")


@dataclass
class Document:
    """A document as a list of blocks, so that its characters are known before its fonts are made."""

    title: str
    office: str
    blocks: list = field(default_factory=list)

    def add(self, kind, text="", **options):
        self.blocks.append((kind, text, options))
        return self

    def text(self, bold=False):
        """The characters to set: every block's (regular face), or those of the bold blocks."""
        parts = [ALWAYS]
        for kind, text, options in self.blocks:
            if not bold or kind in BOLD_BLOCKS or options.get("bold"):
                parts.append(text)
                parts.extend(options.get("lines", ()))
        return "".join(parts)


def _output(document):
    from fpdf import FPDF

    fonts = pdf_fonts()
    with tempfile.TemporaryDirectory(prefix="wagecase-pdf-") as tmp:
        regular = fonts.regular.build(document.text(), Path(tmp) / "regular.ttf", "WagecaseRegular")
        bold = fonts.bold.build(document.text(True), Path(tmp) / "bold.ttf", "WagecaseBold") if fonts.bold else regular

        class OfficialPdf(FPDF):
            def footer(self):
                self.set_y(-18)
                self.set_font("cjk", "", 9)
                self.set_text_color(90, 90, 90)
                self.cell(0, 6, f"第{self.page_no()}页", align="C")
                self.set_text_color(0, 0, 0)

        pdf = OfficialPdf(orientation="P", unit="mm", format="A4")
        pdf.add_font("cjk", "", str(regular))
        pdf.add_font("cjk", "B", str(bold))
        for font in pdf.fonts.values():
            ttfont = getattr(font, "ttfont", None)
            if ttfont is not None:
                ttfont.recalcBBoxes = False  # keep the compiled glyphs as they are (fast)
        pdf.set_margins(26, 25, 24)
        pdf.set_auto_page_break(True, margin=24)
        pdf.set_title(document.title)
        pdf.set_author(document.office)
        pdf.set_creator("wagecase")
        pdf.set_lang("zh-CN")
        pdf.add_page()
        for kind, text, options in document.blocks:
            _draw(pdf, kind, text, options)
        return bytes(pdf.output())


def _draw(pdf, kind, text, options):
    width = pdf.w - pdf.l_margin - pdf.r_margin
    if kind == "office":
        pdf.set_font("cjk", "B", 20)
        pdf.set_text_color(*RED)
        pdf.cell(0, 12, text, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
    elif kind == "rule":
        pdf.ln(2)
        pdf.set_draw_color(*RED)
        pdf.set_line_width(0.6)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
        pdf.set_draw_color(0, 0, 0)
        pdf.set_line_width(0.2)
        pdf.ln(5)
    elif kind == "title":
        pdf.set_font("cjk", "B", 20)
        pdf.multi_cell(0, 11, text, align="C", new_x="LMARGIN", new_y="NEXT", wrapmode="CHAR")
        pdf.ln(1)
    elif kind == "number":
        pdf.set_font("cjk", "", 13)
        pdf.cell(0, 8, text, align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    elif kind == "heading":
        pdf.set_font("cjk", "B", BODY_SIZE)
        _lines(pdf, text, LINE)
    elif kind == "para":
        pdf.set_font("cjk", "B" if options.get("bold") else "", options.get("size", BODY_SIZE))
        prefix = INDENT if options.get("indent", True) else ""
        _lines(pdf, prefix + text, options.get("line", LINE))
    elif kind == "right":
        pdf.set_font("cjk", "", BODY_SIZE)
        pdf.cell(0, LINE, text, align="R", new_x="LMARGIN", new_y="NEXT")
    elif kind == "gap":
        pdf.ln(options.get("mm", 4))
    elif kind == "seal":
        # The seal is pressed by hand on the printed copy: a dashed circle marks its place.
        if pdf.get_y() + 40 > pdf.h - pdf.b_margin:
            pdf.add_page()
        pdf.ln(4)
        x = pdf.l_margin + width - 52
        y = pdf.get_y()
        pdf.set_draw_color(*RED)
        pdf.set_dash_pattern(dash=1.5, gap=1.5)
        pdf.circle(x=x + 21, y=y + 17, radius=17)  # fpdf2 ≥ 2.8: x, y are the centre
        pdf.set_dash_pattern()
        pdf.set_draw_color(0, 0, 0)
        pdf.set_text_color(*RED)
        pdf.set_font("cjk", "", 10)
        pdf.set_xy(x, y + 24)
        pdf.cell(42, 6, text or "（印章）", align="C")
        pdf.set_text_color(0, 0, 0)
        pdf.set_xy(pdf.l_margin, y + 6)
        for line in options.get("lines", ()):
            pdf.set_font("cjk", "", BODY_SIZE)
            pdf.cell(0, LINE, line, align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(max(pdf.get_y(), y + 36))
    elif kind == "small":
        pdf.set_font("cjk", "", 11)
        _lines(pdf, text, 6.5)
    else:  # pragma: no cover - a programming error
        raise ValueError(kind)


# Chinese line breaking (避头尾): these never start a line (they hang in the margin instead) ...
NO_LINE_START = frozenset("。，、；：？！）》」』】〕”’…·%,.;:?!)")
# ... and these never end one (they move to the next line).
NO_LINE_END = frozenset("（《「『【〔“‘(")


def wrap_lines(text, width, measure):
    """Break `text` into lines at most `width` wide (`measure(s)` gives a width), character by
    character as Chinese is set, keeping closing punctuation off the start of a line and opening
    punctuation off its end."""
    lines, line, used = [], "", 0.0
    for char in text:
        if char == "\n":
            lines.append(line)
            line, used = "", 0.0
            continue
        char_width = measure(char)
        if not line and lines and char in NO_LINE_START:
            lines[-1] += char  # a second closing mark hangs too
            continue
        if line and used + char_width > width + 0.01:
            if char in NO_LINE_START:
                lines.append(line + char)
                line, used = "", 0.0
                continue
            carry = ""
            while len(line) > 1 and line[-1] in NO_LINE_END:
                carry, line = line[-1] + carry, line[:-1]
            lines.append(line)
            line, used = carry, measure(carry) if carry else 0.0
        line += char
        used += char_width
    if line or not lines:
        lines.append(line)
    return lines


def _lines(pdf, text, height):
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for line in wrap_lines(text, width, pdf.get_string_width):
        pdf.cell(0, height, line, new_x="LMARGIN", new_y="NEXT")


# --- The documents ----------------------------------------------------------------------------------

def _inspectors_line(inspection):
    names = [u.full_name or u.username for u in inspection.inspectors.all()] if inspection else []
    return "；".join(f"{name}（执法证号：__________）" for name in names) or "__________（执法证号：__________）"


def order_document(order):
    """The rectification order as a Document."""
    inspection = order.inspection
    project = order.project
    enterprise = order.enterprise
    office, department = issuing_office(project.region)
    notes = (inspection.checklist_notes or {}) if inspection else {}
    title = "劳动保障监察限期整改指令书"
    doc = Document(title=title, office=office)
    doc.add("office", office).add("rule").add("title", title).add("number", order.number)
    doc.add("para", f"{enterprise.name}：", indent=False)
    address = f"（项目地址：{project.address}）" if project.address else ""
    doc.add("para", f"本机关劳动保障监察员于{cn_date(order.issued_on if not inspection else inspection.inspected_on)}"
                    f"对你单位承建的“{project.name}”项目{address}进行了劳动保障监察。经查，你单位存在以下问题：")
    articles = []
    for number, item in enumerate(order.items or [], start=1):
        problem, article = ITEM_PROBLEMS.get(item, ("未落实相关制度", ""))
        line = f"{cn_number(number)}、{item_label(item)}：{problem}"
        note = (notes.get(item) or "").strip()
        line += f"。检查记录：{note}" if note else ""
        doc.add("para", line.rstrip("。") + "。")
        if article and article not in articles:
            articles.append(article)
    basis = "、".join(a for a in articles if a.startswith("第"))
    others = "、".join(a for a in articles if not a.startswith("第"))
    violated = f"{REGULATION}{basis}" if basis else REGULATION
    if others:
        violated += f"及{others}"
    doc.add("para", f"上述行为违反了{violated}的规定。根据{REGULATION}和《劳动保障监察条例》第十八条的规定，"
                    f"现责令你单位限期改正：请于{cn_date(order.rectify_by)}前改正上述问题，并将整改情况书面报送本机关。")
    doc.add("para", f"逾期不改正的，本机关将依照{REGULATION}第五十四条至第五十七条的规定依法给予行政处罚；"
                    "其中依法应当责令项目停工的，将责令项目停工，并处罚款。")
    contact = []
    if department is not None and department.phone:
        contact.append(f"联系电话：{department.phone}")
    if department is not None and department.address:
        contact.append(f"地址：{department.address}")
    if contact:
        doc.add("para", "；".join(contact) + "。")
    doc.add("gap", mm=2)
    doc.add("para", f"劳动保障监察员：{_inspectors_line(inspection)}", indent=False, size=12, line=7)
    doc.add("seal", "（印章）", lines=(office, cn_date(order.issued_on)))
    doc.add("small", "被检查单位签收：____________________    签收日期：______年____月____日")
    doc.add("small", "本指令书一式两份，一份送达被检查单位，一份由本机关存档。")
    return doc


def penalty_document(penalty):
    """The penalty decision as a Document."""
    order = penalty.order
    project = penalty.project
    enterprise = penalty.enterprise
    inspection = order.inspection
    office, department = issuing_office(project.region)
    title = "劳动保障监察行政处罚决定书"
    doc = Document(title=title, office=office)
    doc.add("office", office).add("rule").add("title", title).add("number", penalty.number)
    party = [f"当事人：{enterprise.name}", f"统一社会信用代码：{enterprise.uscc}",
             f"地址：{enterprise.address or '__________'}",
             f"法定代表人（主要负责人）：{enterprise.legal_representative or '__________'}"]
    if penalty.article == PenaltyArticle.ART_54_PERSON:
        party.append(f"责任人员：{penalty.responsible_person}")
    for line in party:
        doc.add("para", line, indent=False)
    doc.add("gap", mm=2)
    items = "、".join(item_label(i) for i in order.items or [])
    inspected = inspection.inspected_on if inspection else order.issued_on
    reinspected = order.escalated_on or order.reinspections.order_by("-reinspected_on").values_list(
        "reinspected_on", flat=True).first()
    doc.add("para", f"本机关于{cn_date(inspected)}对你单位承建的“{project.name}”项目进行劳动保障监察，发现你单位存在"
                    f"{items or '相关'}方面的问题，于{cn_date(order.issued_on)}向你单位送达《劳动保障监察限期整改指令书》"
                    f"（{order.number}），责令你单位于{cn_date(order.rectify_by)}前改正。"
                    f"经{cn_date(reinspected)}复查，你单位逾期未改正。")
    doc.add("heading", "一、违法事实")
    doc.add("para", penalty.facts.strip() or "（见案卷）")
    doc.add("para", "以上事实有现场检查记录、询问笔录、限期整改指令书、复查记录等证据证实。")
    article_number, article_text = ARTICLE_TEXTS.get(penalty.article, ("", ""))
    doc.add("heading", "二、处罚依据")
    punished = penalty.responsible_person if penalty.article == PenaltyArticle.ART_54_PERSON else "你单位"
    doc.add("para", f"你单位的上述行为违反了{REGULATION}的规定。依据{REGULATION}{article_number}"
                    f"（{article_text}）的规定，本机关决定对{punished}作出如下行政处罚：")
    doc.add("heading", "三、处罚决定")
    doc.add("para", f"1. 罚款人民币{money(penalty.amount)}元（大写：{amount_in_words(penalty.amount)}）；", bold=True)
    if penalty.work_stoppage:
        doc.add("para", f"2. 责令“{project.name}”项目停工，至改正上述违法行为并经本机关复查合格之日止。", bold=True)
    doc.add("para", "请自收到本决定书之日起十五日内，持本决定书到指定银行缴纳罚款。到期不缴纳罚款的，本机关将依据"
                    "《中华人民共和国行政处罚法》第七十二条的规定，每日按罚款数额的百分之三加处罚款，并依法申请人民法院强制执行。")
    doc.add("heading", "四、权利告知")
    doc.add("para", "如不服本处罚决定，可以在收到本决定书之日起60日内依法申请行政复议，或者在6个月内依法向人民法院提起"
                    "行政诉讼。行政复议和行政诉讼期间，本处罚决定不停止执行，法律另有规定的除外。")
    contact = []
    if department is not None and department.phone:
        contact.append(f"联系电话：{department.phone}")
    if department is not None and department.address:
        contact.append(f"地址：{department.address}")
    if contact:
        doc.add("para", "；".join(contact) + "。")
    doc.add("seal", "（印章）", lines=(office, cn_date(penalty.decided_on)))
    doc.add("small", "当事人签收：____________________    签收日期：______年____月____日")
    return doc


def order_pdf_bytes(order):
    """The rectification order as PDF bytes; raises PdfFontMissing without a CJK font."""
    return _output(order_document(order))


def penalty_pdf_bytes(penalty):
    """The penalty decision as PDF bytes; raises PdfFontMissing without a CJK font."""
    return _output(penalty_document(penalty))


def _attach(instance, name, render):
    """Render and store on `instance.document`. A missing font is logged (and reported by the
    system check), not raised: recording an inspection must not fail for want of a font; the
    document can be rendered again later with `attach_*` or served from `*_pdf_bytes`."""
    try:
        content = render(instance)
    except PdfFontMissing as exc:
        logger.error("%s %s: no PDF document: %s", type(instance).__name__, instance.pk, exc)
        return None
    if instance.document:
        instance.document.delete(save=False)
    instance.document.save(name, ContentFile(content), save=False)
    type(instance).objects.filter(pk=instance.pk).update(document=instance.document.name)
    return instance.document


def attach_order_pdf(order):
    """Render the rectification order and store it on the order (inside the caller's transaction)."""
    return _attach(order, f"rectification-order-{order.pk}.pdf", order_pdf_bytes)


def attach_penalty_pdf(penalty):
    """Render the penalty decision and store it on the decision (inside the caller's transaction)."""
    return _attach(penalty, f"penalty-decision-{penalty.pk}.pdf", penalty_pdf_bytes)
