"""Official documents as PDF: the rectification order and the penalty decision render Chinese text
(extracted again with pypdf), are stored on their records by the services, render fast, and a
missing font is reported clearly; amounts in Chinese capital numerals."""
import datetime as dt
import io
import re
import time
from decimal import Decimal

import pytest
from django.utils import translation
from pypdf import PdfReader

from inspections import documents, services
from inspections.choices import ChecklistItem
from inspections.models import RectificationOrder
from wagecase.core.choices import DepartmentKind

from .conftest import checklist

D = dt.date.fromisoformat

@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_text(data):
    """The text of every page, whitespace removed (pypdf may space CJK characters)."""
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def zh(item):
    with translation.override("zh-hans"):
        return str(ChecklistItem(item).label)


@pytest.mark.parametrize("amount, words", [
    ("60000", "陆万元整"),
    ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
    ("100000", "壹拾万元整"),
    ("20000.00", "贰万元整"),
    ("50000.5", "伍万元伍角整"),
    ("1005", "壹仟零伍元整"),
    ("10.05", "壹拾元零伍分"),
    ("100100", "壹拾万零壹佰元整"),
    ("1001000", "壹佰万壹仟元整"),
    ("10000100", "壹仟万零壹佰元整"),
    ("100010000", "壹亿零壹万元整"),
    ("0.07", "柒分"),
    ("0", "零元整"),
])
def test_amount_in_words(amount, words):
    assert documents.amount_in_words(Decimal(amount)) == words


def test_amount_in_words_refuses_negative():
    with pytest.raises(ValueError):
        documents.amount_in_words(Decimal("-1"))


@pytest.fixture
def failing_order(make_inspection, make_project, make_enterprise, make_department):
    make_department(kind=DepartmentKind.HRSS, name="秦州区人力资源和社会保障局（根治欠薪办）")
    contractor = make_enterprise(name="天水宏达建筑工程有限公司", address="天水市秦州区民主西路12号",
                                 roles=["general_contractor"])
    project = make_project(name="秦州区滨河花园3号楼", address="秦州区滨河路88号", general_contractor=contractor)
    inspection = make_inspection(
        project=project, inspected_on=D("2026-10-09"),
        checklist=checklist(wage_deposit="fail", notice_board="fail", real_name="na"),
        checklist_notes={"wage_deposit": "未能提供工资保证金存储凭证", "notice_board": "现场未见告示牌"},
    )
    return inspection.order


def test_inspection_with_failed_item_stores_its_order_pdf(failing_order):
    order = RectificationOrder.objects.get(pk=failing_order.pk)
    assert order.document.name.startswith("documents/orders/") and order.document.name.endswith(".pdf")
    with order.document.open("rb") as stream:
        data = stream.read()
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "限期整改指令书" in text
    assert re.sub(r"\s+", "", order.number) in text
    assert "天水宏达建筑工程有限公司" in text
    assert "秦州区滨河花园3号楼" in text and "秦州区滨河路88号" in text
    assert "2026年10月9日" in text  # inspection date
    assert f"请于{order.rectify_by.year}年{order.rectify_by.month}月{order.rectify_by.day}日前改正" in text
    assert zh("wage_deposit") in text and zh("notice_board") in text
    assert zh("real_name") not in text.split("经查")[1].split("上述行为")[0]  # only the failed items
    assert "未能提供工资保证金存储凭证" in text and "现场未见告示牌" in text
    assert "《保障农民工工资支付条例》" in text and "第五十四条至第五十七条" in text
    # The county's department, without its trailing note, issues it.
    assert "秦州区人力资源和社会保障局" in text and "根治欠薪办" not in text
    assert "执法证号" in text and "印章" in text


def test_order_without_department_is_issued_by_the_county_bureau(make_inspection):
    order = make_inspection(checklist=checklist(dedicated_account="fail")).order
    text = pdf_text(documents.order_pdf_bytes(order))
    assert "秦州区人力资源和社会保障局" in text
    assert zh("dedicated_account") in text


