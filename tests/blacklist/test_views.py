"""Staff pages of credit punishment: the generic list/detail suite (scope, permissions, query ceiling),
proposing from a case and deciding through the pages (the objection window's countdown, an early
decision refused with nothing changed), the actions out of scope (404) and for bureau users (403),
ratings (only the office head adjusts), credit-platform exports with their scoped download, the
menu, and the flags on the project, case, clue and enterprise pages once an enterprise is listed.

Data is made through the services; pages are driven with the Django test client."""
import datetime as dt
import json
import random

import pytest
from django.urls import reverse
from django.utils import translation

from blacklist import services
from blacklist.models import CreditExport, EnterpriseRating, Listing, ListingEvent
from complaints import services as case_services
from projects.services import subcontractor_add
from tests.generic_views import DetailViewTests, ListViewTests
from wagecase.core.choices import Role
from wagecase.core.identifiers import make_id_number
from wagecase.core.models import PiiAccessLog

from tests.complaints.conftest import make_clue  # noqa: F401  (a fixture)

from ..conftest import HOME, OTHER

D = dt.date.fromisoformat


@pytest.fixture(autouse=True)
def _english(client):
    """The assertions below read the English wording: these pages ask for it (the UI follows the
    browser's language; zh-hans is the default, checked in test_pages_speak_chinese_by_default)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def test_pages_speak_chinese_by_default(db, inspector):
    from django.test import Client

    chinese = Client()
    chinese.force_login(inspector)
    text = chinese.get(reverse("blacklist:listing_list")).content.decode()
    assert "失信联合惩戒" in text and 'lang="zh-hans"' in text


def page(response):
    return response.content.decode()


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context and "messages" in response.context else []


def propose(case, user, **fields):
    fields.setdefault("subject_type", "enterprise")
    fields.setdefault("basis", "threshold")
    fields.setdefault("notified_on", D("2026-02-12"))
    return services.listing_propose(case=case, user=user, **fields)


def action_url(listing, action):
    return reverse("blacklist:listing_action", kwargs={"pk": listing.pk, "action": action})


@pytest.fixture
def ordered_case(make_case, make_project):
    """A case over the criminal threshold whose order to pay (by 20 January 2026) was ignored, in `region`."""

    def make(user, region=HOME):
        project = make_project(region=region)
        case = make_case(user=user, project=project, enterprise=project.general_contractor, occurred_on=D("2025-12-01"),
                         workers_owed=12, amount_owed="96000.00", deadline=D("2026-03-01"))
        case_services.case_order(case=case, user=user, issued_on=D("2026-01-05"), pay_by=D("2026-01-20"))
        case.refresh_from_db()
        return case

    return make


@pytest.fixture
def listed(listable_case, inspector):
    """The listable case's enterprise, decided on 27 February 2026 (in force until 2029)."""
    listing = propose(listable_case, inspector)
    return services.listing_decide(listing=listing, user=inspector, decided_on=D("2026-02-27"))


@pytest.fixture
def other_listing(ordered_case, other_inspector):
    return propose(ordered_case(other_inspector, OTHER), other_inspector)


@pytest.fixture
def logged_in(client, inspector):
    client.force_login(inspector)
    return client


# --- Generic suites --------------------------------------------------------------------------------

class TestListingViews(ListViewTests, DetailViewTests):
    model = Listing
    permitted_roles = {"view": Role.INSPECTOR}
    list_rows = 31
    list_max_queries = 8

    @pytest.fixture
    def make_in_scope(self, ordered_case, inspector):
        case = ordered_case(inspector)
        rng = random.Random(7)
        made = iter(range(10_000))

        def make():
            if next(made) == 0:
                return propose(case, inspector)
            return propose(case, inspector, subject_type="person", person_role="responsible", name="李四",
                           id_number=make_id_number(rng, HOME))

        return make

    @pytest.fixture
    def make_out_of_scope(self, ordered_case, other_inspector):
        return lambda: propose(ordered_case(other_inspector, OTHER), other_inspector)


# --- Listing pages ---------------------------------------------------------------------------------

def test_list_page_shows_listings_with_ids_masked(logged_in, listable_case, inspector):
    enterprise = listable_case.enterprise
    person = propose(listable_case, inspector, subject_type="person", name=enterprise.legal_representative,
                     id_number=enterprise.legal_representative_id_number)
    propose(listable_case, inspector)
    response = logged_in.get(reverse("blacklist:listing_list"))
    assert response.status_code == 200
    html = page(response)
    assert enterprise.uscc in html and enterprise.name in html
    assert person.id_number not in html and person.id_number[:6] + "********" + person.id_number[-4:] in html
    assert reverse("complaints:arrearscase_detail", args=[listable_case.pk]) in html
    filtered = logged_in.get(reverse("blacklist:listing_list"), {"subject_type": "person", "status": "notified"})
    assert list(filtered.context["filter"].qs) == [person]
    assert logged_in.get(reverse("blacklist:listing_list"), {"in_force": "true"}).context["filter"].qs.count() == 0


