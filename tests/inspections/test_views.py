"""Pages of inspections: the generic list/detail suites (scope, 403, query ceilings), campaigns with
their phases and progress, the double-random draw (form, result, publication, public page), the
inspection record form (failing item → order, two inspectors, photos), the order's re-inspect and
penalty forms, documents, exports, the ledger, the menu and the project's latest-inspection card.

Data is made through the services; pages are driven with the Django test client. The PDFs are
another piece of work: the document hooks are stubbed so these tests do not depend on them."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.choices import ChecklistItem, OrderStatus
from inspections.models import Campaign, Draw, Inspection, InspectionPhoto, PenaltyDecision, RectificationOrder
from tests.generic_views import DetailViewTests, ListViewTests
from wagecase.core.choices import Role

from ..conftest import HOME, OTHER
from .conftest import checklist

D = dt.date.fromisoformat
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx"
       b"\x9cc8!'\x07\x00\x02\xb6\x01\x054\xa6u\xaa\x00\x00\x00\x00IEND\xaeB`\x82")  # a real 1x1 PNG: uploads are decoded


@pytest.fixture(autouse=True)
def _media_and_documents(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    from inspections import documents

    monkeypatch.setattr(documents, "attach_order_pdf", lambda order: None)
    monkeypatch.setattr(documents, "attach_penalty_pdf", lambda penalty: None)


def page(response):
    return response.content.decode()


def url(name, *args):
    return reverse(f"inspections:{name}", args=args or None)


@pytest.fixture
def make_campaign(db):
    def make(region="6205", **fields):
        fields.setdefault("name", "2026年冬季根治欠薪专项行动")
        fields.setdefault("kind", "winter")
        fields.setdefault("starts_on", D("2026-11-01"))
        fields.setdefault("ends_on", D("2027-02-05"))
        phases = fields.pop("phases", None)
        return services.campaign_save(campaign=Campaign(region_id=region, **fields), phases=phases)

    return make


@pytest.fixture
def other_pair(other_inspector, make_user):
    return [other_inspector, make_user(role=Role.INSPECTOR, region=OTHER)]


@pytest.fixture
def other_inspection(make_inspection, make_project, other_pair):
    return make_inspection(project=make_project(region=OTHER), user=other_pair[0], inspectors=other_pair,
                           checklist=checklist(wage_deposit="fail"))


@pytest.fixture
def failing(make_inspection):
    """An inspection with a failed item (and so an open order, due 2026-11-23)."""
    return make_inspection(checklist=checklist(wage_deposit="fail", notice_board="fail"))


@pytest.fixture
def escalated(make_inspection, inspector):
    order = make_inspection(checklist=checklist(wage_deposit="fail"), inspected_on=D("2026-10-01")).order
    return services.order_reinspect(order=order, user=inspector, reinspected_on=D("2026-11-20"), rectified=False)


def make_penalty(order, user):
    return services.penalty_decide(order=order, user=user, article="55", amount=Decimal("60000"), work_stoppage=True,
                                   facts="逾期未存储工资保证金", decided_on=D("2026-11-20"))


def record_data(project, inspectors, **overrides):
    data = {
        "project": project.code, "inspected_on": "2026-11-20", "method": "routine",
        "inspectors": [u.pk for u in inspectors], "findings": "查看工资专户流水及考勤。", "workers_interviewed": "5",
        "interview_notes": "工人反映10月工资已按月发放。", "rectify_by": "", "campaign": "", "draw": "", "clue": "",
    }
    for item in ChecklistItem.values:
        data[f"check_{item}"] = "pass"
        data[f"note_{item}"] = ""
    data.update(overrides)
    return data


# --- The generic suites ----------------------------------------------------------------------------

class TestInspectionViews(ListViewTests, DetailViewTests):
    model = Inspection
    permitted_roles = {"view": Role.INSPECTOR}
    list_rows = 31
    list_max_queries = 9

    @pytest.fixture
    def make_in_scope(self, make_inspection):
        return lambda: make_inspection()

    @pytest.fixture
    def make_out_of_scope(self, make_inspection, make_project, other_pair):
        return lambda: make_inspection(project=make_project(region=OTHER), user=other_pair[0], inspectors=other_pair)


class TestRectificationOrderViews(ListViewTests, DetailViewTests):
    model = RectificationOrder
    permitted_roles = {"view": Role.INSPECTOR}
    list_rows = 31
    list_max_queries = 8

    @pytest.fixture
    def make_in_scope(self, make_inspection):
        return lambda: make_inspection(checklist=checklist(real_name="fail")).order

    @pytest.fixture
    def make_out_of_scope(self, make_inspection, make_project, other_pair):
        return lambda: make_inspection(project=make_project(region=OTHER), user=other_pair[0], inspectors=other_pair,
                                       checklist=checklist(real_name="fail")).order


class TestPenaltyDecisionViews(ListViewTests, DetailViewTests):
    model = PenaltyDecision
    permitted_roles = {"view": Role.INSPECTOR}
    list_rows = 8
    list_max_queries = 8

    @pytest.fixture
    def make_in_scope(self, make_inspection, inspector):
        def make():
            order = make_inspection(checklist=checklist(wage_deposit="fail"), inspected_on=D("2026-10-01")).order
            order = services.order_reinspect(order=order, user=inspector, reinspected_on=D("2026-11-20"), rectified=False)
            return make_penalty(order, inspector)
        return make

    @pytest.fixture
    def make_out_of_scope(self, make_inspection, make_project, other_pair):
        def make():
            order = make_inspection(project=make_project(region=OTHER), user=other_pair[0], inspectors=other_pair,
                                    checklist=checklist(wage_deposit="fail"), inspected_on=D("2026-10-01")).order
            order = services.order_reinspect(order=order, user=other_pair[0], reinspected_on=D("2026-11-20"), rectified=False)
            return make_penalty(order, other_pair[0])
        return make


class TestCampaignViews(ListViewTests, DetailViewTests):
    model = Campaign
    permitted_roles = {"view": Role.INSPECTOR}
    list_rows = 31
    list_max_queries = 8

    @pytest.fixture
    def make_in_scope(self, make_campaign):
        return lambda: make_campaign(region=HOME)

    @pytest.fixture
    def make_out_of_scope(self, make_campaign):
        return lambda: make_campaign(region=OTHER)


class TestDrawViews(DetailViewTests):
    model = Draw
    permitted_roles = {"view": Role.INSPECTOR}

    @pytest.fixture
    def make_in_scope(self, make_campaign, make_project, inspector_pair):
        def make():
            campaign = make_campaign(region=HOME)
            return services.draw_make(campaign=campaign, user=inspector_pair[0], region=campaign.region, count=1,
                                      projects=[make_project()], inspectors=inspector_pair, seed=7)
        return make

    @pytest.fixture
    def make_out_of_scope(self, make_campaign, make_project, other_pair):
        def make():
            campaign = make_campaign(region=OTHER)
            return services.draw_make(campaign=campaign, user=other_pair[0], region=campaign.region, count=1,
                                      projects=[make_project(region=OTHER)], inspectors=other_pair, seed=7)
        return make


# --- Access ----------------------------------------------------------------------------------------

@pytest.fixture
def world(make_campaign, make_project, failing, escalated, inspector, inspector_pair):
    """One of everything in HOME: campaign, draw, inspections, an open order, an escalated order with a penalty."""
    campaign = make_campaign(region=HOME)
    draw = services.draw_make(campaign=campaign, user=inspector, region=campaign.region, count=1,
                              projects=[failing.project], inspectors=inspector_pair, seed=11)
    penalty = make_penalty(escalated, inspector)
    for obj in (failing.order, penalty):
        obj.document.save(f"{obj.pk}.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return {"campaign": campaign, "draw": draw, "inspection": failing, "order": failing.order, "escalated": escalated,
            "penalty": penalty}


def page_urls(w):
    return [
        url("campaign_list"), url("campaign_add"), url("campaign_detail", w["campaign"].pk), url("campaign_edit", w["campaign"].pk),
        url("draw_add", w["campaign"].pk), url("draw_detail", w["draw"].pk),
        url("inspection_list"), url("inspection_add"), url("inspection_detail", w["inspection"].pk),
        url("rectificationorder_list"), url("rectificationorder_detail", w["order"].pk),
        url("rectificationorder_document", w["order"].pk), url("rectificationorder_reinspect", w["order"].pk),
        url("rectificationorder_detail", w["escalated"].pk), url("rectificationorder_penalty", w["escalated"].pk),
        url("penaltydecision_list"), url("penaltydecision_detail", w["penalty"].pk), url("penaltydecision_document", w["penalty"].pk),
    ]


def test_every_page_answers_the_inspector(client, inspector, world):
    client.force_login(inspector)
    for address in page_urls(world):
        response = client.get(address)
        assert response.status_code == 200, address
    assert client.get(url("rectificationorder_document", world["order"].pk))["Content-Type"] == "application/pdf"


def test_anonymous_is_sent_to_login(client, world):
    for address in page_urls(world) + [url("ledger")]:
        response = client.get(address)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), address


def test_other_county_inspector_gets_404(client, other_inspector, world):
    client.force_login(other_inspector)
    w = world
    detail_urls = [
        url("draw_detail", w["draw"].pk), url("inspection_detail", w["inspection"].pk),
        url("rectificationorder_detail", w["order"].pk), url("rectificationorder_document", w["order"].pk),
        url("rectificationorder_reinspect", w["order"].pk), url("rectificationorder_penalty", w["escalated"].pk),
        url("penaltydecision_detail", w["penalty"].pk), url("penaltydecision_document", w["penalty"].pk),
    ]
    for address in detail_urls:
        assert client.get(address).status_code == 404, address
    for address in (url("campaign_detail", w["campaign"].pk), url("campaign_edit", w["campaign"].pk), url("draw_add", w["campaign"].pk)):
        assert client.get(address).status_code == 404, address
    assert client.post(url("draw_publish", w["draw"].pk)).status_code == 404
    response = client.post(url("rectificationorder_reinspect", w["order"].pk), {"reinspected_on": "2026-11-20", "rectified": "yes"})
    assert response.status_code == 404
    assert RectificationOrder.objects.get(pk=w["order"].pk).status == OrderStatus.OPEN
    for name in ("inspection_list", "rectificationorder_list", "penaltydecision_list"):
        assert not client.get(url(name)).context["filter"].qs.exists(), name


def test_office_staff_reads_but_may_not_write(client, office_staff, world):
    client.force_login(office_staff)
    w = world
    assert client.get(url("inspection_detail", w["inspection"].pk)).status_code == 200
    assert client.get(url("rectificationorder_detail", w["order"].pk)).status_code == 200
    for address in (url("inspection_add"), url("campaign_add"), url("campaign_edit", w["campaign"].pk), url("draw_add", w["campaign"].pk),
                    url("rectificationorder_reinspect", w["order"].pk), url("rectificationorder_penalty", w["escalated"].pk)):
        assert client.get(address).status_code == 403, address
    before = Inspection.objects.count()
    data = record_data(w["inspection"].project, list(w["inspection"].inspectors.all()))
    assert client.post(url("inspection_add"), data).status_code == 403
    assert client.post(url("rectificationorder_reinspect", w["order"].pk), {"reinspected_on": "2026-11-20", "rectified": "yes"}).status_code == 403
    assert client.post(url("draw_publish", w["draw"].pk)).status_code == 403
    assert Inspection.objects.count() == before
    assert RectificationOrder.objects.get(pk=w["order"].pk).status == OrderStatus.OPEN
    assert not Draw.objects.get(pk=w["draw"].pk).published
    # The order's page offers no action to a reader.
    response = client.get(url("rectificationorder_detail", w["order"].pk))
    assert response.context["reinspect_form"] is None


def test_bureau_sees_only_its_industry(client, bureau, make_inspection, make_project, make_campaign):
    housing = make_inspection(project=make_project(industry="housing"), checklist=checklist(real_name="fail"))
    transport = make_inspection(project=make_project(industry="transport"), checklist=checklist(real_name="fail"))
    own = make_campaign(industries=["housing"])
    foreign = make_campaign(industries=["water"], name="水利专项检查")
    client.force_login(bureau)
    shown = set(client.get(url("inspection_list")).context["filter"].qs.values_list("pk", flat=True))
    assert housing.pk in shown and transport.pk not in shown
    orders = set(client.get(url("rectificationorder_list")).context["filter"].qs.values_list("pk", flat=True))
    assert orders == {housing.order.pk}
    assert client.get(url("inspection_detail", housing.pk)).status_code == 200
    assert client.get(url("inspection_detail", transport.pk)).status_code == 404
    assert client.get(url("rectificationorder_detail", transport.order.pk)).status_code == 404
    assert client.get(url("campaign_detail", own.pk)).status_code == 200
    assert client.get(url("campaign_detail", foreign.pk)).status_code == 404
    # Read only: no record form, no re-inspection.
    assert client.get(url("inspection_add")).status_code == 403
    assert client.get(url("rectificationorder_reinspect", housing.order.pk)).status_code == 403


# --- Campaigns -------------------------------------------------------------------------------------

def test_campaign_create_with_phases(client, inspector):
    client.force_login(inspector)
    data = {
        "name": "秦州区2026年冬季专项行动", "kind": "winter", "region": HOME, "industries": ["housing", "transport"],
        "starts_on": "2026-11-01", "ends_on": "2027-02-05", "target_inspected_percent": "80", "target_rectified_percent": "100",
        "description": "", "phases-TOTAL_FORMS": "4", "phases-INITIAL_FORMS": "0", "phases-MIN_NUM_FORMS": "0",
        "phases-MAX_NUM_FORMS": "12",
        "phases-0-kind": "publicity", "phases-0-starts_on": "2026-11-01", "phases-0-ends_on": "2026-11-15",
        "phases-1-kind": "enforcement", "phases-1-starts_on": "2026-11-16", "phases-1-ends_on": "2027-01-20",
    }
    response = client.post(url("campaign_add"), data)
    campaign = Campaign.objects.get(name="秦州区2026年冬季专项行动")
    assert response.status_code == 302 and response.url == campaign.get_absolute_url()
    assert campaign.industries == ["housing", "transport"]
    assert [p.kind for p in campaign.phases.all()] == ["publicity", "enforcement"]
    # A phase outside the campaign's dates: the service refuses, nothing changes.
    bad = {**data, "name": "改名", "phases-1-ends_on": "2027-03-01"}
    response = client.post(url("campaign_edit", campaign.pk), {**bad, "phases-INITIAL_FORMS": "0"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    campaign.refresh_from_db()
    assert campaign.name == "秦州区2026年冬季专项行动" and campaign.phases.count() == 2
    # Out of the user's jurisdiction: refused.
    response = client.post(url("campaign_add"), {**data, "name": "麦积区", "region": OTHER})
    assert response.status_code == 200 and response.context["form"].errors
    assert not Campaign.objects.filter(name="麦积区").exists()


def test_campaign_page_shows_progress_and_current_phase(client, inspector, make_campaign, make_project, make_inspection):
    today = timezone.localdate()
    campaign = make_campaign(region=HOME, target_inspected_percent=Decimal("50"), phases=[
        {"kind": "publicity", "starts_on": D("2026-11-01"), "ends_on": today},
        {"kind": "enforcement", "starts_on": today + dt.timedelta(days=1), "ends_on": D("2027-02-05")},
    ])
    projects = [make_project() for _ in range(4)]
    # Inspected today: the order is open (not yet overdue) whatever day the suite runs.
    make_inspection(project=projects[0], campaign=campaign, checklist=checklist(wage_deposit="fail"), inspected_on=today)
    make_inspection(project=projects[1], campaign=campaign, inspected_on=today)
    make_inspection(project=projects[2], inspected_on=D("2026-10-20"))  # before the campaign, not under it
    client.force_login(inspector)
    response = client.get(campaign.get_absolute_url())
    progress = response.context["progress"]
    assert progress["population"] == 4 and progress["inspected"] == 2 and progress["inspected_share"] == 50.0
    assert progress["inspected_met"]
    assert progress["issued"] == 1 and progress["open"] == 1 and progress["closed"] == 0
    assert response.context["current_phase"].kind == "publicity"
    assert 'data-current="1"' in page(response)
    assert response.context["draw_form"] is not None


# --- Draws -----------------------------------------------------------------------------------------

def test_draw_form_result_publication_and_public_page(client, inspector, make_user, make_campaign, make_project):
    campaign = make_campaign(region="6205")
    projects = [make_project() for _ in range(5)] + [make_project(industry="transport")]
    make_project(region=OTHER)  # in the campaign's city, outside the user's county
    pool = [inspector] + [make_user(role=Role.INSPECTOR, full_name=f"检查员{i}") for i in range(3)]
    client.force_login(inspector)
    form = client.get(url("draw_add", campaign.pk)).context["draw_form"]
    assert form.region_code == HOME and set(form.initial["inspectors"]) == set(pool)
    # Changing the region reloads the form (htmx) with that region's inspector pool.
    partial = client.get(url("draw_add", campaign.pk), {"region": HOME}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and page(partial).lstrip().startswith('<form id="draw-form"')
    response = client.post(url("draw_add", campaign.pk), {
        "region": HOME, "count": "3", "industry": ["housing"], "inspectors": [u.pk for u in pool], "seed": "20261122",
    })
    draw = Draw.objects.get()
    assert response.status_code == 302 and response.url == draw.get_absolute_url()
    assert draw.seed == 20261122 and len(draw.result) == 3
    assert set(draw.project_pool) == {p.code for p in projects[:5]}
    assert draw.pool_filter["industry"] == ["housing"]
    response = client.get(draw.get_absolute_url())
    assert response.context["verified"] and 'data-verified="1"' in page(response)
    first = draw.result[0]["project"]
    assert f"?draw={draw.pk}&amp;project={first}" in page(response)
    # The record form is pre-filled from the draw.
    form = client.get(url("inspection_add"), {"draw": draw.pk, "project": first}).context["form"]
    assert form.initial["method"] == "double_random" and form.initial["campaign"] == campaign.pk
    assert {u.username for u in form.initial["inspectors"]} == set(draw.result[0]["inspectors"])
    # Too many projects: a message, nothing drawn.
    response = client.post(url("draw_add", campaign.pk), {"region": HOME, "count": "50", "inspectors": [u.pk for u in pool]})
    assert response.status_code == 200 and response.context["draw_form"].non_field_errors()
    assert Draw.objects.count() == 1

    public = reverse("public_draws:draw", args=[draw.pk])
    client.logout()
    assert client.get(public).status_code == 404
    client.force_login(inspector)
    assert client.post(url("draw_publish", draw.pk)).status_code == 302
    assert Draw.objects.get(pk=draw.pk).published
    client.logout()
    response = client.get(public)
    assert response.status_code == 200
    text = page(response)
    assert "20261122" in text and campaign.name in text
    assert "抽取时间" in text and "动用日期" not in text  # drawn by lot (抽取), not drawn from a deposit (动用)
    drawn_names = {u.full_name for u in pool if u.username in draw.result[0]["inspectors"]}
    assert all(name in text for name in drawn_names)
    assert all(u.username not in text for u in pool[1:])  # login names are never published (the fixture's full name is its login)
    assert client.get(reverse("public_draws:draw", args=[draw.pk + 100])).status_code == 404


def test_public_draw_snippet_reproduces_the_result(make_campaign, make_project, inspector, make_user):
    """The page's algorithm on positions 1…n gives the stored picks (so login names need not be published)."""
    import random

    campaign = make_campaign(region=HOME)
    pool = [inspector] + [make_user(role=Role.INSPECTOR) for _ in range(4)]
    draw = services.draw_make(campaign=campaign, user=inspector, region=campaign.region, count=3,
                              projects=[make_project() for _ in range(7)], inspectors=pool, seed=99)
    rng = random.Random(draw.seed)
    numbers = list(range(1, len(draw.inspector_pool) + 1))
    rerun = [(code, rng.sample(numbers, 2)) for code in rng.sample(draw.project_pool, draw.count)]
    assert rerun == [(r["project"], [draw.inspector_pool.index(u) + 1 for u in r["inspectors"]]) for r in draw.result]


