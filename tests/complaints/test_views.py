"""Pages of clues: the generic list/detail suite, the intake form with its look-ups and live
duplicate check, every workflow action through its page (and refused in the wrong state, out of
scope or for the wrong role), personal data on the clue's page, the "my work" and attention
queues, the figures, the Excel export, notifications, the menu and the home panel.

Data is made through the services; pages are driven with the Django test client."""
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation

from complaints import services
from complaints.choices import Channel, ClueCategory, ClueEventType, ClueStatus
from complaints.models import Clue
from complaints.views import reason_labels
from tests.generic_views import DetailViewTests, ListViewTests
from wagecase.core.choices import JobStatus, Role
from wagecase.core.models import Job, Notification
from wagecase.core.models.pii import PiiAccessLog

from ..conftest import HOME, OTHER
from .conftest import at

PHONE = "13912345678"
ID_NUMBER = "62050219930326924X"


def page(response):
    return response.content.decode()


def action_url(clue, action):
    return reverse("complaints:clue_action", args=[clue.number, action])


def detail_url(clue):
    return reverse("complaints:clue_detail", args=[clue.number])


def fresh(clue):
    return Clue.objects.get(pk=clue.pk)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD, HOME, username="head_home")


@pytest.fixture
def other_clue(make_clue, other_inspector):
    return make_clue(user=other_inspector, region=OTHER, employer_name="麦积区某劳务公司")


def intake_data(**overrides):
    data = {
        "channel": "hotline_12333",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "region": HOME,
        "complainant_name": "李四",
        "complainant_phone": PHONE,
        "complainant_id_number": "",
        "project": "",
        "employer_name": "天水某建筑劳务有限公司",
        "employer_uscc": "",
        "workers_involved": "4",
        "amount_claimed": "25600.50",
        "description": "四名工人2026年10月工资未发放。",
    }
    data.update(overrides)
    return data


# --- The generic suite ---------------------------------------------------------------------------

class TestClueViews(ListViewTests, DetailViewTests):
    model = Clue
    permitted_roles = {"view": Role.INSPECTOR}
    list_rows = 31
    list_max_queries = 8

    def url(self, page, obj=None):
        # A clue's pages are addressed by its number.
        return reverse(f"complaints:clue_{page}", args=[obj.number] if obj is not None else None)

    @pytest.fixture
    def make_in_scope(self, make_clue):
        return lambda: make_clue(region=HOME)

    @pytest.fixture
    def make_out_of_scope(self, make_clue, other_inspector):
        return lambda: make_clue(user=other_inspector, region=OTHER)