def test_propose_then_decide_through_the_pages(logged_in, listable_case, inspector):
    case_page = page(logged_in.get(listable_case.get_absolute_url()))
    propose_url = reverse("blacklist:listing_propose")
    assert f"{propose_url}?case={listable_case.pk}" in case_page

    form = logged_in.get(propose_url, {"case": listable_case.pk})
    assert form.status_code == 200
    assert form.context["form"].initial["facts"].startswith(listable_case.enterprise.name)
    assert listable_case.enterprise.legal_representative_id_number not in page(form)  # only masked in the choice
    response = logged_in.post(propose_url, {"case": listable_case.pk, "subject": "enterprise", "basis": "threshold",
                                            "notified_on": "2026-02-12", "facts": "拖欠十二名农民工工资96,000.00元。"})
    listing = Listing.objects.get()
    assert response.status_code == 302 and response.url == listing.get_absolute_url()
    assert (listing.status, listing.objection_due, listing.proposed_by) == ("notified", D("2026-02-26"), inspector)
    assert listing.facts == "拖欠十二名农民工工资96,000.00元。"

    # The legal representative, taken from the enterprise's record.
    logged_in.post(propose_url, {"case": listable_case.pk, "subject": "legal_representative", "basis": "threshold",
                                 "notified_on": "2026-02-12"})
    legal = Listing.objects.get(subject_type="person")
    assert (legal.person_role, legal.id_number) == ("legal_representative", listable_case.enterprise.legal_representative_id_number)

    detail = logged_in.get(listing.get_absolute_url())
    assert detail.status_code == 200
    assert [a["spec"].slug for a in detail.context["actions"]] == ["objection", "decide", "note"]
    assert detail.context["actions"][1]["blocker"] is None  # the window closed on 26 February
    for tab in ("history", "journal"):
        assert logged_in.get(listing.get_absolute_url(), {"tab": tab}).status_code == 200

    # An objection received in time, reviewed and rejected; then the decision on the 27th.
    logged_in.post(action_url(listing, "objection"), {"received_on": "2026-02-24", "text": "已与工人协商分期支付。"})
    assert "Review the objection" in detail_blocker(logged_in, listing, "decide")
    objection = listing.objections.get()
    response = logged_in.post(action_url(listing, "review"), {"objection": objection.pk, "outcome": "rejected",
                                                              "review": "未提供支付凭证，异议不成立。"})
    assert response.status_code == 302
    response = logged_in.post(action_url(listing, "decide"), {"decided_on": "2026-02-27", "comment": ""})
    assert response.status_code == 302
    listing.refresh_from_db()
    assert (listing.status, listing.listed_on, listing.expires_on) == ("listed", D("2026-02-27"), D("2029-02-27"))
    assert list(listing.events.values_list("type", flat=True)) == [
        "proposed", "objection", "reviewed", "listed", "published"]

    detail = logged_in.get(listing.get_absolute_url())
    html = page(detail)
    assert listing.decision_number in html and "2029-02-27" in html
    assert [a["spec"].slug for a in detail.context["actions"]] == ["remove", "note"]
    assert detail.context["actions"][0]["blocker"]  # the case is not cleared: no credit repair
    history = logged_in.get(listing.get_absolute_url(), {"tab": "history"})
    assert len(history.context["changes"]) >= 3  # created, the objection and its review, decided
    # Removing now is refused with the reason and changes nothing.
    response = logged_in.post(action_url(listing, "remove"), {"pledge": "本单位承诺依法按时足额支付工资。", "removed_on": "2026-11-30"})
    assert response.status_code == 409
    assert any("not cleared" in m for m in messages_of(response))
    listing.refresh_from_db()
    assert listing.status == "listed"


def detail_blocker(client, listing, slug):
    actions = client.get(listing.get_absolute_url()).context["actions"]
    return next(a["blocker"] for a in actions if a["spec"].slug == slug) or ""


