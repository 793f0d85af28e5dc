"""Service functions of inspections: campaigns, double-random draws, inspection records,
rectification orders (issue, re-inspect, overdue, escalate) and penalty decisions.

Keyword-only, one transaction each; rows that two people may change at once are locked; a
state that forbids the action raises `InspectionConflict` (409 in the API); bad input raises
ValidationError (400). Views, API actions, tasks and the demo seeder call these."""
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wagecase.core.choices import Role
from wagecase.core.models import Region, User
from wagecase.core.models.regions import ancestor_codes
from wagecase.core.policy import get_policy
from wagecase.core.workdays import add_working_days
from wagecase.integrations import events

from .choices import CheckResult, DocumentKind, InspectionErrorCode, OrderStatus
from .draw import compute_draw
from .models import (
    Campaign, CampaignPhase, DocumentPrefix, DocumentSequence, Draw, Inspection, InspectionPhoto, PenaltyDecision,
    RectificationOrder, Reinspection,
)

INSPECTOR_ROLES = (Role.INSPECTOR, Role.OFFICE_HEAD)


class InspectionConflict(ValidationError):
    """An action the record's current state does not allow (409 `{detail, code}`)."""

    def __init__(self, message, code=InspectionErrorCode.WRONG_STATE):
        super().__init__(message, code=str(code))
        self.detail = message
        self.error_code = str(code)


def _past(day, field, message=None):
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: [message or _("The date cannot be in the future.")]})


# --- Campaigns -----------------------------------------------------------------------------------

def campaign_save(*, campaign, phases=None):
    """Create or update a campaign; `phases` (a list of dicts kind/starts_on/ends_on/note) replaces its phases."""
    with transaction.atomic():
        campaign.full_clean()
        campaign.save()
        if phases is not None:
            campaign.phases.all().delete()
            for data in phases:
                phase = CampaignPhase(campaign=campaign, **data)
                phase.full_clean()
                phase.save()
    return campaign


# --- Double-random draws -------------------------------------------------------------------------

def inspector_pool_for(region_code):
    """Active inspectors whose jurisdiction lies in the region or covers it, by username."""
    return User.objects.filter(is_active=True, role=Role.INSPECTOR).filter(
        Q(jurisdiction__code__startswith=region_code) | Q(jurisdiction_id__in=ancestor_codes(region_code))
    ).order_by("username")


def draw_make(*, campaign, user, region, count, projects, inspectors, seed=None, pool_filter=None, per_project=2):
    """Draw `count` projects from `projects` (a queryset or list) and `per_project` inspectors for each
    from `inspectors`. Pools are stored sorted, with the seed: `compute_draw` on them gives the result again."""
    project_pool = sorted({p.code for p in projects})
    inspector_pool = sorted({u.username for u in inspectors})
    if count < 1:
        raise ValidationError({"count": [_("Draw at least one project.")]})
    if len(project_pool) < count:
        raise InspectionConflict(
            _("The project pool has %(n)s projects; cannot draw %(count)s.") % {"n": len(project_pool), "count": count},
            code=InspectionErrorCode.DRAW_EMPTY)
    if len(inspector_pool) < per_project:
        raise InspectionConflict(
            _("The inspector pool needs at least %(n)s inspectors.") % {"n": per_project}, code=InspectionErrorCode.DRAW_EMPTY)
    seed = seed if seed is not None else secrets.randbits(48)
    with transaction.atomic():
        draw = Draw(
            campaign=campaign, region=region, drawn_by=user, drawn_at=timezone.now(), seed=seed, pool_filter=pool_filter or {},
            project_pool=project_pool, inspector_pool=inspector_pool, count=count, inspectors_per_project=per_project,
            result=compute_draw(seed, project_pool, inspector_pool, count, per_project),
        )
        draw.full_clean()
        draw.save()
    return draw


def draw_verify(draw):
    """Re-run a stored draw: True when it gives the stored result."""
    return compute_draw(draw.seed, draw.project_pool, draw.inspector_pool, draw.count, draw.inspectors_per_project) == draw.result


def draw_publish(*, draw, user):
    with transaction.atomic():
        draw = Draw.objects.select_for_update().get(pk=draw.pk)
        draw.published = True
        draw.save()
    return draw


# --- Inspection records --------------------------------------------------------------------------

