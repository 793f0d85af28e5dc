"""Pages of arrears cases, the key monitoring list, the two clear-to-zero tracker and emergency
incidents: the generic list/detail suite (scope, permissions, query ceiling), opening a case
directly and from a clue, the five haves edit, every case action through its page (payment over
the outstanding amount, a referral not allowed), bureau users refused on forms, the tracker's
figures for a fixed day, and incidents reported, marked late and closed.

Data is made through the services; pages are driven with the Django test client."""
import datetime as dt
import random
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import services
from complaints.choices import CaseEventType, CaseStatus
from complaints.models import ArrearsCase, CasePayment, CriminalReferral, Incident
from tests.generic_views import DetailViewTests, ListViewTests
from wagecase.core.choices import Role
from wagecase.core.identifiers import make_uscc
from wagecase.core.models import Region

from ..conftest import HOME, OTHER
from .conftest import FIVE_HAVES, at

D = dt.date.fromisoformat


def page(response):
    return response.content.decode()


def case_url(name, case=None, **kwargs):
    if case is not None:
        kwargs["pk"] = case.pk
    return reverse(f"complaints:arrearscase_{name}", kwargs=kwargs or None)


def action_url(case, action):
    return reverse("complaints:arrearscase_action", kwargs={"pk": case.pk, "action": action})


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context and "messages" in response.context else []


@pytest.fixture
def other_case(make_case, other_inspector, make_enterprise):
    return make_case(user=other_inspector, region=OTHER, enterprise=make_enterprise(OTHER))


@pytest.fixture
def logged_in(client, inspector):
    client.force_login(inspector)
    return client


USCC = make_uscc(random.Random(6205), HOME)


def open_data(**overrides):
    data = {
        "clue": "",
        "region": HOME,
        "project": "",
        "employer_name": "天水某建筑劳务有限公司",
        "employer_uscc": USCC,
        "occurred_on": "2026-09-01",
        "workers_owed": "3",
        "amount_owed": "24000.00",
        "description": "三名工人九月工资未发放。",
        **{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in FIVE_HAVES.items()},
        "supervision_level": "county",
        "leader_in_charge": "张区长",
        "workers-TOTAL_FORMS": "3",
        "workers-INITIAL_FORMS": "0",
        "workers-MIN_NUM_FORMS": "0",
        "workers-MAX_NUM_FORMS": "500",
    }
    for i in range(3):
        data.update({f"workers-{i}-name": "", f"workers-{i}-id_number": "", f"workers-{i}-amount_owed": ""})
    data.update(overrides)
    return data


# --- Generic suites --------------------------------------------------------------------------------

class TestArrearsCaseViews(ListViewTests, DetailViewTests):
    model = ArrearsCase
    permitted_roles = {"view": Role.INSPECTOR}
    list_rows = 31
    list_max_queries = 8

    @pytest.fixture
    def make_in_scope(self, make_case, make_project):
        projects = [make_project(region=HOME), None]
        counter = iter(range(10_000))

        def make():
            n = next(counter)
            project = projects[n % 2]
            return make_case(project=project) if project else make_case(region=HOME)

        return make

    @pytest.fixture
    def make_out_of_scope(self, make_case, other_inspector, make_enterprise):
        return lambda: make_case(user=other_inspector, region=OTHER, enterprise=make_enterprise(OTHER))


class TestIncidentViews(ListViewTests, DetailViewTests):
    model = Incident
    permitted_roles = {"view": Role.INSPECTOR}
    list_rows = 31
    list_max_queries = 8

    @staticmethod
    def report(user, region):
        return services.incident_report(user=user, kind="collective_petition", occurred_at=at("2026-11-02", 9),
                                        reported_at=at("2026-11-02", 9) + dt.timedelta(minutes=20),
                                        region=Region.objects.get(pk=region), people_involved=20, description="聚集讨薪。")

    @pytest.fixture
    def make_in_scope(self, inspector):
        return lambda: self.report(inspector, HOME)

    @pytest.fixture
    def make_out_of_scope(self, other_inspector):
        return lambda: self.report(other_inspector, OTHER)


# --- Access ----------------------------------------------------------------------------------------