def test_early_decision_is_refused_with_the_reason_and_nothing_changes(logged_in, listable_case, inspector):
    listing = propose(listable_case, inspector)
    events = ListingEvent.objects.count()
    response = logged_in.post(action_url(listing, "decide"), {"decided_on": "2026-02-26"})
    assert response.status_code == 409
    assert any("2026-02-26" in m and "objection period" in m for m in messages_of(response))
    assert response.context["form"].data["decided_on"] == "2026-02-26"
    listing.refresh_from_db()
    assert (listing.status, listing.listed_on, listing.decision_number) == ("notified", None, "")
    assert ListingEvent.objects.count() == events


def test_objection_window_countdown(logged_in, listable_case, inspector, settings):
    listing = propose(listable_case, inspector)
    # Seen on 24 February 2026 (a working day): 24, 25 and 26 February are left.
    from blacklist.views import decide_blocker, working_days_left

    assert working_days_left(listing.objection_due, D("2026-02-24")) == 3
    assert working_days_left(listing.objection_due, D("2026-02-27")) == 0
    with translation.override("en"):
        assert "3 working days left" in decide_blocker(listing, D("2026-02-24"))
    with translation.override("zh-hans"):
        assert "剩余 3 个工作日" in decide_blocker(listing, D("2026-02-24"))
    assert "2026-02-26" in decide_blocker(listing, D("2026-02-24"))


def test_propose_refused_when_the_criteria_do_not_hold(logged_in, small_case):
    url = reverse("blacklist:listing_propose")
    form = logged_in.get(url, {"case": small_case.pk})
    assert form.status_code == 200
    assert [holds for _label, holds, _reason in form.context["criteria"]] == [False, False]
    response = logged_in.post(url, {"case": small_case.pk, "subject": "enterprise", "basis": "threshold",
                                    "notified_on": "2026-02-12"})
    assert response.status_code == 409
    assert any("criminal threshold" in m for m in messages_of(response))
    assert not Listing.objects.exists()
    # A person without an ID number: the form says so, nothing saved.
    response = logged_in.post(url, {"case": small_case.pk, "subject": "responsible", "name": "李四", "basis": "threshold",
                                    "notified_on": "2026-02-12"})
    assert response.status_code == 200 and "id_number" in response.context["form"].errors
    assert not Listing.objects.exists()


def test_other_countys_listing_is_404_on_every_page(logged_in, other_listing):
    assert logged_in.get(other_listing.get_absolute_url()).status_code == 404
    for action in ("objection", "review", "decide", "remove", "note"):
        assert logged_in.get(action_url(other_listing, action)).status_code == 404
        assert logged_in.post(action_url(other_listing, action), {"comment": "x", "decided_on": "2026-02-27"}).status_code == 404
    other_listing.refresh_from_db()
    assert other_listing.status == "notified" and other_listing.events.count() == 1
    assert logged_in.get(reverse("blacklist:listing_propose"), {"case": other_listing.case_id}).status_code == 404


def test_bureau_users_only_read(client, bureau, listed):
    client.force_login(bureau)
    response = client.get(listed.get_absolute_url())
    assert response.status_code == 200 and response.context["actions"] == []
    assert client.post(action_url(listed, "note"), {"comment": "x"}).status_code == 403
    assert client.get(reverse("blacklist:listing_propose"), {"case": listed.case_id}).status_code == 403
    assert listed.case.get_absolute_url()
    assert "data-propose-listing" not in page(client.get(listed.case.get_absolute_url()))


def test_person_id_is_masked_and_revealed_only_through_the_logged_view(client, logged_in, listable_case, inspector,
                                                                      office_staff):
    enterprise = listable_case.enterprise
    person = propose(listable_case, inspector, subject_type="person", name=enterprise.legal_representative,
                     id_number=enterprise.legal_representative_id_number)
    html = page(logged_in.get(person.get_absolute_url()))
    assert person.id_number not in html and "pii-reveal" in html
    client.force_login(office_staff)  # no core.view_pii
    assert "pii-reveal" not in page(client.get(person.get_absolute_url()))


def test_list_page_query_count_is_bounded(logged_in, ordered_case, inspector, django_assert_max_num_queries):
    rng = random.Random(3)
    for _ in range(3):
        case = ordered_case(inspector)
        propose(case, inspector)
        for _ in range(4):
            propose(case, inspector, subject_type="person", person_role="responsible", name="张三",
                    id_number=make_id_number(rng, HOME))
    logged_in.get(reverse("blacklist:listing_list"))
    with django_assert_max_num_queries(8):
        response = logged_in.get(reverse("blacklist:listing_list"))
    assert len(response.context["table"].page.object_list) == 15


# --- Flags on other pages ---------------------------------------------------------------------------