# --- The inspection record form --------------------------------------------------------------------

def test_failing_item_creates_an_order(client, inspector, inspector_pair, make_project):
    project = make_project()
    client.force_login(inspector)
    form = client.get(url("inspection_add"), {"project": project.code}).context["form"]
    assert form.initial["project"] == project.code and form.initial["inspectors"] == [inspector]
    assert form.initial["inspected_on"] == timezone.localdate()
    data = record_data(project, inspector_pair, check_wage_deposit="fail", note_wage_deposit="未存储工资保证金",
                       check_injury_insurance="na")
    data["photos"] = [SimpleUploadedFile("site.png", PNG, content_type="image/png")]
    response = client.post(url("inspection_add"), data)
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response.url == inspection.get_absolute_url()
    assert inspection.checklist["wage_deposit"] == "fail" and inspection.checklist["injury_insurance"] == "na"
    assert inspection.checklist_notes == {"wage_deposit": "未存储工资保证金"}
    assert set(inspection.inspectors.all()) == set(inspector_pair) and inspection.recorded_by == inspector
    assert inspection.order.items == ["wage_deposit"] and inspection.photos.count() == 1
    response = client.get(inspection.get_absolute_url())
    assert response.context["order"] == inspection.order
    assert inspection.order.number in page(response)
    photo = inspection.photos.get()
    assert client.get(url("inspectionphoto_file", photo.pk)).status_code == 200


