"""Reads of inspections: the rectification ledger (整改台账) per region or per campaign, the lists
of open and overdue orders, and a campaign's progress against its targets (DOMAIN.md §5).

One aggregate query per family (inspections, orders), grouped in the database; never a loop over
rows. Callers pass querysets already restricted to their scope (`Model.objects.restrict(user)`)
and filtered as they wish (period, campaign, region); what they cannot see is not counted."""
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import ChecklistItem, CheckResult, OrderStatus
from .models import Campaign, Inspection, RectificationOrder

GROUPS = ("region", "campaign")
# The figures of a ledger row, in the ledger's column order.
LEDGER_FIELDS = ("inspections", "problems_found", "orders_issued", "rectified", "written_off", "escalated", "open",
                 "overdue")
RUNNING = (OrderStatus.OPEN, OrderStatus.OVERDUE)  # stored statuses of an order not yet decided


def _failed_items(prefix=""):
    """The number of failed checklist items, summed over the grouped inspections (a JSON key lookup
    per item, which SQLite and PostgreSQL both run), optionally only where `extra` holds."""
    def count(extra=None):
        total = None
        for item in ChecklistItem.values:
            condition = Q(**{f"{prefix}checklist__{item}": CheckResult.FAIL})
            if extra is not None:
                condition &= extra
            term = Count("pk", filter=condition)
            total = term if total is None else total + term
        return total
    return count


def ledger_rows(orders_qs, inspections_qs, group_by="region", today=None):
    """Rows of the ledger, one per county (the project's region) or per campaign, then a totals row:

    `{key, label, is_total, inspections, problems_found (failed items found by the inspections),
    orders_issued, rectified (items of written-off orders), written_off (orders closed, 销号),
    escalated, open (running, deadline not passed), overdue (running, past its deadline today)}`.
    Inspections and orders are counted from the two querysets as given; a row appears when
    either has something for its key."""
    if group_by not in GROUPS:
        raise ValueError(f"group_by is one of {GROUPS}")
    today = today or timezone.localdate()
    inspection_key, order_key = (("project__region_id", "project__region_id") if group_by == "region"
                                 else ("campaign_id", "inspection__campaign_id"))
    running = Q(status__in=RUNNING)
    found = _failed_items()
    inspection_figures = {
        row.pop(inspection_key): row
        for row in inspections_qs.order_by().values(inspection_key).annotate(
            inspections=Count("pk"), problems_found=found())
    }
    rectified = _failed_items("inspection__")
    order_figures = {
        row.pop(order_key): row
        for row in orders_qs.order_by().values(order_key).annotate(
            orders_issued=Count("pk"),
            rectified=rectified(Q(status=OrderStatus.CLOSED)),
            written_off=Count("pk", filter=Q(status=OrderStatus.CLOSED)),
            escalated=Count("pk", filter=Q(status=OrderStatus.ESCALATED)),
            open=Count("pk", filter=running & Q(rectify_by__gte=today)),
            overdue=Count("pk", filter=running & Q(rectify_by__lt=today)),
        )
    }
    keys = set(inspection_figures) | set(order_figures)
    labels = _labels(group_by, keys)
    rows = []
    for key in sorted(keys, key=lambda k: (k is None, labels.get(k, "") if group_by == "campaign" else "", str(k))):
        row = {"key": key, "label": labels.get(key, str(key)), "is_total": False}
        found_here = {**inspection_figures.get(key, {}), **order_figures.get(key, {})}
        for field in LEDGER_FIELDS:
            row[field] = found_here.get(field) or 0
        rows.append(row)
    totals = {"key": "total", "label": _("Total"), "is_total": True}
    for field in LEDGER_FIELDS:
        totals[field] = sum(row[field] for row in rows)
    rows.append(totals)
    return rows


def _labels(group_by, keys):
    known = [k for k in keys if k is not None]
    if group_by == "region":
        from wagecase.core.models import Region

        labels = dict(Region.objects.filter(code__in=known).values_list("code", "name"))
    else:
        labels = dict(Campaign.objects.filter(pk__in=known).values_list("pk", "name"))
    labels[None] = _("Outside any campaign") if group_by == "campaign" else _("No region")
    return labels


def order_lists(orders_qs, today=None):
    """The running orders split by their deadline today: `{"open": [...], "overdue": [...]}`,
    earliest deadline first, with what a list shows loaded."""
    today = today or timezone.localdate()
    running = list(
        orders_qs.filter(status__in=RUNNING)
        .select_related("project", "project__region", "enterprise", "inspection")
        .order_by("rectify_by", "pk")
    )
    return {
        "open": [o for o in running if o.rectify_by >= today],
        "overdue": [o for o in running if o.rectify_by < today],
    }


def _percent(part, whole):
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def campaign_progress(campaign, user, today=None):
    """A campaign's progress in the user's scope:

    `{population (projects of the campaign's region, industries and period), inspected (of them,
    inspected under the campaign or during its dates), inspected_percent, target (target share
    inspected, %), orders: {issued, open, overdue, written_off, escalated, written_off_percent,
    target}}` — orders are those of the inspections counted (the same definition as the API's
    campaign progress)."""
    today = today or timezone.localdate()
    population = campaign.projects().restrict(user)
    inspections = (
        Inspection.objects.restrict(user)
        .filter(project__in=population.values("pk"))
        .filter(Q(campaign=campaign) | Q(inspected_on__gte=campaign.starts_on, inspected_on__lte=campaign.ends_on))
    )
    inspected = inspections.order_by().values("project_id").distinct().count()
    population_count = population.count()
    running = Q(status__in=RUNNING)
    orders = RectificationOrder.objects.restrict(user).filter(inspection__in=inspections.values("pk")).order_by().aggregate(
        issued=Count("pk"),
        open=Count("pk", filter=running & Q(rectify_by__gte=today)),
        overdue=Count("pk", filter=running & Q(rectify_by__lt=today)),
        written_off=Count("pk", filter=Q(status=OrderStatus.CLOSED)),
        escalated=Count("pk", filter=Q(status=OrderStatus.ESCALATED)),
    )
    orders["written_off_percent"] = _percent(orders["written_off"], orders["issued"])
    orders["target"] = campaign.target_rectified_percent
    return {
        "population": population_count,
        "inspected": inspected,
        "inspected_percent": _percent(inspected, population_count),
        "target": campaign.target_inspected_percent,
        "orders": orders,
    }