def _check_inspectors(project, inspectors):
    inspectors = list({u.pk: u for u in inspectors}.values())
    if len(inspectors) < 2:
        raise ValidationError({"inspectors": [_("An inspection needs at least two inspectors.")]})
    codes = set(ancestor_codes(project.region_id))
    wrong = [u.username for u in inspectors
             if u.role not in INSPECTOR_ROLES or not u.is_active or (u.jurisdiction_id not in codes and not u.is_superuser)]
    if wrong:
        raise ValidationError({"inspectors": [
            _("Not inspectors responsible for the project's county: %s.") % ", ".join(sorted(wrong))]})
    return inspectors


def default_rectify_by(issued_on, region_code):
    return add_working_days(issued_on, int(get_policy("rectification_days", region_code)))


def inspection_record(*, user, project, inspected_on, method, inspectors, checklist, findings="", checklist_notes=None,
                      workers_interviewed=0, interview_notes="", campaign=None, draw=None, clue=None, rectify_by=None,
                      photos=()):
    """Record an inspection; any failed item issues a rectification order for the failed items.
    Returns the inspection (its `order`, when one was issued)."""
    inspectors = _check_inspectors(project, inspectors)
    with transaction.atomic():
        inspection = Inspection(
            project=project, inspected_on=inspected_on, method=method, checklist=dict(checklist or {}),
            checklist_notes=dict(checklist_notes or {}), findings=findings or "", workers_interviewed=workers_interviewed or 0,
            interview_notes=interview_notes or "", campaign=campaign, draw=draw, clue=clue, recorded_by=user,
        )
        inspection.full_clean()
        inspection.save()
        inspection.inspectors.set(inspectors)
        for upload in photos or ():
            image, caption = upload if isinstance(upload, tuple) else (upload, "")
            photo = InspectionPhoto(inspection=inspection, project=project, image=image, caption=caption)
            photo.full_clean()
            photo.save()
        if inspection.failed_items:
            order_issue(inspection=inspection, user=user, rectify_by=rectify_by)
        elif rectify_by is not None:
            raise ValidationError({"rectify_by": [_("No item failed, so no rectification order is issued.")]})
    return inspection


def inspection_photo_add(*, inspection, user, image, caption=""):
    """Add an evidence photo to a recorded inspection (type and size checked by the model)."""
    with transaction.atomic():
        photo = InspectionPhoto(inspection=inspection, project=inspection.project, image=image, caption=caption or "")
        photo.full_clean()
        photo.save()
    return photo


# --- Document numbers ----------------------------------------------------------------------------

DEFAULT_PREFIX = {
    DocumentKind.RECTIFICATION_ORDER: "人社监令", DocumentKind.PENALTY_DECISION: "人社监罚",
    DocumentKind.LISTING_NOTICE: "人社失信告", DocumentKind.LISTING_DECISION: "人社失信决",
}


def document_prefix(region_code, kind):
    """The office's configured prefix (nearest up the region tree), else the region's short name + a default."""
    return _prefix_and_owner(region_code, kind)[0]


def _prefix_and_owner(region_code, kind):
    """(prefix, owner code): a prefix configured for a city serves its counties with one sequence (the
    city's), so two counties never give out the same number; the default prefix takes the office's short
    name (秦州, 秦安: two characters), not its first character only, for the same reason."""
    codes = ancestor_codes(region_code)
    prefixes = {p.region_id: p.prefix for p in DocumentPrefix.objects.filter(kind=kind, region_id__in=codes)}
    for code in codes:
        if code in prefixes:
            return prefixes[code], code
    region = Region.objects.filter(pk=region_code).first()
    return f"{(region.name if region else '')[:2]}{DEFAULT_PREFIX[kind]}", region_code


def next_document_number(*, office_code, kind, year):
    """`秦州人社监令〔2026〕第12号`: the next number of the prefix and year, under a row lock (one
    counter per prefix, so offices whose default prefixes coincide share it)."""
    prefix, owner = _prefix_and_owner(office_code, kind)
    seq, _created = DocumentSequence.objects.select_for_update().get_or_create(
        prefix=prefix, kind=kind, year=year, defaults={"office_code": owner})
    DocumentSequence.objects.filter(pk=seq.pk).update(last=seq.last + 1)
    return f"{prefix}〔{year}〕第{seq.last + 1}号"


# --- Rectification orders ------------------------------------------------------------------------

