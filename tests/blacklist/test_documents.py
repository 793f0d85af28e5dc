"""Blacklist's documents and publication pages: the advance notice and the decision as PDF (read back
with pypdf: numbers, dates, masked IDs), the quarterly publication as a workbook and a landscape PDF,
the downloads kept to the user's county, and a batch taken through its pages from creation to
publication (review by an inspector, approval by the office head)."""
import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from blacklist import documents, excel, services
from blacklist.models import PublicationBatch
from complaints import services as case_services
from wagecase.core.choices import DepartmentKind
from wagecase.core.identifiers import make_id_number
from wagecase.core.models import Region

D = dt.date.fromisoformat


def pdf_text(data):
    """The text of every page, whitespace and page footers removed (pypdf may space CJK characters)."""
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"第\d+页", "", re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages)))


def last_level(response):
    """The level of the last message the page shows (earlier requests' messages come first)."""
    return [m.level_tag for m in response.context["messages"]][-1]


def propose(case, user, **fields):
    fields.setdefault("subject_type", "enterprise")
    fields.setdefault("basis", "threshold")
    fields.setdefault("notified_on", D("2026-02-12"))
    return services.listing_propose(case=case, user=user, **fields)


@pytest.fixture
def office(make_department):
    return make_department(kind=DepartmentKind.HRSS, name="秦州区人力资源和社会保障局（根治欠薪办）")


@pytest.fixture
def person_id(rng):
    return make_id_number(rng, "620502")


@pytest.fixture
def batch(listable_case, inspector, office):
    case_services.case_refer(case=listable_case, user=inspector, referred_on=D("2026-02-10"), police_unit="天水市公安局秦州分局")
    return services.batch_create(user=inspector, region=Region.objects.get(pk="620502"), year=2026, quarter=1)


def test_notice_pdf_has_the_number_the_objection_date_and_a_masked_id(listable_case, inspector, office, person_id):
    listing = propose(listable_case, inspector, subject_type="person", name="王建国", id_number=person_id,
                      person_role="responsible", facts=f"王建国（{person_id}）系项目负责人，拖欠12名劳动者工资共计96,000.00元。")
    text = pdf_text(documents.listing_notice_pdf(listing))
    assert "失信联合惩戒对象名单列入告知书" in text
    assert listing.notice_number in text
    assert "2026年2月26日" in text  # objection_due: the 5th working day across the Spring Festival
    assert f"{person_id[:6]}********{person_id[-4:]}" in text and person_id not in text
    assert "人力资源社会保障部令第45号" in text and "陈述" in text and "5个工作日" in text
    assert "秦州区人力资源和社会保障局" in text and "2026年2月12日" in text
    assert listable_case.enterprise.name in text


def test_decision_pdf_with_its_term(listable_case, inspector, office):
    listing = propose(listable_case, inspector)
    with pytest.raises(ValueError):
        documents.listing_decision_pdf(listing)
    listing = services.listing_decide(listing=listing, user=inspector, decided_on=D("2026-02-27"))
    text = pdf_text(documents.listing_decision_pdf(listing))
    assert "列入决定书" in text and listing.decision_number in text and listing.notice_number in text
    assert "2026年2月27日" in text and "2029年2月27日" in text
    assert listing.uscc in text


def test_publication_workbook(batch, listable_case):
    entry = batch.entries.get()
    book = load_workbook(io.BytesIO(excel.publication_xlsx(batch)))
    sheet = book.active
    assert "A1:G1" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A1"].value == "秦州区2026年第一季度重大劳动保障违法行为社会公布"
    assert [c.value for c in sheet[3]] == ["序号", "单位名称", "统一社会信用代码", "地址", "法定代表人", "违法事实", "处理情况"]
    assert [c.value for c in sheet[4]] == [1, entry.enterprise_name, entry.uscc, entry.address or None,
                                           entry.legal_representative, entry.facts, entry.handling]
    assert sheet.freeze_panes == "A4" and sheet["F4"].alignment.wrap_text
    assert sheet.column_dimensions["F"].width >= 40
    assert "2026年第一季度" in sheet["A2"].value


def test_publication_pdf_is_landscape_and_wraps_long_facts(batch, listable_case):
    entry = batch.entries.get()
    data = documents.publication_pdf(batch)
    reader = PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert box.width > box.height
    text = pdf_text(data)
    for part in (batch.title, "统一社会信用代码", "违法事实", "处理情况", entry.uscc, entry.enterprise_name):
        assert part in text
    assert re.sub(r"\s+", "", entry.facts)[:20] in text
    # Many long entries: rows wrap and continue over pages, the headers repeated.
    entry.facts = "经查，该单位拖欠农民工工资。" * 120
    entry.save()
    long = pdf_text(documents.publication_pdf(batch))
    assert len(PdfReader(io.BytesIO(documents.publication_pdf(batch))).pages) >= 2
    assert long.count("处理情况") >= 2