def test_all_pass_issues_no_order(client, inspector, inspector_pair, make_project):
    client.force_login(inspector)
    response = client.post(url("inspection_add"), record_data(make_project(), inspector_pair))
    assert response.status_code == 302
    assert Inspection.objects.count() == 1 and not RectificationOrder.objects.exists()


def test_fewer_than_two_inspectors_saves_nothing(client, inspector, make_project):
    client.force_login(inspector)
    response = client.post(url("inspection_add"), record_data(make_project(), [inspector], check_real_name="fail"))
    assert response.status_code == 200
    assert "inspectors" in response.context["form"].errors
    assert not Inspection.objects.exists() and not RectificationOrder.objects.exists()


def test_record_form_rejects_bad_input(client, inspector, inspector_pair, other_inspector, make_project):
    project = make_project()
    client.force_login(inspector)
    cases = [
        ({"project": "P-NOPE"}, "project"),  # not a project in the user's scope
        ({"check_real_name": ""}, "check_real_name"),
        ({"inspected_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat()}, "inspected_on"),
        ({"photos": [SimpleUploadedFile("x.txt", b"not a photo at all", content_type="text/plain")]}, "photos"),
        ({"rectify_by": "2026-12-31"}, "rectify_by"),  # nothing failed, so no order to date
    ]
    for overrides, field in cases:
        response = client.post(url("inspection_add"), {**record_data(project, inspector_pair), **overrides})
        assert response.status_code == 200 and field in response.context["form"].errors, (overrides, response.context["form"].errors)
    # An inspector of another county is refused by the service.
    response = client.post(url("inspection_add"), record_data(project, [inspector, other_inspector]))
    assert response.status_code == 200 and response.context["form"].errors
    assert not Inspection.objects.exists() and not InspectionPhoto.objects.exists()


# --- Orders: re-inspection and penalty -------------------------------------------------------------

def test_reinspect_form_writes_the_order_off(client, inspector, failing):
    order = failing.order
    client.force_login(inspector)
    response = client.post(url("rectificationorder_reinspect", order.pk), {"reinspected_on": "2026-11-20", "rectified": "yes",
                                                                           "note": "已存储保证金"})
    assert response.status_code == 302 and response.url == order.get_absolute_url()
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED and order.closed_on == D("2026-11-20")
    assert order.reinspections.get().note == "已存储保证金"
    # Written off: a second re-inspection is refused with a message, nothing changes.
    response = client.post(url("rectificationorder_reinspect", order.pk), {"reinspected_on": "2026-11-21", "rectified": "no"})
    assert response.status_code == 302
    assert order.reinspections.count() == 1
    assert client.get(url("rectificationorder_reinspect", order.pk)).status_code == 302


def test_reinspect_form_errors_save_nothing(client, inspector, failing):
    order = failing.order
    client.force_login(inspector)
    response = client.post(url("rectificationorder_reinspect", order.pk), {"reinspected_on": "2026-10-01", "rectified": "yes"})
    assert response.status_code == 200 and "reinspected_on" in response.context["form"].errors
    response = client.post(url("rectificationorder_reinspect", order.pk), {"reinspected_on": "", "rectified": "yes"})
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN and not order.reinspections.exists()


def test_penalty_form(client, inspector, escalated, failing):
    client.force_login(inspector)
    response = client.get(escalated.get_absolute_url())
    assert response.context["penalty_form"] is not None and response.context["reinspect_form"] is None
    base = {"article": "55", "amount": "60000", "work_stoppage": "on", "facts": "逾期未存储工资保证金", "decided_on": "2026-11-20",
            "responsible_person": ""}
    # Outside the article's range: the model's message on the field, nothing saved.
    response = client.post(url("rectificationorder_penalty", escalated.pk), {**base, "amount": "30000"})
    assert response.status_code == 200 and "amount" in response.context["form"].errors
    response = client.post(url("rectificationorder_penalty", escalated.pk), {**base, "article": "56"})
    assert response.status_code == 200 and "work_stoppage" in response.context["form"].errors
    assert not PenaltyDecision.objects.exists()
    response = client.post(url("rectificationorder_penalty", escalated.pk), base)
    penalty = PenaltyDecision.objects.get()
    assert response.status_code == 302 and response.url == penalty.get_absolute_url()
    assert penalty.amount == Decimal("60000") and penalty.work_stoppage and penalty.decided_by == inspector
    # An order that is not escalated: refused with a message, nothing saved.
    response = client.post(url("rectificationorder_penalty", failing.order.pk), base)
    assert response.status_code == 302 and response.url == failing.order.get_absolute_url()
    assert PenaltyDecision.objects.count() == 1


def test_order_list_status_follows_the_deadline(client, inspector, make_inspection):
    late = make_inspection(checklist=checklist(real_name="fail"), inspected_on=D("2026-10-01")).order
    fresh = make_inspection(checklist=checklist(real_name="fail"), inspected_on=timezone.localdate()).order
    client.force_login(inspector)
    response = client.get(url("rectificationorder_list"), {"status": "overdue"})
    assert set(response.context["filter"].qs) == {late}
    text = page(client.get(url("rectificationorder_list")))
    assert 'data-status="overdue"' in text and 'data-status="open"' in text
    assert fresh.number in text


def test_document_missing_is_404(client, inspector, failing):
    client.force_login(inspector)
    assert client.get(url("rectificationorder_document", failing.order.pk)).status_code == 404


# --- Exports, ledger, menu -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["inspection_export", "rectificationorder_export", "penaltydecision_export"])
def test_exports_are_scoped(client, inspector, world, other_inspection, name, django_capture_on_commit_callbacks):
    import io

    import openpyxl

    from wagecase.core.models import Job

    client.force_login(inspector)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(name), {"query": ""})
    job = Job.objects.get(user=inspector)
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == "done", job.log
    download = client.get(reverse("core:job_download", args=[job.pk]))
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0].iter_rows(values_only=True))
    expected = {"inspection_export": 2, "rectificationorder_export": 2, "penaltydecision_export": 1}[name]
    assert len(rows) - 1 == expected  # the other county's records are not exported
    assert other_inspection.project.code not in {str(v) for row in rows for v in row}


