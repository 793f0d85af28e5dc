"""Excel exports of inspections, rectification orders and penalty decisions, registered with
wagecase.core.exports and imported from InspectionsConfig.ready(). Same FilterSet and scope as
the list pages; every column reads only what `select_related` brings (an inspection's inspectors
are a many-to-many and are left to its page; the export names who recorded it)."""
from django.utils.translation import gettext_lazy

from wagecase.core.export_specs import label
from wagecase.core.exports import register_export

from .choices import ChecklistItem, CheckResult, OrderStatus
from .filtersets import InspectionFilterSet, PenaltyDecisionFilterSet, RectificationOrderFilterSet
from .models import Inspection, PenaltyDecision, RectificationOrder

ITEMS = dict(ChecklistItem.choices)
RESULTS = dict(CheckResult.choices)


def items_text(items):
    return "、".join(str(ITEMS.get(i, i)) for i in items or [])


def person(user):
    return str(user) if user is not None else ""


def order_number(inspection):
    try:
        return inspection.order.number
    except RectificationOrder.DoesNotExist:
        return ""


def checklist_column(item, item_label):
    return (item_label, lambda o: str(RESULTS.get((o.checklist or {}).get(item), "")))


register_export(
    Inspection,
    InspectionFilterSet,
    [
        (label(Inspection, "inspected_on"), lambda o: o.inspected_on),
        (gettext_lazy("Project code"), lambda o: o.project.code),
        (label(Inspection, "project"), lambda o: o.project.name),
        (gettext_lazy("Region code"), lambda o: o.project.region_id),
        (label(Inspection, "method"), lambda o: o.get_method_display()),
        (label(Inspection, "campaign"), lambda o: o.campaign.name if o.campaign_id else ""),
        *[checklist_column(item, item_label) for item, item_label in ChecklistItem.choices],
        (gettext_lazy("Failed items"), lambda o: items_text(o.failed_items)),
        (label(Inspection, "findings"), lambda o: o.findings),
        (label(Inspection, "workers_interviewed"), lambda o: o.workers_interviewed),
        (label(Inspection, "recorded_by"), lambda o: person(o.recorded_by)),
        (gettext_lazy("Rectification order"), order_number),
    ],
    select_related=("project", "campaign", "recorded_by", "order"),
)

register_export(
    RectificationOrder,
    RectificationOrderFilterSet,
    [
        (label(RectificationOrder, "number"), lambda o: o.number),
        (gettext_lazy("Project code"), lambda o: o.project.code),
        (label(RectificationOrder, "project"), lambda o: o.project.name),
        (gettext_lazy("Region code"), lambda o: o.project.region_id),
        (label(RectificationOrder, "enterprise"), lambda o: o.enterprise.name),
        (gettext_lazy("USCC"), lambda o: o.enterprise.uscc),
        (label(RectificationOrder, "items"), lambda o: items_text(o.items)),
        (label(RectificationOrder, "issued_on"), lambda o: o.issued_on),
        (label(RectificationOrder, "rectify_by"), lambda o: o.rectify_by),
        (label(RectificationOrder, "status"), lambda o: str(OrderStatus(o.current_status()).label)),
        (label(RectificationOrder, "closed_on"), lambda o: o.closed_on),
        (label(RectificationOrder, "escalated_on"), lambda o: o.escalated_on),
        (label(Inspection, "campaign"), lambda o: o.inspection.campaign.name if o.inspection.campaign_id else ""),
    ],
    select_related=("project", "enterprise", "inspection__campaign"),
)

register_export(
    PenaltyDecision,
    PenaltyDecisionFilterSet,
    [
        (label(PenaltyDecision, "number"), lambda o: o.number),
        (gettext_lazy("Project code"), lambda o: o.project.code),
        (label(PenaltyDecision, "project"), lambda o: o.project.name),
        (gettext_lazy("Region code"), lambda o: o.project.region_id),
        (label(PenaltyDecision, "enterprise"), lambda o: o.enterprise.name),
        (label(PenaltyDecision, "responsible_person"), lambda o: o.responsible_person),
        (label(PenaltyDecision, "article"), lambda o: o.get_article_display()),
        (label(PenaltyDecision, "amount"), lambda o: o.amount),
        (label(PenaltyDecision, "work_stoppage"), lambda o: o.work_stoppage),
        (label(PenaltyDecision, "decided_on"), lambda o: o.decided_on),
        (gettext_lazy("Rectification order"), lambda o: o.order.number),
        (label(PenaltyDecision, "decided_by"), lambda o: person(o.decided_by)),
    ],
    select_related=("project", "enterprise", "order", "decided_by"),
)