PAGES = ["arrearscase_list", "arrearscase_add", "arrearscase_key_monitoring", "zero_clearance", "incident_list", "incident_add"]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_is_sent_to_login(client, db, name):
    response = client.get(reverse(f"complaints:{name}"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", PAGES)
def test_pages_render_for_an_inspector(logged_in, make_case, name):
    make_case(amount_owed=Decimal("1200000.00"))
    assert logged_in.get(reverse(f"complaints:{name}")).status_code == 200


def test_case_pages_of_one_case(logged_in, make_case, inspector):
    case = make_case()
    for url in (case_url("detail", case), case_url("edit", case), action_url(case, "payment"), action_url(case, "order"),
                action_url(case, "note"), case_url("detail", case) + "?tab=history"):
        assert logged_in.get(url).status_code == 200, url
    assert logged_in.get(action_url(case, "nonsense")).status_code == 404


def test_other_county_is_404_and_absent(logged_in, make_case, other_case):
    mine = make_case()
    for url in (case_url("detail", other_case), case_url("edit", other_case), action_url(other_case, "payment"),
                action_url(other_case, "note")):
        assert logged_in.get(url).status_code == 404, url
    response = logged_in.post(action_url(other_case, "note"), {"comment": "x"})
    assert response.status_code == 404
    assert not other_case.events.filter(type=CaseEventType.NOTE).exists()
    shown = set(logged_in.get(case_url("list")).context["filter"].qs.values_list("pk", flat=True))
    assert mine.pk in shown and other_case.pk not in shown
    tracker = logged_in.get(reverse("complaints:zero_clearance"), {"as_of": "2026-11-20"})
    assert {row["code"] for row in tracker.context["by_county"]} == {HOME}
    assert other_case.pk not in {row["case"].pk for row in tracker.context["overdue"] + tracker.context["upcoming"]}


def test_bureau_is_refused_on_forms(client, bureau, make_case, make_project):
    case = make_case(project=make_project(region=HOME))  # housing: the bureau may view it
    client.force_login(bureau)
    assert client.get(case_url("detail", case)).status_code == 200
    assert "wc-case-actions" not in page(client.get(case_url("detail", case)))
    assert client.get(case_url("add")).status_code == 403
    assert client.post(case_url("add"), open_data()).status_code == 403
    assert client.get(case_url("edit", case)).status_code == 403
    assert client.post(action_url(case, "payment"), {"amount": "1.00", "paid_on": "2026-10-01", "source": "enterprise",
                                                      "workers": "0"}).status_code == 403
    assert client.get(reverse("complaints:incident_add")).status_code == 403
    assert not CasePayment.objects.exists()


# --- Opening a case --------------------------------------------------------------------------------

def test_office_staff_opens_a_case_with_workers(client, office_staff):
    client.force_login(office_staff)
    data = open_data(**{"workers-0-name": "王一", "workers-0-amount_owed": "10000.00",
                        "workers-1-name": "王二", "workers-1-amount_owed": "14000.00"})
    response = client.post(case_url("add"), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else None
    case = ArrearsCase.objects.get()
    assert response.url == case.get_absolute_url()
    assert (case.region_id, case.amount_owed, case.workers_owed, case.supervision_level) == (HOME, Decimal("24000.00"), 3, "county")
    assert case.enterprise.uscc == USCC
    assert sorted(case.workers.values_list("name", flat=True)) == ["王一", "王二"]
    assert case.opened_by == office_staff


@pytest.mark.parametrize("field", ["responsible_unit", "responsible_leader", "responsible_person", "measures", "deadline"])
def test_five_haves_are_required(logged_in, field):
    response = logged_in.post(case_url("add"), open_data(**{field: ""}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ArrearsCase.objects.exists()


def test_open_form_rejects_bad_input(logged_in):
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = logged_in.post(case_url("add"), open_data(occurred_on=future))
    assert "occurred_on" in response.context["form"].errors
    response = logged_in.post(case_url("add"), open_data(amount_owed="100.001"))
    assert "amount_owed" in response.context["form"].errors
    response = logged_in.post(case_url("add"), open_data(**{"workers-0-name": "王一", "workers-0-amount_owed": "100.00"}))
    assert response.status_code == 200 and response.context["form"].errors
    response = logged_in.post(case_url("add"), open_data(employer_uscc=""))
    assert "employer_uscc" in response.context["form"].errors
    response = logged_in.post(case_url("add"), open_data(employer_uscc="91620502MA7LD8XK1Y"))  # wrong check digit
    assert "employer_uscc" in response.context["form"].errors
    assert not ArrearsCase.objects.exists()


def test_open_from_a_clue_carries_its_data(logged_in, make_clue, inspector, make_enterprise):
    employer = make_enterprise()
    clue = make_clue(employer_uscc=employer.uscc, employer_name=employer.name, workers_involved=4,
                     amount_claimed=Decimal("22000.00"), received_at=at("2026-10-08"))
    services.clue_accept(clue=clue, user=inspector)
    services.clue_classify(clue=clue, user=inspector, category="wage_arrears")
    clue_page = page(logged_in.get(reverse("complaints:clue_detail", args=[clue.number])))
    assert f"{case_url('add')}?clue={clue.number}" in clue_page
    response = logged_in.get(case_url("add"), {"clue": clue.number})
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert (initial["employer_uscc"], initial["workers_owed"], initial["amount_owed"], initial["region"]) == (
        employer.uscc, 4, Decimal("22000.00"), HOME)
    assert initial["occurred_on"] == D("2026-10-08")
    data = open_data(clue=clue.number, employer_uscc=employer.uscc, employer_name=employer.name, workers_owed="4",
                     amount_owed="22000.00", occurred_on="2026-10-08")
    response = logged_in.post(case_url("add"), data)
    assert response.status_code == 302
    case = ArrearsCase.objects.get()
    assert case.source_clue == clue and case.enterprise == employer and case.amount_owed == Decimal("22000.00")
    clue_page = page(logged_in.get(reverse("complaints:clue_detail", args=[clue.number])))
    assert f'data-arrears-case="{case.pk}"' in clue_page
    # A second case from the same clue: a message, nothing created.
    response = logged_in.post(case_url("add"), data, follow=True)
    assert ArrearsCase.objects.count() == 1 and messages_of(response)


def test_open_from_a_clue_out_of_scope_is_404(logged_in, make_clue, other_inspector):
    clue = make_clue(user=other_inspector, region=OTHER)
    assert logged_in.get(case_url("add"), {"clue": clue.number}).status_code == 404


# --- Editing and actions ---------------------------------------------------------------------------

def test_edit_five_haves_and_supervision(logged_in, make_case):
    case = make_case()
    data = {**{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in FIVE_HAVES.items()},
            "responsible_person": "赵六", "supervision_level": "city", "leader_in_charge": "刘副市长", "description": "",
            "comment": "市级挂牌"}
    response = logged_in.post(case_url("edit", case), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.responsible_person, case.supervision_level, case.leader_in_charge) == ("赵六", "city", "刘副市长")
    assert case.events.filter(type=CaseEventType.UPDATED).exists()
    response = logged_in.post(case_url("edit", case), {**data, "measures": " "})
    assert response.status_code == 200 and "measures" in response.context["form"].errors


def test_payment_over_outstanding_is_a_form_error(logged_in, make_case):
    case = make_case(amount_owed=Decimal("1000.00"), workers_owed=2)
    response = logged_in.post(action_url(case, "payment"), {"amount": "1000.01", "workers": "1", "paid_on": "2026-10-01",
                                                            "source": "enterprise"})
    assert response.status_code == 200 and "amount" in response.context["form"].errors
    assert not CasePayment.objects.exists()
    response = logged_in.post(action_url(case, "payment"), {"amount": "1000.00", "workers": "2", "paid_on": "2026-10-01",
                                                            "source": "enterprise"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLEARED and case.amount_outstanding == 0
    # Cleared: the payment page is no longer offered.
    response = logged_in.post(action_url(case, "payment"), {"amount": "1.00", "workers": "0", "paid_on": "2026-10-02",
                                                            "source": "enterprise"}, follow=True)
    assert CasePayment.objects.count() == 1 and messages_of(response)


def test_deposit_payment_without_deposit_is_refused(logged_in, make_case, make_project):
    case = make_case(project=make_project(region=HOME))
    response = logged_in.post(action_url(case, "payment"), {"amount": "100.00", "workers": "0", "paid_on": "2026-10-01",
                                                            "source": "deposit"})
    assert response.status_code == 200 and "source" in response.context["form"].errors
    assert not CasePayment.objects.exists()


def test_deposit_payment_notes_the_top_up(logged_in, make_case, make_project):
    from projects.services import deposit_set

    project = make_project(region=HOME)
    deposit_set(project=project, form="cash", amount=Decimal("150000"), deposited_on=D("2026-01-05"))
    case = make_case(project=project, amount_owed=Decimal("20000.00"))
    response = logged_in.post(action_url(case, "payment"), {"amount": "5000.00", "workers": "0", "paid_on": "2026-10-09",
                                                            "source": "deposit"}, follow=True)
    assert response.status_code == 200
    payment = CasePayment.objects.get()
    assert payment.drawdown is not None and payment.drawdown.amount == Decimal("5000.00")
    assert str(payment.drawdown.topup_due) in " ".join(messages_of(response))
    assert response.context["payments"][0]["deposit_note"]


def test_referral_not_allowed_says_why(logged_in, make_case):
    case = make_case(amount_owed=Decimal("20000.00"), workers_owed=9, occurred_on=D("2026-08-01"))
    detail = logged_in.get(case_url("detail", case))
    assert detail.context["referral_blocker"]
    assert "refer" not in [spec.slug for spec, _form in detail.context["actions"]]
    response = logged_in.post(action_url(case, "refer"), {"referred_on": "2026-10-20", "police_unit": "秦州分局"}, follow=True)
    assert response.status_code == 200 and messages_of(response)
    assert not CriminalReferral.objects.exists()


def test_order_compensation_referral_through_pages(logged_in, make_case):
    case = make_case(amount_owed=Decimal("40000.00"), workers_owed=10, occurred_on=D("2026-08-01"))
    assert logged_in.post(action_url(case, "order"), {"issued_on": "2026-09-01", "pay_by": "2026-09-15"}).status_code == 302
    detail = logged_in.get(case_url("detail", case))
    assert detail.context["order_ignored"] and detail.context["criminal_threshold_met"]
    assert detail.context["referral_blocker"] is None
    assert 'data-flag="order_ignored" data-value="true"' in page(detail)
    assert logged_in.post(action_url(case, "compensation"), {"percent": "120", "ordered_on": "2026-09-20"}).status_code == 200
    assert logged_in.post(action_url(case, "compensation"), {"percent": "80", "ordered_on": "2026-09-20"}).status_code == 302
    assert logged_in.post(action_url(case, "refer"), {"referred_on": "2026-10-20", "police_unit": "秦州分局"}).status_code == 302
    referral = CriminalReferral.objects.get(case=case)
    assert logged_in.post(action_url(case, "referral"), {"status": "filed", "outcome": "已立案"}).status_code == 302
    referral.refresh_from_db()
    case.refresh_from_db()
    assert referral.status == "filed" and case.compensation_percent == 80
    types = list(case.events.values_list("type", flat=True))
    assert types == ["opened", "order", "compensation", "referred", "referral_updated"]
    assert logged_in.get(case_url("detail", case)).status_code == 200


def test_key_monitoring_biggest_first(logged_in, make_case):
    small = make_case(amount_owed=Decimal("50000.00"))
    big = make_case(amount_owed=Decimal("2000000.00"))
    many = make_case(workers_owed=40, amount_owed=Decimal("1500000.00"))
    response = logged_in.get(case_url("key_monitoring"))
    rows = [r.record.pk for r in response.context["table"].page.object_list]
    assert rows == [big.pk, many.pk] and small.pk not in rows


def test_case_list_filters(logged_in, make_case):
    big = make_case(amount_owed=Decimal("2000000.00"))
    small = make_case()
    shown = set(logged_in.get(case_url("list"), {"key_monitoring": "true"}).context["filter"].qs.values_list("pk", flat=True))
    assert shown == {big.pk}
    shown = set(logged_in.get(case_url("list"), {"status": "open", "region_code": HOME}).context["filter"].qs.values_list("pk", flat=True))
    assert shown == {big.pk, small.pk}


def test_case_export_is_scoped_and_filtered(logged_in, inspector, make_case, other_case, settings, tmp_path,
                                            django_capture_on_commit_callbacks):
    import io

    import openpyxl

    from wagecase.core.choices import JobStatus
    from wagecase.core.models import Job

    settings.MEDIA_ROOT = tmp_path
    big = make_case(amount_owed=Decimal("2000000.00"))
    make_case()
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(case_url("export"), {"query": "key_monitoring=true&page=2"})
    job = Job.objects.get(user=inspector)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.log
    download = logged_in.get(reverse("core:job_download", args=[job.pk]))
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0].iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [big.pk]


# --- The two clear-to-zero tracker -----------------------------------------------------------------

def test_tracker_figures_for_a_fixed_day(logged_in, make_case, make_project, other_case):
    government = make_project(region=HOME, investment_type="government")
    make_case(project=government, occurred_on=D("2026-03-01"), amount_owed=Decimal("50000.00"))  # due 2026-12-31
    make_case(occurred_on=D("2026-03-01"), amount_owed=Decimal("30000.00"))  # due 2027-02-04
    make_case(occurred_on=D("2026-02-10"), amount_owed=Decimal("8000.00"))  # due 2026-02-15: overdue
    response = logged_in.get(reverse("complaints:zero_clearance"), {"as_of": "2026-12-01"})
    assert response.status_code == 200
    tiles = {key: tile for key, _title, _rule, tile in response.context["tiles"]}
    assert tiles["government"]["due"] == D("2026-12-31") and tiles["government"]["days_left"] == 30
    assert tiles["government"]["open_cases"] == 1 and tiles["government"]["amount_outstanding"] == Decimal("50000.00")
    assert tiles["other"]["due"] == D("2027-02-04") and tiles["other"]["days_left"] == 65
    assert tiles["other"]["open_cases"] == 2 and tiles["other"]["amount_outstanding"] == Decimal("38000.00")
    assert response.context["overdue_cases"] == 1
    assert [row["case"].amount_owed for row in response.context["overdue"]] == [Decimal("8000.00")]
    (county,) = response.context["by_county"]
    assert county["code"] == HOME and county["amount_outstanding"] == Decimal("88000.00")
    assert "government_type=true" in tiles["government"]["url"]
    # The figure's link lists exactly the cases counted.
    linked = logged_in.get(tiles["other"]["url"])
    assert linked.context["filter"].qs.count() == 2
    assert logged_in.get(reverse("complaints:zero_clearance"), {"region_code": OTHER}).status_code == 200
    refused = logged_in.get(reverse("complaints:zero_clearance"), {"region_code": "620102"})
    assert refused.status_code == 200 and "region_code" in refused.context["form"].errors


# --- Incidents -------------------------------------------------------------------------------------

def test_incident_report_late_and_close(logged_in, make_case):
    case = make_case()
    now = timezone.localtime().replace(second=0, microsecond=0)
    data = {
        "kind": "blocking", "serious": "on", "occurred_at": (now - dt.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
        "reported_at": now.strftime("%Y-%m-%dT%H:%M"), "region": HOME, "place": "区政府门口", "project": "", "case": str(case.pk),
        "people_involved": "25", "description": "二十余名工人堵门讨薪。", "damage": "", "cause": "", "measures": "", "public_reaction": "",
    }
    response = logged_in.post(reverse("complaints:incident_add"), data)
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.report_late and incident.case == case
    detail = logged_in.get(incident.get_absolute_url())
    assert "wc-report-late" in page(detail)
    assert case.events.filter(type=CaseEventType.INCIDENT).exists()
    assert incident in logged_in.get(case_url("detail", case)).context["incidents"]
    update = {"place": "区政府门口", "people_involved": "25", "damage": "", "cause": "工程款拨付滞后", "measures": "约谈总包",
              "public_reaction": "", "closing_report": "工资已于当日结清，人员散去。"}
    response = logged_in.post(reverse("complaints:incident_edit", args=[incident.pk]), update)
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.closed_at is not None and incident.cause == "工程款拨付滞后"


def test_incident_form_rejects_a_case_of_another_county(logged_in, other_case):
    now = timezone.localtime().replace(second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M")
    data = {"kind": "other", "occurred_at": now, "reported_at": now, "region": HOME, "case": str(other_case.pk),
            "people_involved": "3", "description": "x"}
    response = logged_in.post(reverse("complaints:incident_add"), data)
    assert response.status_code == 200 and "case" in response.context["form"].errors
    assert not Incident.objects.exists()


def test_incident_of_another_county_is_404(logged_in, other_inspector):
    incident = TestIncidentViews.report(other_inspector, OTHER)
    assert logged_in.get(incident.get_absolute_url()).status_code == 404
    assert logged_in.post(reverse("complaints:incident_edit", args=[incident.pk]), {"people_involved": "3"}).status_code == 404


def test_menu_lists_the_case_pages(logged_in):
    html = page(logged_in.get(reverse("complaints:arrearscase_list")))
    for name in ("arrearscase_key_monitoring", "zero_clearance", "incident_list"):
        assert reverse(f"complaints:{name}") in html


def test_tracker_queries_do_not_grow_with_cases(client, inspector, make_case, django_assert_max_num_queries):
    """The tracker aggregates: three times the cases, the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(inspector)
    for _ in range(3):
        make_case()
    with CaptureQueriesContext(connection) as few:
        assert client.get("/clues/zero-clearance/?as_of=2026-12-01").status_code == 200
    for _ in range(6):
        make_case(amount_owed=Decimal("1200000.00"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/clues/zero-clearance/?as_of=2026-12-01").status_code == 200


# --- The project's page: its open cases and clues ----------------------------------------------------

def test_project_page_shows_its_open_cases_and_clues(client, inspector, bureau, make_case, make_clue, make_project):
    """A project's arrears reported as a case (not payroll lines) show on its page: the open cases and
    clues on the project in the user's scope, the amount outstanding, and links to the lists."""
    project = make_project()
    other = make_project()
    near = make_case(project=project, occurred_on=dt.date(2025, 10, 1), amount_owed=Decimal("1785000.00"), workers_owed=112)
    later = make_case(project=project, amount_owed=Decimal("40000.00"))
    cleared = make_case(project=project, amount_owed=Decimal("5000.00"))
    services.case_payment_add(case=cleared, user=inspector, amount=Decimal("5000.00"), paid_on=dt.date(2026, 10, 2),
                              source="enterprise", workers=cleared.workers_owed)
    make_case(project=other, amount_owed=Decimal("77777.00"))
    late = make_clue(project=project)  # received 2026-11-02: past its deadline by now
    make_clue(project=other)
    assert ArrearsCase.objects.get(pk=cleared.pk).status == CaseStatus.CLEARED

    client.force_login(inspector)
    response = client.get(project.get_absolute_url())
    card = response.context["complaints"]
    assert (card["cases"]["count"], card["cases"]["outstanding"]) == (2, Decimal("1825000.00"))
    assert [c.pk for c in card["cases"]["rows"]] == [near.pk, later.pk]  # nearest clear-to-zero date first
    assert card["cases"]["overdue"] == 1  # the 2025 government-cycle case is past 31 December 2025
    assert (card["clues"]["count"], card["clues"]["overdue"]) == (1, 1) and late.due_on < timezone.localdate()
    html = response.content.decode()
    assert 'id="project-complaints"' in html and "1,825,000.00" in html and "77,777.00" not in html
    cases_listed = client.get(card["cases"]["url"]).context["table"].data.data
    assert {c.pk for c in cases_listed} == {near.pk, later.pk}
    clues_listed = client.get(card["clues"]["url"]).context["table"].data.data
    assert [c.pk for c in clues_listed] == [late.pk]
    assert [c.pk for c in client.get(card["clues"]["overdue_url"]).context["table"].data.data] == [late.pk]

    # Another caller's card counts what its own scope shows it, no more (a bureau of the project's
    # industry and city).
    client.force_login(bureau)
    response = client.get(project.get_absolute_url())
    assert response.status_code == 200
    card = response.context["complaints"]
    from complaints.models import Clue

    visible_cases = ArrearsCase.objects.restrict(bureau, "view").filter(project=project, status=CaseStatus.OPEN)
    assert (card["cases"] or {"count": 0})["count"] == visible_cases.count()
    if card["clues"] is not None:
        assert card["clues"]["count"] == Clue.objects.restrict(bureau, "view").filter(project=project).count()
