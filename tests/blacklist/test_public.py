"""Public pages of blacklist, without login: the list of serious wage-arrears violators shows only
entries listed and in force by today's date (never notified, withdrawn, removed, expired, nor one
whose term ran out before the nightly job ran), persons' IDs always masked, searchable by name and
USCC but not by ID; the major-violation publications only once published, with their downloads."""
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from blacklist import services
from blacklist.models import Listing
from complaints import services as case_services
from wagecase.core.identifiers import make_id_number
from wagecase.core.models import Region

D = dt.date.fromisoformat
LIST_URL = "/public/blacklist/"


def propose(case, user, **fields):
    fields.setdefault("subject_type", "person")
    fields.setdefault("basis", "threshold")
    fields.setdefault("notified_on", D("2026-02-12"))
    fields.setdefault("person_role", "responsible")
    return services.listing_propose(case=case, user=user, **fields)


def decide(listing, user, day="2026-02-27"):
    return services.listing_decide(listing=listing, user=user, decided_on=D(day))


@pytest.fixture
def old_case(make_case, inspector):
    """A case of 2022–23: its listings were decided in 2023 and their three years have run out by now."""
    case = make_case(occurred_on=D("2022-11-01"), workers_owed=12, amount_owed=Decimal("96000.00"), deadline=D("2023-06-30"))
    case_services.case_order(case=case, user=inspector, issued_on=D("2023-01-03"), pay_by=D("2023-01-13"))
    case.refresh_from_db()
    return case


@pytest.fixture
def listings(listable_case, old_case, inspector, rng):
    """One listing in each state the public must or must not see; {label: listing}."""
    ids = iter(make_id_number(rng, "620502") for _ in range(10))
    made = {}
    made["enterprise"] = decide(propose(listable_case, inspector, subject_type="enterprise", person_role=""), inspector)
    person_id = next(ids)
    # Facts a clerk typed with the person's ID in them: masked on the public page too.
    made["person"] = decide(propose(listable_case, inspector, name="李铁成", id_number=person_id,
                                    facts=f"李铁成（公民身份号码{person_id}）系项目负责人，对拖欠工资负有直接责任。"), inspector)
    made["notified"] = propose(listable_case, inspector, name="赵待定", id_number=next(ids))
    withdrawn = propose(listable_case, inspector, name="钱撤回", id_number=next(ids))
    objection = services.listing_object(listing=withdrawn, user=inspector, text="本人已离职。", received_on=D("2026-02-13"))
    services.objection_review(objection=objection, user=inspector, outcome="upheld", review="属实。")
    made["withdrawn"] = withdrawn
    made["removed"] = decide(propose(listable_case, inspector, name="孙修复", id_number=next(ids)), inspector)
    # The old case: one listing expired by the job, one past its term while the job has not run yet.
    made["expired"] = decide(propose(old_case, inspector, name="周期满", id_number=next(ids), notified_on=D("2023-02-01")),
                             inspector, "2023-02-20")
    made["past_term"] = decide(propose(old_case, inspector, name="吴过期", id_number=next(ids), notified_on=D("2023-02-01")),
                               inspector, "2023-03-01")
    assert services.listings_expire(today=D("2026-02-25")) == 1  # the job of that day: 周期满 only
    case_services.case_payment_add(case=listable_case, user=inspector, amount="96000.00", paid_on=D("2026-03-10"),
                                   source="enterprise", workers=12)
    services.listing_remove(listing=made["removed"], user=inspector, reason="credit_repair", pledge="本人承诺依法支付工资。",
                            removed_on=D("2026-09-10"))
    for listing in made.values():
        listing.refresh_from_db()
    assert {k: v.status for k, v in made.items()} == {
        "enterprise": "listed", "person": "listed", "notified": "notified", "withdrawn": "withdrawn", "removed": "removed",
        "expired": "expired", "past_term": "listed"}
    assert made["past_term"].expires_on == D("2026-03-01")
    return made