def test_downloads_stay_in_the_county(client, batch, listable_case, inspector, other_inspector, office):
    listing = services.listing_decide(listing=propose(listable_case, inspector), user=inspector, decided_on=D("2026-02-27"))
    urls = [
        reverse("blacklist:batch_xlsx", args=[batch.pk]),
        reverse("blacklist:batch_pdf", args=[batch.pk]),
        reverse("blacklist:batch_detail", args=[batch.pk]),
        reverse("blacklist:listing_notice_pdf", args=[listing.pk]),
        reverse("blacklist:listing_decision_pdf", args=[listing.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(other_inspector)
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.force_login(inspector)
    response = client.get(urls[0])
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    for url in urls[1:]:
        response = client.get(url)
        assert response.status_code == 200, url
    response = client.get(urls[3])
    assert response["Content-Type"] == "application/pdf" and listing.notice_number in pdf_text(response.content)


def test_decision_pdf_only_once_decided(client, listable_case, inspector):
    listing = propose(listable_case, inspector)
    client.force_login(inspector)
    assert client.get(reverse("blacklist:listing_decision_pdf", args=[listing.pk])).status_code == 404
    assert client.get(reverse("blacklist:listing_notice_pdf", args=[listing.pk])).status_code == 200


def test_batch_flow_through_the_pages(client, listable_case, small_case, inspector, head, office_staff, office):
    client.force_login(office_staff)  # may see the batches, not prepare them
    response = client.get(reverse("blacklist:batch_list"))
    assert response.status_code == 200 and b'id="batch-create"' not in response.content
    assert client.post(reverse("blacklist:batch_add"), {"region_code": "620502", "year": 2026, "quarter": 1}).status_code == 403

    client.force_login(inspector)
    response = client.get(reverse("blacklist:batch_list"))
    assert b'id="batch-create"' in response.content
    response = client.post(reverse("blacklist:batch_add"), {"region_code": "620502", "year": 2026, "quarter": 1}, follow=True)
    batch = PublicationBatch.objects.get()
    assert response.redirect_chain[-1][0] == reverse("blacklist:batch_detail", args=[batch.pk])
    assert any("1" in str(m) for m in response.context["messages"])
    assert [e.case_id for e in batch.entries.all()] == [listable_case.pk]
    # The same quarter again: an error message, nothing made.
    response = client.post(reverse("blacklist:batch_add"), {"region_code": "620502", "year": 2026, "quarter": 1}, follow=True)
    assert PublicationBatch.objects.count() == 1 and last_level(response) == "error"

    detail = reverse("blacklist:batch_detail", args=[batch.pk])
    page = client.get(detail).content.decode()
    assert listable_case.enterprise.name in page and 'data-action="remove"' in page and 'data-action="review"' in page
    # A case that does not qualify is refused with the reason.
    response = client.post(reverse("blacklist:batch_entry_add", args=[batch.pk]), {"case": small_case.pk}, follow=True)
    assert last_level(response) == "error" and batch.entries.count() == 1
    # Take the entry out and put it back.
    entry = batch.entries.get()
    client.post(reverse("blacklist:batch_entry_remove", args=[batch.pk, entry.pk]))
    assert not batch.entries.exists()
    client.post(reverse("blacklist:batch_entry_add", args=[batch.pk]), {"case": listable_case.pk})
    assert batch.entries.count() == 1

    client.post(reverse("blacklist:batch_review", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "reviewed" and batch.reviewed_by == inspector
    # Entries are frozen now; an inspector cannot approve.
    response = client.post(reverse("blacklist:batch_entry_remove", args=[batch.pk, batch.entries.get().pk]), follow=True)
    assert batch.entries.count() == 1 and last_level(response) == "error"
    assert client.post(reverse("blacklist:batch_approve", args=[batch.pk])).status_code == 403
    # Publishing before approval: an error message, nothing changes.
    response = client.post(reverse("blacklist:batch_publish", args=[batch.pk]), follow=True)
    batch.refresh_from_db()
    assert batch.status == "reviewed" and last_level(response) == "error"

    client.force_login(head)
    assert 'data-action="approve"' in client.get(detail).content.decode()
    client.post(reverse("blacklist:batch_approve", args=[batch.pk]))
    batch.refresh_from_db()
    assert (batch.status, batch.approved_by) == ("approved", head)
    assert 'data-action="publish"' in client.get(detail).content.decode()

    client.force_login(inspector)
    assert client.get(reverse("public_blacklist:violation", args=[batch.pk])).status_code == 404
    client.post(reverse("blacklist:batch_publish", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "published" and batch.published_on is not None
    assert client.get(reverse("public_blacklist:violation", args=[batch.pk])).status_code == 200
    listing_page = client.get(reverse("blacklist:batch_list")).content.decode()
    assert batch.title in listing_page
    history = client.get(detail + "?tab=history")
    assert history.status_code == 200


def test_head_who_reviewed_cannot_approve_through_the_page(client, batch, head):
    client.force_login(head)
    client.post(reverse("blacklist:batch_review", args=[batch.pk]))
    response = client.post(reverse("blacklist:batch_approve", args=[batch.pk]), follow=True)
    batch.refresh_from_db()
    assert batch.status == "reviewed"
    assert last_level(response) == "error"


def test_batch_list_queries_do_not_grow(client, inspector, django_assert_max_num_queries):
    for year in (2024, 2025):
        for quarter in (1, 2, 3, 4):
            services.batch_create(user=inspector, region=Region.objects.get(pk="620502"), year=year, quarter=quarter)
    client.force_login(inspector)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("blacklist:batch_list"))
    assert response.status_code == 200 and response.content.decode().count('data-status="draft"') == 8