# --- Access --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["clue_list", "clue_add", "clue_mine", "clue_attention", "clue_figures", "notification_list"])
def test_anonymous_is_sent_to_login(client, db, name):
    response = client.get(reverse(f"complaints:{name}"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_pages_answer_the_inspector(client, inspector, make_clue):
    clue = make_clue()
    client.force_login(inspector)
    for url in (reverse("complaints:clue_list"), reverse("complaints:clue_add"), detail_url(clue),
                reverse("complaints:clue_mine"), reverse("complaints:clue_attention"), reverse("complaints:clue_figures"),
                reverse("complaints:notification_list"), action_url(clue, "accept")):
        assert client.get(url).status_code == 200, url


def test_bureau_may_not_register_clues(client, bureau):
    client.force_login(bureau)
    assert client.get(reverse("complaints:clue_add")).status_code == 403
    assert client.post(reverse("complaints:clue_add"), intake_data()).status_code == 403
    assert client.get(reverse("complaints:project_typeahead"), {"project": "P"}).status_code == 403
    assert client.post(reverse("complaints:duplicate_check"), intake_data()).status_code == 403
    assert not Clue.objects.exists()


ACTION_SLUGS = ["accept", "reject", "classify", "transfer", "reply", "resolve", "close", "hand-over", "extension-request",
                "extension-approve", "revisit", "merge", "note"]


def test_other_county_sees_nothing(client, other_inspector, make_clue, media, django_capture_on_commit_callbacks):
    clue = make_clue()  # in HOME, the inspector's
    client.force_login(other_inspector)
    assert client.get(detail_url(clue)).status_code == 404
    for slug in ACTION_SLUGS:
        assert client.get(action_url(clue, slug)).status_code == 404, slug
        assert client.post(action_url(clue, slug), {"reason": "x", "comment": "x", "reply": "x"}).status_code == 404, slug
    assert fresh(clue).status == ClueStatus.RECEIVED and fresh(clue).events.count() == 1
    for name in ("clue_list", "clue_mine", "clue_attention"):
        shown = client.get(reverse(f"complaints:{name}")).context["filter"].qs
        assert not shown.filter(pk=clue.pk).exists(), name
    figures = client.get(reverse("complaints:clue_figures"), {"date_from": "2026-01-01", "date_to": "2026-12-31"}).context["figures"]
    assert figures["received"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("complaints:clue_export"), {"query": ""})
    job = Job.objects.get(user=other_inspector)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.total == 0


def test_unknown_action_is_404(client, inspector, make_clue):
    clue = make_clue()
    client.force_login(inspector)
    assert client.get(action_url(clue, "explode")).status_code == 404


# --- List ----------------------------------------------------------------------------------------

def test_list_columns_badges_and_filters(client, inspector, make_clue, make_project):
    project = make_project()
    overdue = make_clue(project=project, employer_name="列表测试劳务公司")  # received 2026-11-02: accept by 11-09
    recent = make_clue(received_at=timezone.now() - dt.timedelta(minutes=5), channel="window")
    client.force_login(inspector)
    response = client.get(reverse("complaints:clue_list"))
    html = page(response)
    assert overdue.number in html and recent.number in html and project.name in html
    assert 'data-deadline="overdue"' in html and 'data-deadline="normal"' in html
    assert reverse("complaints:clue_export") in html and reverse("complaints:clue_add") in html
    qs = client.get(reverse("complaints:clue_list"), {"channel": "window"}).context["filter"].qs
    assert list(qs) == [recent]
    qs = client.get(reverse("complaints:clue_list"), {"deadline": "overdue"}).context["filter"].qs
    assert list(qs) == [overdue]
    assert PHONE not in html


# --- Intake --------------------------------------------------------------------------------------

def test_add_form_defaults_to_the_users_county(client, inspector):
    client.force_login(inspector)
    response = client.get(reverse("complaints:clue_add"))
    form = response.context["form"]
    assert form.initial["region"] == HOME
    assert abs((form.initial["received_at"] - timezone.now()).total_seconds()) < 120
    html = page(response)
    assert reverse("complaints:project_typeahead") in html and reverse("complaints:duplicate_check") in html


def test_add_registers_through_the_service(client, inspector, make_project):
    project = make_project()
    client.force_login(inspector)
    response = client.post(reverse("complaints:clue_add"), intake_data(project=project.code, complainant_id_number=ID_NUMBER.lower()))
    assert response.status_code == 302, response.context["form"].errors
    clue = Clue.objects.get()
    assert response.url == detail_url(clue)
    assert clue.owner == inspector and clue.received_by == inspector and clue.status == ClueStatus.RECEIVED
    assert clue.project == project and clue.industry == project.industry
    assert clue.amount_claimed == Decimal("25600.50") and clue.complainant_id_number == ID_NUMBER
    assert clue.events.get().type == ClueEventType.RECEIVED
    assert clue.number.startswith(f"{HOME}-")


@pytest.mark.parametrize("overrides, field", [
    ({"complainant_phone": "12345"}, "complainant_phone"),
    ({"employer_uscc": "91620502MA00000000"}, "employer_uscc"),
    ({"complainant_id_number": "620502199001011234"}, "complainant_id_number"),
    ({"workers_involved": "0"}, "workers_involved"),
    ({"region": OTHER}, "region"),
    ({"received_at": "2099-01-01T10:00"}, "received_at"),
])
def test_add_refuses_bad_input_and_saves_nothing(client, inspector, overrides, field):
    client.force_login(inspector)
    response = client.post(reverse("complaints:clue_add"), intake_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert not Clue.objects.exists()


def test_add_refuses_a_project_of_another_county(client, inspector, make_project):
    theirs = make_project(region=OTHER)
    client.force_login(inspector)
    response = client.post(reverse("complaints:clue_add"), intake_data(project=theirs.code))
    assert "project" in response.context["form"].errors
    mine_elsewhere = make_project(region="620502")
    response = client.post(reverse("complaints:clue_add"), intake_data(project=mine_elsewhere.code, region=HOME))
    assert response.status_code == 302
    assert not Clue.objects.filter(project=theirs).exists()


def test_typeaheads_return_only_scope(client, inspector, make_project, make_enterprise):
    mine = make_project(name="藉河风情线改造工程")
    theirs = make_project(region=OTHER, name="藉河对岸工程")
    client.force_login(inspector)
    html = page(client.get(reverse("complaints:project_typeahead"), {"project": "藉河"}))
    assert mine.code in html and mine.general_contractor.name in html and mine.general_contractor.uscc in html
    assert theirs.code not in html
    html = page(client.get(reverse("complaints:project_typeahead"), {"project": mine.code[-4:]}))
    assert mine.code in html
    company = make_enterprise(region=HOME, name="秦州独特劳务有限公司")
    elsewhere = make_enterprise(region=OTHER, name="麦积独特劳务有限公司")
    html = page(client.get(reverse("complaints:employer_typeahead"), {"employer_name": "独特劳务"}))
    assert company.uscc in html and elsewhere.uscc not in html
    html = page(client.get(reverse("complaints:employer_typeahead"), {"employer_name": company.uscc[:8]}))
    assert company.name in html


def test_duplicate_check_is_live_scoped_and_advisory(client, inspector, make_clue, other_inspector):
    earlier = make_clue(employer_name="重复测试劳务公司", complainant_phone=PHONE, received_at=timezone.now() - dt.timedelta(days=3))
    theirs = make_clue(user=other_inspector, region=OTHER, employer_name="重复测试劳务公司",
                       received_at=timezone.now() - dt.timedelta(days=2))
    client.force_login(inspector)
    response = client.post(reverse("complaints:duplicate_check"), intake_data(employer_name="重复测试劳务公司"))
    html = page(response)
    assert response.status_code == 200
    assert earlier.number in html and theirs.number not in html
    with translation.override("zh-hans"):
        assert reason_labels(["employer_name"])[0] in html and reason_labels(["complainant_phone"])[0] in html
    assert 'data-duplicates="1"' in html
    assert 'data-duplicates="0"' in page(client.post(reverse("complaints:duplicate_check"), intake_data(
        employer_name="完全不同的公司", complainant_phone="13700000000")))
    # The user may still save: the new clue records the candidate.
    response = client.post(reverse("complaints:clue_add"), intake_data(employer_name="重复测试劳务公司"))
    assert response.status_code == 302
    new = Clue.objects.latest("pk")
    assert earlier in [d.candidate for d in new.duplicate_links.all()]
    html = page(client.get(detail_url(new)))
    assert earlier.number in html and theirs.number not in html


# --- Detail --------------------------------------------------------------------------------------

def test_detail_masks_personal_data_for_office_staff(client, office_staff, make_clue):
    clue = make_clue(complainant_phone=PHONE, complainant_id_number=ID_NUMBER)
    client.force_login(office_staff)
    html = page(client.get(detail_url(clue)))
    assert "139****5678" in html and PHONE not in html
    assert "620502********924X" in html and ID_NUMBER not in html
    assert not PiiAccessLog.objects.exists()


def test_detail_shows_personal_data_to_the_inspector_and_logs_it(client, inspector, make_clue):
    clue = make_clue(complainant_phone=PHONE, complainant_id_number=ID_NUMBER)
    client.force_login(inspector)
    html = page(client.get(detail_url(clue)))
    assert PHONE in html and ID_NUMBER in html
    logs = PiiAccessLog.objects.filter(user=inspector, object_id=str(clue.pk),
                                       object_type=ContentType.objects.get_for_model(Clue))
    assert {log.field for log in logs} == {"complainant_phone", "complainant_id_number"}
    assert {log.channel for log in logs} == {"web"}
    # The history tab shows no personal data and logs nothing more.
    html = page(client.get(detail_url(clue), {"tab": "history"}))
    assert PHONE not in html and logs.count() == 2


def test_detail_shows_officers_deadlines_and_timeline(client, inspector, make_clue, make_user):
    colleague = make_user(Role.INSPECTOR, HOME, full_name="赵接手")
    clue = make_clue()
    services.clue_accept(clue=clue, user=inspector, comment="受理")
    services.clue_classify(clue=clue, user=inspector, category=ClueCategory.WAGE_ARREARS)
    services.clue_hand_over(clue=clue, user=inspector, to_user=colleague, comment="轮岗交接")
    client.force_login(inspector)
    response = client.get(detail_url(clue))
    html = page(response)
    clue = fresh(clue)
    assert str(inspector) in html and "赵接手" in html
    assert clue.accept_due.isoformat() in html and clue.resolve_due.isoformat() in html
    assert [row["event"].type for row in response.context["events"]] == ["received", "accepted", "classified", "handed_over"]
    assert 'data-event="handed_over"' in html and "轮岗交接" in html
    handed = response.context["events"][-1]["details"]
    assert ("赵接手" in [text for _label, text in handed]) and not any(text == str(colleague.pk) for _l, text in handed)
    classified = dict((str(label), text) for label, text in response.context["events"][2]["details"])
    assert str(ClueCategory.WAGE_ARREARS.label) in classified.values()
    offered = {spec.slug for spec, _form in response.context["actions"]}
    assert offered == {"transfer", "resolve", "hand-over", "extension-request", "merge", "note"}


def test_actions_follow_role_and_state(client, head, inspector, make_clue, db, monkeypatch):
    clue = make_clue()
    client.force_login(head)
    offered = {spec.slug for spec, _form in client.get(detail_url(clue)).context["actions"]}
    assert offered == {"accept", "reject", "hand-over", "merge", "note"}
    services.clue_accept(clue=clue, user=inspector)
    offered = {spec.slug for spec, _form in client.get(detail_url(clue)).context["actions"]}
    assert {"extension-approve", "extension-request", "classify"} <= offered  # the head may approve without a request
    client.force_login(inspector)
    offered = {spec.slug for spec, _form in client.get(detail_url(clue)).context["actions"]}
    assert "extension-approve" not in offered and "classify" in offered


def test_actions_need_change_rights(client, make_clue, monkeypatch):
    from wagecase.core.models import User
    from wagecase.core.roles import ROLE_PERMISSIONS

    monkeypatch.setitem(ROLE_PERMISSIONS, "test_reader", ["*.view_*"])
    reader = User.objects.create(username="reader", role="test_reader", jurisdiction_id=HOME)
    clue = make_clue()
    client.force_login(reader)
    response = client.get(detail_url(clue))
    assert response.status_code == 200 and response.context["actions"] == []
    assert client.post(action_url(clue, "accept")).status_code == 403
    assert fresh(clue).status == ClueStatus.RECEIVED


# --- Actions through the pages -------------------------------------------------------------------

def post_action(client, clue, slug, data=None):
    return client.post(action_url(clue, slug), data or {})


def test_workflow_through_the_pages(client, inspector, head, make_clue, make_user):
    colleague = make_user(Role.INSPECTOR, HOME)
    clue = make_clue(workers_involved=3, amount_claimed=Decimal("18600.00"))
    client.force_login(inspector)

    response = post_action(client, clue, "accept", {"comment": "当日受理"})
    assert response.status_code == 302 and response.url == detail_url(clue)
    assert fresh(clue).status == ClueStatus.ACCEPTED
    assert post_action(client, clue, "classify", {"category": "wage_arrears"}).status_code == 302
    assert fresh(clue).status == ClueStatus.IN_PROGRESS and fresh(clue).category == "wage_arrears"
    assert post_action(client, clue, "extension-request", {"reason": "涉及人数多"}).status_code == 302
    assert fresh(clue).extension_requested_by == inspector
    assert post_action(client, clue, "extension-approve", {}).status_code == 403  # not the office head
    client.force_login(head)
    due = fresh(clue).resolve_due
    assert post_action(client, clue, "extension-approve", {"comment": "同意"}).status_code == 302
    assert fresh(clue).extended_at and fresh(clue).resolve_due > due
    assert post_action(client, clue, "hand-over", {"to_user": colleague.pk, "comment": "交接"}).status_code == 302
    assert fresh(clue).owner == colleague
    client.force_login(colleague)
    assert post_action(client, clue, "note", {"comment": "已电话联系用工单位"}).status_code == 302
    assert post_action(client, clue, "resolve", {"workers_paid": "3", "amount_recovered": "18600", "result": "已全部支付"}).status_code == 302
    assert fresh(clue).status == ClueStatus.RESOLVED and fresh(clue).amount_recovered == Decimal("18600.00")
    assert post_action(client, clue, "close", {"reply": "已告知投诉人处理结果"}).status_code == 302
    assert fresh(clue).status == ClueStatus.CLOSED and fresh(clue).closed_at
    assert post_action(client, clue, "revisit", {"satisfied": "yes", "note": "工资已收到"}).status_code == 302
    assert fresh(clue).revisit_satisfied is True
    types = list(fresh(clue).events.values_list("type", flat=True))
    assert types == ["received", "accepted", "classified", "extended", "extended", "handed_over", "note", "resolved", "closed",
                     "revisited"]
    assert set(fresh(clue).events.exclude(type="received").values_list("user", flat=True)) == {inspector.pk, head.pk, colleague.pk}


def test_reject_transfer_reply_and_merge_through_the_pages(client, inspector, make_clue, make_user, housing_department):
    rejected, transferred, duplicate, original = make_clue(), make_clue(), make_clue(), make_clue()
    client.force_login(inspector)
    assert post_action(client, rejected, "reject", {"reason": "超过两年时效"}).status_code == 302
    assert fresh(rejected).status == ClueStatus.CLOSED and fresh(rejected).category == ClueCategory.NOT_ACCEPTED

    services.clue_accept(clue=transferred, user=inspector)
    assert post_action(client, transferred, "transfer", {"department": "housing", "reason": "拖欠工程款"}).status_code == 302
    assert fresh(transferred).status == ClueStatus.TRANSFERRED and fresh(transferred).transferred_to == housing_department
    officer = make_user(Role.BUREAU, "6205", industries=["housing"], department=housing_department)
    client.force_login(officer)
    response = client.get(detail_url(transferred))
    assert {spec.slug for spec, _form in response.context["actions"]} == {"reply", "note"}
    assert post_action(client, transferred, "accept").status_code == 403
    assert transferred in client.get(reverse("complaints:clue_mine")).context["filter"].qs
    response = post_action(client, transferred, "reply", {"outcome": "handled", "reply": "已督促拨付", "workers_paid": "3",
                                                          "amount_recovered": "18600"})
    assert response.status_code == 302
    assert fresh(transferred).status == ClueStatus.RESOLVED and fresh(transferred).category == ClueCategory.PROJECT_PAYMENT

    client.force_login(inspector)
    assert post_action(client, duplicate, "merge", {"into": original.number}).status_code == 302
    assert fresh(duplicate).merged_into == original and fresh(duplicate).status == ClueStatus.CLOSED
    html = page(client.get(detail_url(original)))
    assert duplicate.number in html and 'id="merged"' in html


def test_wrong_state_post_changes_nothing(client, inspector, make_clue):
    clue = make_clue()
    client.force_login(inspector)
    for slug, data in (("close", {"reply": "x"}), ("resolve", {"workers_paid": "1", "amount_recovered": "1", "result": "x"}),
                       ("classify", {"category": "wage_arrears"}), ("revisit", {"satisfied": "yes", "note": "x"})):
        response = post_action(client, clue, slug, data)
        assert response.status_code == 302 and response.url == detail_url(clue), slug
        assert fresh(clue).status == ClueStatus.RECEIVED and fresh(clue).events.count() == 1, slug
    # A page of an action the state does not allow sends the user back to the clue.
    assert client.get(action_url(clue, "close")).status_code == 302


def test_wrong_state_message_is_shown(client, inspector, make_clue):
    clue = make_clue()
    client.force_login(inspector)
    response = client.post(action_url(clue, "close"), {"reply": "x"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_validation_errors_rerender_the_form(client, inspector, make_clue, other_inspector):
    clue = make_clue(workers_involved=2)
    client.force_login(inspector)
    response = post_action(client, clue, "reject", {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    services.clue_accept(clue=clue, user=inspector)
    services.clue_classify(clue=clue, user=inspector, category="wage_arrears")
    # More workers paid than involved: the service asks for an explanation.
    response = post_action(client, clue, "resolve", {"workers_paid": "5", "amount_recovered": "100", "result": "已支付"})
    assert response.status_code == 200 and "result_explanation" in response.context["form"].errors
    assert fresh(clue).status == ClueStatus.IN_PROGRESS
    # Hand-over to an officer of another county is not offered.
    response = post_action(client, clue, "hand-over", {"to_user": other_inspector.pk, "comment": "x"})
    assert response.status_code == 200 and "to_user" in response.context["form"].errors
    # Merge into an unknown number.
    response = post_action(client, clue, "merge", {"into": "620503-2026-000001"})
    assert "into" in response.context["form"].errors
    # Transfer with no department of that kind: a conflict, shown as a message.
    response = post_action(client, clue, "transfer", {"department": "court", "reason": "x"})
    assert response.status_code == 302 and fresh(clue).status == ClueStatus.IN_PROGRESS


def test_action_page_renders_its_form(client, inspector, make_clue):
    clue = make_clue()
    client.force_login(inspector)
    response = client.get(action_url(clue, "reject"))
    assert response.status_code == 200 and "reason" in response.context["form"].fields
    html = page(client.get(detail_url(clue)))
    assert f'action="{action_url(clue, "accept")}"' in html and 'id="action-reject"' in html


# --- Queues --------------------------------------------------------------------------------------

def test_my_work_queue(client, inspector, make_clue, make_user, django_assert_max_num_queries):
    colleague = make_user(Role.INSPECTOR, HOME)
    late = make_clue(received_at=at("2026-10-08"))
    soon = make_clue(received_at=timezone.now() - dt.timedelta(hours=1))
    theirs = make_clue(user=colleague)
    closed = make_clue()
    services.clue_reject(clue=closed, user=inspector, reason="超时效")
    for _ in range(20):
        make_clue()
    client.force_login(inspector)
    client.get(reverse("complaints:clue_mine"))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("complaints:clue_mine"))
    rows = [row.record for row in response.context["table"].page.object_list]
    assert rows[0] == late and rows[-1] == soon
    assert theirs not in rows and closed not in rows
    assert [r.due_on for r in rows] == sorted(r.due_on for r in rows)


def test_attention_lists_overdue_first_in_scope(client, inspector, make_clue, other_clue):
    today = timezone.localdate()
    overdue = make_clue(received_at=at("2026-10-08"))
    warning = make_clue(received_at=timezone.now() - dt.timedelta(hours=1))
    Clue.objects.filter(pk=warning.pk).update(warn_on=today, due_on=today + dt.timedelta(days=2))
    normal = make_clue(received_at=timezone.now() - dt.timedelta(hours=1))
    client.force_login(inspector)
    response = client.get(reverse("complaints:clue_attention"))
    rows = [row.record for row in response.context["table"].page.object_list]
    assert rows == [overdue, warning]
    assert normal not in rows and other_clue not in rows
    county = response.context["by_county"]
    assert county == [{"region_id": HOME, "region__name": county[0]["region__name"], "overdue": 1, "warning": 1}]
    assert response.context["by_officer"][0]["owner_id"] == inspector.pk
    filtered = client.get(reverse("complaints:clue_attention"), {"deadline": "warning"}).context["filter"].qs
    assert list(filtered) == [warning]


# --- Figures -------------------------------------------------------------------------------------

def test_figures_page(client, inspector, make_clue, other_clue):
    a = make_clue(employer_name="同一公司", received_at=at("2026-10-01"), channel="hotline_12345")
    b = make_clue(employer_name="同一公司", received_at=at("2026-10-02"))
    c = make_clue(received_at=at("2026-10-03"))
    services.clue_merge(clue=b, into=a, user=inspector)
    services.clue_reject(clue=c, user=inspector, reason="超过时效")
    client.force_login(inspector)
    response = client.get(reverse("complaints:clue_figures"), {"date_from": "2026-10-01", "date_to": "2026-10-31"})
    figures = response.context["figures"]
    assert figures["received"] == 2 and figures["closed"] == 1 and figures["closure_rate"] == 50.0
    assert figures["overdue"] == 1
    html = page(response)
    channels = {str(row["label"]): row for row in response.context["by_channel"]}
    assert channels[str(Channel.HOTLINE_12345.label)]["received"] == 1
    # Each figure drills down to the clues behind it.
    received_url = response.context["links"]["received"]
    assert received_url in html.replace("&amp;", "&")
    listed = client.get(received_url).context["filter"].qs
    assert set(listed) == {a, c}
    closed = client.get(response.context["links"]["closed"]).context["filter"].qs
    assert list(closed) == [c]
    channel_row = next(r for r in response.context["by_channel"] if r["received"] and "hotline_12345" in r["url"])
    assert list(client.get(channel_row["url"]).context["filter"].qs) == [a]
    # Another region prefix in scope, and one outside it.
    response = client.get(reverse("complaints:clue_figures"), {"region_code": OTHER, "date_from": "2026-01-01"})
    assert "region_code" in response.context["form"].errors and response.context["figures"] is None
    response = client.get(reverse("complaints:clue_figures"), {"region_code": "620502", "date_from": "2026-10-02", "date_to": "2026-10-02"})
    assert response.context["figures"]["received"] == 0  # b was merged: it counts in a


# --- Export --------------------------------------------------------------------------------------

def test_export_job_is_scoped_filtered_and_masked(client, inspector, make_clue, other_clue, media,
                                                  django_capture_on_commit_callbacks):
    wanted = make_clue(channel="window", complainant_phone=PHONE, complainant_name="张三丰")
    make_clue(channel="hotline_12345")
    client.force_login(inspector)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("complaints:clue_export"), {"query": "channel=window&page=2"})
    job = Job.objects.get(user=inspector)
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.log
    assert job.params == {"model": "complaints.clue", "query": "channel=window"}
    download = client.get(reverse("core:job_download", args=[job.pk]))
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert [row[0] for row in body] == [wanted.number]
    assert body[0][header.index(str(Clue._meta.get_field("complainant_phone").verbose_name))] == "139****5678"
    assert body[0][header.index(str(Clue._meta.get_field("complainant_name").verbose_name))] == "张**"
    assert PHONE not in {str(v) for v in body[0]}


# --- Notifications -------------------------------------------------------------------------------

def test_notifications_bell_list_and_mark_read(client, inspector, other_inspector, make_clue):
    clue = make_clue()
    services.notify(user=inspector, key="t1", title="线索即将到期", url=clue.get_absolute_url())
    services.notify(user=inspector, key="t2", title="第二条")
    services.notify(user=other_inspector, key="t3", title="别人的")
    client.force_login(inspector)
    home = page(client.get(reverse("home")))
    assert reverse("complaints:notification_badge") in home
    badge = page(client.get(reverse("complaints:notification_badge")))
    assert 'data-unread="2"' in badge
    response = client.get(reverse("complaints:notification_list"))
    assert response.context["unread"] == 2 and "别人的" not in page(response)
    first = Notification.objects.get(key="t1")
    response = client.post(reverse("complaints:notification_read", args=[first.pk]), {"open": "1"})
    assert response.status_code == 302 and response.url == clue.get_absolute_url()
    assert Notification.objects.get(pk=first.pk).read_at is not None
    theirs = Notification.objects.get(key="t3")
    assert client.post(reverse("complaints:notification_read", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("complaints:notification_read_all")).status_code == 302
    assert not Notification.objects.filter(user=inspector, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert 'data-unread="0"' in page(client.get(reverse("complaints:notification_badge")))


def test_hand_over_notifies_the_new_officer(client, inspector, make_clue, make_user):
    colleague = make_user(Role.INSPECTOR, HOME)
    clue = make_clue()
    client.force_login(inspector)
    post_action(client, clue, "hand-over", {"to_user": colleague.pk, "comment": "交接"})
    client.force_login(colleague)
    assert 'data-unread="1"' in page(client.get(reverse("complaints:notification_badge")))


# --- Menu and home panel -------------------------------------------------------------------------

def test_menu_and_home_panel(client, inspector, bureau, make_clue):
    make_clue(received_at=at("2026-10-08"))
    client.force_login(inspector)
    response = client.get(reverse("home"))
    urls = {url for group in response.context["nav_menu"] for _label, url, _active in group["items"]}
    assert {reverse("complaints:clue_list"), reverse("complaints:clue_add"), reverse("complaints:clue_mine"),
            reverse("complaints:clue_attention"), reverse("complaints:clue_figures")} <= urls
    names = [panel.name for panel, _html in response.context["panels"]]
    assert "clues_due" in names
    html = dict((panel.name, h) for panel, h in response.context["panels"])["clues_due"]
    assert 'data-deadline="overdue"' in html
    client.force_login(bureau)
    urls = {url for group in client.get(reverse("home")).context["nav_menu"] for _label, url, _active in group["items"]}
    assert reverse("complaints:clue_list") in urls and reverse("complaints:clue_add") not in urls
