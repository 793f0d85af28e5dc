"""Clue services: numbers, deadlines on the working-day calendar, the workflow's transitions and
their 409s, hand-over, extension, transfer and reply, resolution consistency, duplicates and merge,
and the daily deadline notifications."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from complaints import services
from complaints.choices import ClueCategory, ClueEventType, ClueStatus, DeadlineState
from complaints.models import Clue
from complaints.services import ClueConflict
from wagecase.core.choices import Role
from wagecase.core.models import Notification, ObjectChange

from .conftest import at

D = dt.date.fromisoformat


def test_number_is_per_county_and_year(make_clue):
    a = make_clue(received_at=at("2026-03-02"))
    b = make_clue(received_at=at("2026-03-03"))
    c = make_clue(received_at=at("2025-12-30"))
    d = make_clue(region="620503", received_at=at("2026-03-03"))
    assert (a.number, b.number) == ("620502-2026-000001", "620502-2026-000002")
    assert c.number == "620502-2025-000001"
    assert d.number == "620503-2026-000001"


def test_accept_due_across_spring_festival(make_clue):
    # Received Friday 2026-02-13: 14th (Saturday) is a make-up working day, 15–23 the holiday.
    clue = make_clue(received_at=at("2026-02-13"))
    assert clue.accept_due == D("2026-02-27")
    assert clue.due_on == clue.accept_due
    assert clue.accept_warn_on == D("2026-02-26")  # 4 of 5 working days = 80 %


def test_accept_due_across_a_weekend(make_clue):
    clue = make_clue(received_at=at("2026-11-06"))  # a Friday
    assert clue.accept_due == D("2026-11-13")


def test_received_in_the_future_is_refused(make_clue):
    with pytest.raises(ValidationError) as e:
        make_clue(received_at=timezone.now() + dt.timedelta(days=1))
    assert "received_at" in e.value.message_dict
    assert not Clue.objects.exists()


def test_workflow_and_timeline(make_clue, inspector, freezer=None):
    clue = make_clue()
    assert clue.owner == inspector and clue.received_by == inspector
    clue = services.clue_accept(clue=clue, user=inspector)
    assert clue.status == ClueStatus.ACCEPTED
    accepted_on = timezone.localtime(clue.accepted_at).date()
    from wagecase.core.workdays import add_working_days
    assert clue.resolve_due == add_working_days(accepted_on, 60)
    with pytest.raises(ClueConflict):
        services.clue_accept(clue=clue, user=inspector)
    with pytest.raises(ClueConflict):
        services.clue_resolve(clue=clue, user=inspector, workers_paid=1, amount_recovered=1, result="x")
    clue = services.clue_classify(clue=clue, user=inspector, category="wage_arrears")
    clue = services.clue_resolve(clue=clue, user=inspector, workers_paid=3, amount_recovered=Decimal("18600"), result="已足额支付。")
    clue = services.clue_close(clue=clue, user=inspector, reply="已电话告知投诉人。")
    assert clue.status == ClueStatus.CLOSED and clue.closed_at and clue.due_on is None
    types = list(clue.events.values_list("type", flat=True))
    assert types == ["received", "accepted", "classified", "resolved", "closed"]
    assert all(e.user_id == inspector.pk for e in clue.events.all())
    assert ObjectChange.for_object(clue).count() >= 5


def test_reject_needs_reason_and_sets_not_accepted(make_clue, inspector):
    clue = make_clue()
    with pytest.raises(ValidationError):
        services.clue_reject(clue=clue, user=inspector, reason=" ")
    clue = services.clue_reject(clue=clue, user=inspector, reason="超过两年时效。")
    assert (clue.status, clue.category) == (ClueStatus.CLOSED, ClueCategory.NOT_ACCEPTED)


def test_resolution_consistency(make_clue, inspector):
    clue = make_clue(workers_involved=3)
    services.clue_accept(clue=clue, user=inspector)
    services.clue_classify(clue=clue, user=inspector, category="wage_arrears")
    with pytest.raises(ValidationError) as e:
        services.clue_resolve(clue=clue, user=inspector, workers_paid=5, amount_recovered=Decimal("100"), result="付清")
    assert "result_explanation" in e.value.message_dict
    with pytest.raises(ValidationError):
        services.clue_resolve(clue=clue, user=inspector, workers_paid=0, amount_recovered=Decimal("100"), result="付清")
    clue = services.clue_resolve(clue=clue, user=inspector, workers_paid=5, amount_recovered=Decimal("100"), result="付清",
                                 result_explanation="核实后另有两名工人同班组被欠薪。")
    assert clue.status == ClueStatus.RESOLVED


def test_transfer_and_department_reply(make_clue, inspector, housing_department, make_user):
    clue = make_clue()
    services.clue_accept(clue=clue, user=inspector)
    clue = services.clue_transfer(clue=clue, user=inspector, department="housing", reason="拖欠工程款，移交住建部门。")
    assert clue.status == ClueStatus.TRANSFERRED and clue.transferred_to == housing_department
    assert clue.industry == "housing" and clue.transfer_due
    bureau = make_user(role=Role.BUREAU, region="6205", industries=["housing"], department=housing_department)
    assert Clue.objects.restrict(bureau).filter(pk=clue.pk).exists()
    transport = make_user(role=Role.BUREAU, region="6205", industries=["transport"])
    assert not Clue.objects.restrict(transport).filter(pk=clue.pk).exists()
    with pytest.raises(PermissionDenied):
        services.clue_accept(clue=clue, user=bureau)
    clue = services.clue_transfer_reply(clue=clue, user=bureau, outcome="handled", reply="已督促建设单位拨付工程款。",
                                        workers_paid=3, amount_recovered=Decimal("18600"))
    assert clue.status == ClueStatus.RESOLVED and clue.category == ClueCategory.PROJECT_PAYMENT


def test_transfer_without_department_is_409(make_clue, inspector):
    clue = make_clue()
    services.clue_accept(clue=clue, user=inspector)
    with pytest.raises(ClueConflict) as e:
        services.clue_transfer(clue=clue, user=inspector, department="court", reason="x")
    assert e.value.error_code == "no_department"


def test_extension_once_by_office_head(make_clue, inspector, make_user):
    head = make_user(role=Role.OFFICE_HEAD)
    clue = make_clue()
    clue = services.clue_accept(clue=clue, user=inspector)
    due = clue.resolve_due
    services.clue_extension_request(clue=clue, user=inspector, reason="涉及人数多，需进一步核查。")
    assert Notification.objects.filter(user=head).exists()
    with pytest.raises(PermissionDenied):
        services.clue_extension_approve(clue=clue, user=inspector)
    clue = services.clue_extension_approve(clue=clue, user=head)
    from wagecase.core.workdays import add_working_days
    assert clue.resolve_due == add_working_days(timezone.localtime(clue.accepted_at).date(), 90) > due
    assert clue.extension_approved_by == head
    with pytest.raises(ClueConflict) as e:
        services.clue_extension_approve(clue=clue, user=head)
    assert e.value.error_code == "already_extended"


def test_hand_over_records_both_officers(make_clue, inspector, make_user, other_inspector):
    colleague = make_user(role=Role.INSPECTOR)
    clue = make_clue()
    clue = services.clue_hand_over(clue=clue, user=inspector, to_user=colleague, comment="轮岗交接")
    assert clue.owner == colleague and clue.received_by == inspector
    event = clue.events.get(type=ClueEventType.HANDED_OVER)
    assert event.parameters["from_user"] == inspector.pk and event.parameters["to_user"] == colleague.pk
    with pytest.raises(ValidationError):
        services.clue_hand_over(clue=clue, user=colleague, to_user=other_inspector, comment="跨县")


def test_duplicates_and_merge(make_clue, inspector):
    first = make_clue(employer_name="天水某建筑劳务公司", complainant_phone="13800001111", received_at=at("2026-10-01"))
    second = make_clue(employer_name="天水某建筑劳务公司", complainant_phone="13800002222", received_at=at("2026-10-05"))
    third = make_clue(employer_name="另一家公司", complainant_phone="13800001111", received_at=at("2026-10-06"))
    assert [d.candidate for d in second.duplicate_links.all()] == [first]
    assert second.duplicate_links.get().reasons == ["employer_name"]
    assert {d.candidate.pk for d in third.duplicate_links.all()} == {first.pk}
    services.clue_merge(clue=second, into=first, user=inspector)
    second.refresh_from_db()
    assert second.status == ClueStatus.CLOSED and second.category == ClueCategory.DUPLICATE and second.merged_into == first
    assert first.events.filter(type="absorbed").exists() and second.events.filter(type="merged").exists()
    assert Clue.objects.counted().count() == 2
    with pytest.raises(ClueConflict):
        services.clue_merge(clue=third, into=second, user=inspector)


def test_deadline_notifications_are_daily_and_idempotent(make_clue, inspector, make_user):
    head = make_user(role=Role.OFFICE_HEAD)
    clue = make_clue(received_at=at("2026-11-02"))  # accept_due 2026-11-09
    assert services.clue_deadline_notifications(today=D("2026-11-05")) == 0
    assert services.clue_deadline_notifications(today=D("2026-11-06")) == 1  # warning, to its officer
    assert services.clue_deadline_notifications(today=D("2026-11-06")) == 0
    assert clue.deadline_state(D("2026-11-10")) == DeadlineState.OVERDUE
    assert services.clue_deadline_notifications(today=D("2026-11-10")) == 2  # officer + head
    assert Notification.objects.filter(user=head, level="danger").count() == 1
    assert clue.events.filter(type="overdue").count() == 1
    assert Clue.objects.overdue(D("2026-11-10")).count() == 1


def test_figures_count_a_merged_duplicate_once(make_clue, inspector):
    from complaints.selectors import clue_figures

    a = make_clue(employer_name="同一公司", received_at=at("2026-10-01"), channel="hotline_12345")
    b = make_clue(employer_name="同一公司", received_at=at("2026-10-02"))
    c = make_clue(received_at=at("2026-10-03"))
    services.clue_merge(clue=b, into=a, user=inspector)
    services.clue_reject(clue=c, user=inspector, reason="超过时效")
    figures = clue_figures(Clue.objects.all(), date_from=D("2026-10-01"), date_to=D("2026-10-31"), today=D("2026-10-05"))
    assert figures["received"] == 2 and figures["closed"] == 1 and figures["closure_rate"] == 50.0
    assert figures["by_channel"]["hotline_12345"]["received"] == 1
    assert figures["by_category"]["not_accepted"]["closed"] == 1