def test_anonymous_sees_only_entries_in_force(client, listings):
    response = client.get(LIST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    shown = {int(pk) for pk in re.findall(r'data-listing="(\d+)"', html)}
    assert shown == {listings["enterprise"].pk, listings["person"].pk}
    for hidden in ("notified", "withdrawn", "removed", "expired", "past_term"):
        assert listings[hidden].name not in html, hidden
    assert listings["enterprise"].uscc in html and listings["enterprise"].decision_number in html
    assert "2026-02-27" in html and "2029-02-27" in html
    assert reverse("public_blacklist:list") == LIST_URL


def test_person_ids_never_unmasked(client, listings, inspector, admin_user):
    person = listings["person"]
    masked = f"{person.id_number[:6]}********{person.id_number[-4:]}"
    pages = [client.get(LIST_URL).content.decode()]
    # Whoever looks: an officer with the personal-data permission sees the masked ID here too.
    for user in (inspector, admin_user):
        client.force_login(user)
        pages.append(client.get(LIST_URL).content.decode())
        pages.append(client.get(LIST_URL, {"q": person.name}).content.decode())
    client.logout()
    for html in pages:
        assert masked in html
        for listing in Listing.objects.exclude(id_number=""):
            assert listing.id_number not in html


def test_search_by_name_and_uscc_not_by_id(client, listings):
    enterprise, person = listings["enterprise"], listings["person"]

    def found(q):
        html = client.get(LIST_URL, {"q": q}).content.decode()
        return {pk for pk in (enterprise.pk, person.pk) if f'data-listing="{pk}"' in html}

    assert found("李铁成") == {person.pk}
    assert found("铁成") == {person.pk}
    assert found(enterprise.uscc) == {enterprise.pk, person.pk}  # a person is found by the enterprise's code too
    assert found(enterprise.uscc.lower()[:10]) == {enterprise.pk, person.pk}
    assert found(enterprise.name) == {enterprise.pk, person.pk}
    assert found("不存在的公司") == set()
    assert found("赵待定") == set() and found("吴过期") == set()  # not in force: not found either
    assert found(person.id_number) == set()  # no probing of ID numbers
    assert client.get(LIST_URL, {"q": "x" * 500}).status_code == 200


def test_list_pages_and_queries(client, listings, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(LIST_URL, {"page": 99})
    assert response.status_code == 200


def test_rate_limited(client, db, settings):
    settings.PUBLIC_BLACKLIST_RATE_PER_IP = "3/m"
    for _ in range(3):
        assert client.get(LIST_URL).status_code == 200
    response = client.get(LIST_URL)
    assert response.status_code == 429 and response["Retry-After"]


@pytest.fixture
def batches(listable_case, make_case, inspector, head):
    """A published batch (2026 Q1) and one of each unpublished status."""
    region = Region.objects.get(pk="620502")
    published = services.batch_create(user=inspector, region=region, year=2026, quarter=1)
    services.batch_review(batch=published, user=inspector)
    services.batch_approve(batch=published, user=head)
    services.batch_publish(batch=published, user=inspector, published_on=D("2026-04-10"))
    draft = services.batch_create(user=inspector, region=region, year=2025, quarter=1)
    reviewed = services.batch_create(user=inspector, region=region, year=2025, quarter=2)
    approved = services.batch_create(user=inspector, region=region, year=2025, quarter=3)
    for batch in (reviewed, approved):
        case = make_case(occurred_on=D("2025-01-02"), workers_owed=12, amount_owed=Decimal("96000.00"), deadline=D("2025-12-20"))
        case_services.case_order(case=case, user=inspector, issued_on=D("2025-01-05"), pay_by=D("2025-01-20"))
        case.refresh_from_db()
        services.batch_entry_add(batch=batch, case=case, user=inspector)
        services.batch_review(batch=batch, user=inspector)
    services.batch_approve(batch=approved, user=head)
    made = {"published": published, "draft": draft, "reviewed": reviewed, "approved": approved}
    for batch in made.values():
        batch.refresh_from_db()
    return made


def test_only_published_batches_are_public(client, batches, listable_case):
    published = batches["published"]
    html = client.get(reverse("public_blacklist:violations")).content.decode()
    assert published.title in html
    for name in ("draft", "reviewed", "approved"):
        assert batches[name].status == name
        assert f'data-batch="{batches[name].pk}"' not in html
        for view in ("violation", "violation_xlsx", "violation_pdf"):
            assert client.get(reverse(f"public_blacklist:{view}", args=[batches[name].pk])).status_code == 404, (name, view)
    response = client.get(reverse("public_blacklist:violation", args=[published.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    entry = published.entries.get()
    for text in (entry.enterprise_name, entry.uscc, entry.legal_representative, entry.facts, entry.handling):
        assert text in page
    assert reverse("public_blacklist:violation_xlsx", args=[published.pk]) in page
    response = client.get(reverse("public_blacklist:violation_xlsx", args=[published.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.content)).active["B4"].value == entry.enterprise_name
    response = client.get(reverse("public_blacklist:violation_pdf", args=[published.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get(reverse("public_blacklist:violation", args=[999999])).status_code == 404