def test_flags_appear_on_project_case_clue_and_enterprise_pages_after_listing(logged_in, listable_case, inspector,
                                                                            make_enterprise, make_clue):
    enterprise = listable_case.enterprise
    project = listable_case.project
    sub = make_enterprise(roles=["subcontractor"])
    subcontractor_add(project=project, enterprise=sub)
    project_url = reverse("projects:project_detail", kwargs={"code": project.code})
    assert "data-blacklisted" not in page(logged_in.get(project_url))
    assert "data-blacklisted" not in page(logged_in.get(listable_case.get_absolute_url()))

    listing = propose(listable_case, inspector)
    assert "data-blacklisted" not in page(logged_in.get(project_url))  # notified is not listed
    services.listing_decide(listing=listing, user=inspector, decided_on=D("2026-02-27"))

    html = page(logged_in.get(project_url))
    assert html.count("data-blacklisted") == 1 and "On the credit blacklist until 2029-02-27" in html
    assert reverse("blacklist:listing_detail", args=[listing.pk]) in html
    html = page(logged_in.get(listable_case.get_absolute_url()))
    assert f'data-blacklisted="{listing.pk}"' in html and 'id="listings"' in html
    assert page(logged_in.get(reverse("core:enterprise_detail", args=[enterprise.pk]))).count("data-blacklisted") == 1

    clue = make_clue(employer_name=enterprise.name, employer_uscc=enterprise.uscc)
    assert f'data-blacklisted="{listing.pk}"' in page(logged_in.get(clue.get_absolute_url()))
    # The intake form's live check warns as soon as the USCC is typed or picked.
    check = logged_in.post(reverse("complaints:duplicate_check"), {"employer_uscc": enterprise.uscc})
    assert "data-employer-blacklisted" in page(check)
    check = logged_in.post(reverse("complaints:duplicate_check"), {"employer_uscc": sub.uscc})
    assert "data-employer-blacklisted" not in page(check)


def test_project_page_flags_cost_one_query(logged_in, listable_case, inspector, make_enterprise,
                                            django_assert_num_queries):
    from django.template import Context, Template
    from django.test import RequestFactory

    listing = propose(listable_case, inspector)
    services.listing_decide(listing=listing, user=inspector, decided_on=D("2026-02-27"))
    subs = [make_enterprise(roles=["subcontractor"]) for _ in range(5)]
    request = RequestFactory().get("/")
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    template = Template("{% load blacklist_tags %}{% blacklist_preload ids subs %}"
                        "{% for s in subs %}{% blacklist_flag s %}{% endfor %}{% blacklist_flag ids.0 %}")
    with django_assert_num_queries(1):
        html = template.render(Context({"request": request, "ids": [listable_case.enterprise_id], "subs": subs}))
    assert html.count("data-blacklisted") == 1


# --- Ratings ----------------------------------------------------------------------------------------

def test_ratings_list_and_detail(logged_in, listed, make_enterprise):
    enterprise = listed.enterprise
    clean = make_enterprise()
    services.rating_compute(enterprise=clean)
    response = logged_in.get(reverse("blacklist:rating_list"))
    assert response.status_code == 200
    assert {r.enterprise_id: r.rating for r in response.context["filter"].qs} == {enterprise.pk: "C", clean.pk: "A"}
    assert list(logged_in.get(reverse("blacklist:rating_list"), {"rating": "C"}).context["filter"].qs.values_list(
        "enterprise_id", flat=True)) == [enterprise.pk]
    response = logged_in.get(reverse("blacklist:rating_detail", args=[enterprise.pk]))
    html = page(response)
    assert response.status_code == 200 and "2029-02-27" in html and services.RATING_RULES.splitlines()[0] in html
    assert response.context["form"] is None  # an inspector does not adjust
    # An enterprise not yet rated: the rules' result is shown, nothing stored.
    unrated = make_enterprise()
    response = logged_in.get(reverse("blacklist:rating_detail", args=[unrated.pk]))
    assert response.status_code == 200 and response.context["preview"]["computed"] == "A"
    assert not EnterpriseRating.objects.filter(enterprise=unrated).exists()
    # The enterprise page links to the rating.
    assert reverse("blacklist:rating_detail", args=[enterprise.pk]) in page(
        logged_in.get(reverse("core:enterprise_detail", args=[enterprise.pk])))