def test_penalty_pdf_with_amount_in_capitals(failing_order, inspector):
    order = services.order_reinspect(order=failing_order, user=inspector, reinspected_on=D("2026-11-10"),
                                     rectified=False)
    penalty = services.penalty_decide(order=order, user=inspector, article="55", amount=Decimal("60000"),
                                      work_stoppage=True, facts="逾期仍未存储工资保证金，未设立维权信息告示牌。",
                                      decided_on=D("2026-11-12"))
    penalty.refresh_from_db()
    assert penalty.document.name.startswith("documents/penalties/")
    with penalty.document.open("rb") as stream:
        text = pdf_text(stream.read())
    assert "行政处罚决定书" in text
    assert re.sub(r"\s+", "", penalty.number) in text
    assert "天水宏达建筑工程有限公司" in text and penalty.enterprise.uscc in text and "王建国" in text
    assert "60,000.00" in text and "陆万元整" in text
    assert "第五十五条" in text and "停工" in text
    assert re.sub(r"\s+", "", order.number) in text and "2026年11月10日" in text  # the order and the re-inspection
    assert "逾期仍未存储工资保证金" in text
    assert "行政复议" in text and "60日" in text and "6个月" in text and "行政诉讼" in text
    assert "2026年11月12日" in text


def test_rendering_is_fast(failing_order):
    documents.order_pdf_bytes(failing_order)  # the process's first document converts its glyphs
    started = time.perf_counter()
    for _ in range(3):
        documents.order_pdf_bytes(failing_order)
    assert (time.perf_counter() - started) / 3 < 0.3


def test_reattaching_replaces_the_file(failing_order):
    first = RectificationOrder.objects.get(pk=failing_order.pk).document.name
    order = RectificationOrder.objects.get(pk=failing_order.pk)
    documents.attach_order_pdf(order)
    order.refresh_from_db()
    assert order.document.name and order.document.storage.exists(order.document.name)
    assert not order.document.storage.exists(first) or first == order.document.name


def test_missing_font_is_reported(settings, tmp_path, make_inspection, caplog):
    bogus = tmp_path / "nofont.ttf"
    bogus.write_bytes(b"not a font")
    settings.PDF_FONT_PATH = str(bogus)
    with pytest.raises(documents.PdfFontMissing) as e:
        documents.resolve_font_faces(settings.PDF_FONT_PATH)
    assert "fonts-noto-cjk" in str(e.value) and "PDF_FONT_PATH" in str(e.value)
    [warning] = documents.check_pdf_font()
    assert warning.id == "wagecase.W050"
    # Recording the inspection still works; the order simply has no document yet.
    order = make_inspection(checklist=checklist(wage_deposit="fail")).order
    order.refresh_from_db()
    assert not order.document
    assert "fonts-noto-cjk" in caplog.text


def test_font_face_of_a_collection_is_the_simplified_chinese_one():
    face, _bold = documents.resolve_font_faces()
    assert "CJK SC" in face.family or "WenQuanYi" in face.family or "SC" in face.family
    assert documents.check_pdf_font() == []


def test_wrap_lines_keeps_punctuation_where_chinese_typesetting_wants_it():
    # A full stop hangs at the end of the line instead of starting the next one (two marks hang together).
    assert documents.wrap_lines("一二三四。五六七", 4, len) == ["一二三四。", "五六七"]
    assert documents.wrap_lines("一二三四。”五六", 4, len) == ["一二三四。”", "五六"]
    # An opening bracket moves to the next line with its text.
    assert documents.wrap_lines("一二三《四五》", 4, len) == ["一二三", "《四五》"]
    assert documents.wrap_lines("一二\n三", 4, len) == ["一二", "三"]
    assert documents.wrap_lines("", 4, len) == [""]


def test_pdf_font_path_picks_the_simplified_chinese_face(settings, failing_order):
    sans = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    if documents.find_face(sans) is None:
        pytest.skip("Noto Sans CJK is not installed")
    settings.PDF_FONT_PATH = sans
    face, bold = documents.resolve_font_faces(sans)
    assert face.family == "Noto Sans CJK SC" and face.index == documents.find_face(sans).index
    assert bold is None or bold.family == "Noto Sans CJK SC"
    assert "限期整改指令书" in pdf_text(documents.order_pdf_bytes(failing_order))


def test_penalty_on_a_responsible_person(failing_order, inspector):
    order = services.order_reinspect(order=failing_order, user=inspector, reinspected_on=D("2026-11-10"),
                                     rectified=False)
    penalty = services.penalty_decide(order=order, user=inspector, article="54_person", amount=Decimal("15000"),
                                      responsible_person="李建军", facts="项目负责人拒不改正。", decided_on=D("2026-11-12"))
    text = pdf_text(documents.penalty_pdf_bytes(penalty))
    assert "责任人员：李建军" in text and "对李建军作出如下行政处罚" in text
    assert "15,000.00" in text and "壹万伍仟元整" in text and "第五十四条" in text
    assert "停工，至改正" not in text
