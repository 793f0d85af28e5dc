"""Inspection services: at least two inspectors, the checklist, orders issued for failed items with
their numbers and deadlines, re-inspection (written off / escalated / still open), overdue marking,
penalty ranges, and the reproducible double-random draw."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from inspections import services
from inspections.choices import OrderStatus
from inspections.draw import compute_draw
from inspections.models import DocumentPrefix, Inspection, RectificationOrder
from inspections.services import InspectionConflict
from wagecase.core.choices import Role
from wagecase.core.models import Region

from .conftest import checklist

D = dt.date.fromisoformat


def test_two_inspectors_needed(make_inspection, inspector):
    with pytest.raises(ValidationError) as e:
        make_inspection(inspectors=[inspector])
    assert "inspectors" in e.value.message_dict
    assert not Inspection.objects.exists()


def test_out_of_county_inspector_refused(make_inspection, inspector, other_inspector):
    with pytest.raises(ValidationError):
        make_inspection(inspectors=[inspector, other_inspector])


def test_checklist_must_be_complete_and_known(make_inspection):
    with pytest.raises(ValidationError):
        make_inspection(checklist={"dedicated_account": "pass"})
    with pytest.raises(ValidationError):
        make_inspection(checklist=checklist(flying="pass"))
    with pytest.raises(ValidationError):
        make_inspection(checklist=checklist(real_name="maybe"))
    with pytest.raises(ValidationError):
        make_inspection(inspected_on=dt.date.today() + dt.timedelta(days=2))
    assert not Inspection.objects.exists()


def test_failed_item_issues_numbered_order(make_inspection):
    DocumentPrefix.objects.create(region=Region.objects.get(pk="6205"), kind="rectification_order", prefix="秦人社监令")
    ok = make_inspection()
    assert not hasattr(ok, "order") or RectificationOrder.objects.count() == 0
    a = make_inspection(checklist=checklist(wage_deposit="fail", notice_board="fail"))
    b = make_inspection(checklist=checklist(real_name="fail"), inspected_on=D("2026-11-03"))
    assert a.order.items == ["wage_deposit", "notice_board"]
    assert a.order.number == "秦人社监令〔2026〕第1号" and b.order.number == "秦人社监令〔2026〕第2号"
    assert a.order.rectify_by == D("2026-11-23")  # 15 working days after Monday 2026-11-02
    assert a.order.current_status(D("2026-11-23")) == OrderStatus.OPEN
    assert a.order.current_status(D("2026-11-24")) == OrderStatus.OVERDUE


def test_document_numbers_never_collide_between_counties(make_inspection, make_project, make_user):
    """A city's prefix serves its counties with one sequence; default prefixes take two characters of
    the county's name (秦州区 and 秦安县 both start with 秦)."""
    from inspections.services import next_document_number

    assert next_document_number(office_code="620502", kind="listing_notice", year=2026) == "秦州人社失信告〔2026〕第1号"
    assert next_document_number(office_code="620522", kind="listing_notice", year=2026) == "秦安人社失信告〔2026〕第1号"
    DocumentPrefix.objects.create(region=Region.objects.get(pk="6205"), kind="listing_notice", prefix="天人社失信告")
    numbers = [next_document_number(office_code=code, kind="listing_notice", year=2026) for code in ("620502", "620503", "620502")]
    assert numbers == ["天人社失信告〔2026〕第1号", "天人社失信告〔2026〕第2号", "天人社失信告〔2026〕第3号"]


def test_offices_whose_default_prefixes_coincide_share_one_counter(db):
    """临夏市 and 临夏县 both default to 临夏人社监令: the counter is per prefix, so their numbers follow
    each other instead of both starting at 第1号 (the number is unique: the second would fail)."""
    from inspections.services import next_document_number

    assert [Region.objects.get(pk=code).name[:2] for code in ("622901", "622921")] == ["临夏", "临夏"]
    numbers = [next_document_number(office_code=code, kind="rectification_order", year=2026)
               for code in ("622901", "622921", "622901")]
    assert numbers == ["临夏人社监令〔2026〕第1号", "临夏人社监令〔2026〕第2号", "临夏人社监令〔2026〕第3号"]
    assert next_document_number(office_code="622921", kind="rectification_order", year=2027) == "临夏人社监令〔2027〕第1号"


def test_reinspection_transitions(make_inspection, inspector):
    order = make_inspection(checklist=checklist(wage_deposit="fail")).order
    order = services.order_reinspect(order=order, user=inspector, reinspected_on=D("2026-11-10"), rectified=False)
    assert order.status == OrderStatus.OPEN  # before the deadline: recorded, still open
    order = services.order_reinspect(order=order, user=inspector, reinspected_on=D("2026-11-20"), rectified=True)
    assert order.status == OrderStatus.CLOSED and order.closed_on == D("2026-11-20")
    with pytest.raises(InspectionConflict):
        services.order_reinspect(order=order, user=inspector, reinspected_on=D("2026-11-21"), rectified=True)
    assert order.reinspections.count() == 2


def test_escalation_and_penalty_range(make_inspection, inspector):
    order = make_inspection(checklist=checklist(wage_deposit="fail"), inspected_on=D("2026-10-01")).order
    assert services.orders_mark_overdue(today=D("2026-11-20")) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.OVERDUE
    with pytest.raises(InspectionConflict):
        services.penalty_decide(order=order, user=inspector, article="55", amount=Decimal("60000"), facts="x",
                                decided_on=D("2026-11-20"))
    order = services.order_reinspect(order=order, user=inspector, reinspected_on=D("2026-11-20"), rectified=False)
    assert order.status == OrderStatus.ESCALATED
    with pytest.raises(ValidationError) as e:
        services.penalty_decide(order=order, user=inspector, article="55", amount=Decimal("30000"), facts="未存储工资保证金",
                                decided_on=D("2026-11-20"))
    assert "amount" in e.value.message_dict
    with pytest.raises(ValidationError):
        services.penalty_decide(order=order, user=inspector, article="56", amount=Decimal("60000"), facts="x",
                                work_stoppage=True, decided_on=D("2026-11-20"))
    penalty = services.penalty_decide(order=order, user=inspector, article="55", amount=Decimal("60000"), work_stoppage=True,
                                      facts="逾期未存储工资保证金", decided_on=D("2026-11-20"))
    assert penalty.number.endswith("〔2026〕第1号") and "人社监罚" in penalty.number


def test_draw_is_reproducible(make_project, inspector, make_user):
    from inspections.models import Campaign

    campaign = services.campaign_save(campaign=Campaign(
        name="2026年冬季根治欠薪专项行动", kind="winter", region_id="6205", starts_on=D("2026-11-01"), ends_on=D("2027-02-05")))
    projects = [make_project() for _ in range(6)]
    inspectors = [inspector] + [make_user(role=Role.INSPECTOR) for _ in range(3)]
    draw = services.draw_make(campaign=campaign, user=inspector, region=campaign.region, count=3, projects=projects,
                              inspectors=inspectors, seed=20261122)
    assert len(draw.result) == 3 and all(len(r["inspectors"]) == 2 for r in draw.result)
    assert services.draw_verify(draw)
    again = compute_draw(20261122, list(reversed(draw.project_pool)), draw.inspector_pool, 3)
    assert again == draw.result
    assert compute_draw(20261123, draw.project_pool, draw.inspector_pool, 3) != draw.result
    with pytest.raises(InspectionConflict):
        services.draw_make(campaign=campaign, user=inspector, region=campaign.region, count=10, projects=projects,
                           inspectors=inspectors)