def test_only_the_office_head_adjusts_a_rating(client, logged_in, head, listed, make_enterprise):
    enterprise = listed.enterprise
    url = reverse("blacklist:rating_detail", args=[enterprise.pk])
    assert logged_in.post(url, {"rating": "B", "reason": "已全部清偿"}).status_code == 403
    assert EnterpriseRating.objects.get(enterprise=enterprise).adjusted == ""

    client.force_login(head)
    assert client.get(url).context["form"] is not None
    response = client.post(url, {"rating": "B", "reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = client.post(url, {"rating": "B", "reason": "已全部清偿，经局务会研究调整。"})
    assert response.status_code == 302
    rating = EnterpriseRating.objects.get(enterprise=enterprise)
    assert (rating.computed, rating.adjusted, rating.adjusted_by) == ("C", "B", head)
    enterprise.refresh_from_db()
    assert enterprise.credit_rating == "B"
    response = client.get(url)
    assert response.context["changes"] and "已全部清偿" in page(response)
    # Another county's enterprise is out of reach.
    assert client.get(reverse("blacklist:rating_detail", args=[make_enterprise(region=OTHER).pk])).status_code == 404


# --- Credit-platform exports ------------------------------------------------------------------------

def test_exports_create_list_detail_and_scoped_download(client, logged_in, inspector, listed, other_inspector,
                                                        ordered_case):
    url = reverse("blacklist:export_list")
    assert logged_in.get(url).status_code == 200
    response = logged_in.post(url)
    export = CreditExport.objects.get()
    assert response.status_code == 302 and response.url == reverse("blacklist:export_detail", args=[export.pk])
    assert export.entry_count == 1
    # Nothing new: said so, nothing created.
    response = logged_in.post(url, follow=True)
    assert any("Nothing new" in m for m in messages_of(response)) and CreditExport.objects.count() == 1

    listing_page = logged_in.get(reverse("blacklist:export_detail", args=[export.pk]))
    assert listing_page.status_code == 200 and listed.name in page(listing_page)
    assert export.get_absolute_url() in page(logged_in.get(url))
    download = logged_in.get(reverse("blacklist:export_download", args=[export.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    payload = json.loads(b"".join(download.streaming_content))
    assert payload["entries"][0]["uscc"] == listed.uscc

    # Another county's inspector: 404 on the page and the download.
    client.force_login(other_inspector)
    assert client.get(reverse("blacklist:export_detail", args=[export.pk])).status_code == 404
    assert client.get(reverse("blacklist:export_download", args=[export.pk])).status_code == 404


def test_export_download_of_persons_is_logged_and_needs_the_pii_permission(client, logged_in, listable_case, inspector,
                                                                           office_staff):
    enterprise = listable_case.enterprise
    person = propose(listable_case, inspector, subject_type="person", name=enterprise.legal_representative,
                     id_number=enterprise.legal_representative_id_number)
    services.listing_decide(listing=person, user=inspector, decided_on=D("2026-02-27"))
    export = services.credit_export_create(user=inspector)
    logged = PiiAccessLog.objects.count()
    response = logged_in.get(reverse("blacklist:export_download", args=[export.pk]))
    assert response.status_code == 200
    assert PiiAccessLog.objects.count() == logged + 1
    client.force_login(office_staff)  # may see exports, not personal data
    assert client.get(reverse("blacklist:export_detail", args=[export.pk])).status_code == 200
    assert client.get(reverse("blacklist:export_download", args=[export.pk])).status_code == 403


# --- Menu -------------------------------------------------------------------------------------------

def test_menu_has_the_credit_punishment_group(logged_in):
    html = page(logged_in.get(reverse("blacklist:listing_list")))
    for name in ("blacklist:listing_list", "blacklist:rating_list", "blacklist:export_list"):
        assert f'href="{reverse(name)}"' in html


def test_detail_counts_down_the_objection_window(logged_in, listable_case, inspector):
    from django.utils import timezone

    from blacklist.views import working_days_left

    today = timezone.localdate()
    listing = propose(listable_case, inspector, notified_on=today)
    response = logged_in.get(listing.get_absolute_url())
    html = page(response)
    left = working_days_left(listing.objection_due, today)
    assert response.context["window_open"] and response.context["working_days_left"] == left > 0
    assert f'data-working-days-left="{left}"' in html and f"Objections until {listing.objection_due.isoformat()}" in html
    decide = next(a for a in response.context["actions"] if a["spec"].slug == "decide")
    assert decide["blocker"] and 'data-blocked="1"' in html
    # The decision page itself is not offered while the window is open.
    response = logged_in.get(action_url(listing, "decide"))
    assert response.status_code == 302 and response.url == listing.get_absolute_url()
    assert reverse("blacklist:listing_notice_pdf", args=[listing.pk]) in html