def order_issue(*, inspection, user, rectify_by=None):
    from . import documents

    project = inspection.project
    issued_on = inspection.inspected_on
    rectify_by = rectify_by or default_rectify_by(issued_on, project.region_id)
    if rectify_by <= issued_on:
        raise ValidationError({"rectify_by": [_("The deadline must come after the inspection.")]})
    order = RectificationOrder(
        inspection=inspection, project=project, enterprise=project.general_contractor, items=inspection.failed_items,
        issued_on=issued_on, rectify_by=rectify_by, status=OrderStatus.OPEN,
        number=next_document_number(office_code=project.region_id, kind=DocumentKind.RECTIFICATION_ORDER, year=issued_on.year),
    )
    order.full_clean()
    order.save()
    documents.attach_order_pdf(order)
    events.emit(events.WebhookEvent.ORDER_ISSUED, region_code=project.region_id, industry=project.industry,
                data=events.order_data(order))
    return order


def order_reinspect(*, order, user, reinspected_on, rectified, note=""):
    """Re-inspection (复查): rectified → closed (written off, 销号); not rectified after the deadline →
    escalated; not rectified before it → stays open, recorded."""
    if reinspected_on is None:
        raise ValidationError({"reinspected_on": [_("This field is required.")]})
    _past(reinspected_on, "reinspected_on")
    with transaction.atomic():
        order = RectificationOrder.objects.select_for_update().get(pk=order.pk)
        if not order.can_reinspect():
            raise InspectionConflict(
                _("Order %(number)s is %(status)s; it cannot be re-inspected.")
                % {"number": order.number, "status": order.get_status_display()})
        if reinspected_on < order.issued_on:
            raise ValidationError({"reinspected_on": [_("The re-inspection cannot come before the order was issued.")]})
        if rectified:
            order.status = OrderStatus.CLOSED
            order.closed_on = reinspected_on
        elif reinspected_on > order.rectify_by:
            order.status = OrderStatus.ESCALATED
            order.escalated_on = reinspected_on
        else:
            order.status = OrderStatus.OPEN
        order.save()
        Reinspection.objects.create(order=order, project=order.project, reinspected_on=reinspected_on, rectified=bool(rectified),
                                    note=note or "", user=user, outcome=order.status)
        if order.status == OrderStatus.ESCALATED:
            events.emit(events.WebhookEvent.ORDER_ESCALATED, region_code=order.project.region_id,
                        industry=order.project.industry, data=events.order_data(order))
    return order


def orders_mark_overdue(*, today=None):
    """Daily: open orders past their deadline become overdue (stored, so ledgers and lists agree)."""
    today = today or timezone.localdate()
    return RectificationOrder.objects.filter(status=OrderStatus.OPEN, rectify_by__lt=today).update(status=OrderStatus.OVERDUE)


# --- Penalty decisions ---------------------------------------------------------------------------

def penalty_decide(*, order, user, article, amount, facts, decided_on=None, work_stoppage=False, enterprise=None,
                   responsible_person=""):
    from . import documents

    decided_on = decided_on or timezone.localdate()
    with transaction.atomic():
        order = RectificationOrder.objects.select_for_update().get(pk=order.pk)
        if not order.can_penalise():
            raise InspectionConflict(_("A penalty decision follows an escalated order only."), code=InspectionErrorCode.NOT_ESCALATED)
        if decided_on < order.rectify_by:
            raise ValidationError({"decided_on": [_("A penalty applies only after the rectification deadline.")]})
        penalty = PenaltyDecision(
            order=order, project=order.project, article=article, enterprise=enterprise or order.enterprise,
            responsible_person=responsible_person or "", amount=amount, work_stoppage=bool(work_stoppage), facts=facts or "",
            decided_on=decided_on, decided_by=user, number="-",
        )
        penalty.full_clean(exclude=["number"])
        penalty.number = next_document_number(office_code=order.project.region_id, kind=DocumentKind.PENALTY_DECISION,
                                              year=decided_on.year)
        penalty.save()
        documents.attach_penalty_pdf(penalty)
    return penalty


def latest_inspection(project):
    return project.inspections.order_by("-inspected_on", "-pk").prefetch_related("inspectors").first()


def checklist_counts(inspections):
    """{item: {pass, fail, na}} over some inspections (for campaign pages)."""
    counts = {}
    for inspection in inspections:
        for item, result in (inspection.checklist or {}).items():
            row = counts.setdefault(item, {r: 0 for r in CheckResult.values})
            row[result] = row.get(result, 0) + 1
    return counts