def test_menu(client, inspector, office_staff, db):
    client.force_login(inspector)
    text = page(client.get(reverse("home")))
    for name in ("campaign_list", "inspection_list", "inspection_add", "rectificationorder_list", "penaltydecision_list", "ledger"):
        assert f'href="{url(name)}"' in text, name
    client.force_login(office_staff)
    text = page(client.get(reverse("home")))
    assert f'href="{url("inspection_list")}"' in text and f'href="{url("inspection_add")}"' not in text


def test_ledger(client, inspector, world, other_inspection, make_inspection):
    pytest.importorskip("inspections.selectors")
    pytest.importorskip("inspections.excel")
    # An order issued today is open whatever day the suite runs; world's (due 2026-11-23) is overdue from then on.
    fresh = make_inspection(checklist=checklist(real_name="fail"), inspected_on=timezone.localdate()).order
    client.force_login(inspector)
    response = client.get(url("ledger"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert sum(row["orders_issued"] for row in rows) == 3  # two open and the escalated order; not the other county's
    assert response.context["totals"]["orders_issued"] == 3
    assert [o.pk for o in response.context["open_orders"]] == (
        [world["order"].pk, fresh.pk] if timezone.localdate() <= D("2026-11-23") else [fresh.pk])
    response = client.get(url("ledger"), {"group_by": "campaign", "date_from": "2026-11-01", "format": "xlsx"})
    assert response.status_code == 200 and response.content[:2] == b"PK"
    response = client.get(url("ledger"), {"date_from": "2026-12-01", "date_to": "2026-11-01"})
    assert response.status_code == 200 and response.context["form"].errors


# --- The project's page ----------------------------------------------------------------------------

def test_project_page_shows_latest_inspection(client, inspector, make_project, make_inspection):
    project = make_project()
    client.force_login(inspector)
    address = reverse("projects:project_detail", args=[project.code])
    client.get(address)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as without:
        response = client.get(address)
    assert response.context["latest_inspection"] is None
    make_inspection(project=project, inspected_on=D("2026-11-02"))
    latest = make_inspection(project=project, inspected_on=D("2026-11-16"), checklist=checklist(notice_board="fail"))
    with CaptureQueriesContext(connection) as with_one:
        response = client.get(address)
    card = response.context["latest_inspection"]
    assert card["inspection"] == latest and card["order"] == latest.order
    assert len(card["inspectors"]) == 2 and card["failed"]
    text = page(response)
    assert 'id="latest-inspection"' in text and latest.order.number in text
    assert len(with_one) == len(without)  # the card costs the same single query with or without an inspection
