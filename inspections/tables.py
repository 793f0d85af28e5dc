"""Tables of inspections's list pages: campaigns, inspections, rectification orders (status by
deadline) and penalty decisions. Columns read only what the views' querysets select_related (or
prefetch, for an inspection's inspectors), so a page costs a fixed number of queries."""
import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from projects.tables import MoneyColumn
from wagecase.core.tables import NOWRAP, BaseTable, RegionNameColumn

from .choices import ChecklistItem, OrderStatus
from .models import Campaign, Inspection, PenaltyDecision, RectificationOrder

ORDER_STATUS_CLASSES = {
    OrderStatus.OPEN: "primary",
    OrderStatus.OVERDUE: "danger",
    OrderStatus.CLOSED: "success",
    OrderStatus.ESCALATED: "warning",
}
ITEM_LABELS = dict(ChecklistItem.choices)


def order_status_badge(order, today=None):
    """The order's status as a badge; an open order past its deadline reads "overdue"."""
    status = order.current_status(today)
    return format_html(
        '<span class="badge text-bg-{}" data-status="{}">{}</span>',
        ORDER_STATUS_CLASSES.get(status, "secondary"), status, OrderStatus(status).label,
    )


def item_labels(items):
    return [str(ITEM_LABELS.get(item, item)) for item in items or []]


def inspector_names(inspection):
    """The inspectors' names (from the prefetched inspectors, so no query per row)."""
    return "、".join(u.full_name or u.username for u in inspection.inspectors.all())


class ProjectColumn(tables.Column):
    """A record's project: name linked to the project's page, code below."""

    def __init__(self, **kwargs):
        kwargs.setdefault("accessor", "project__name")
        kwargs.setdefault("order_by", ("project__name",))
        kwargs.setdefault("verbose_name", _("project"))
        kwargs.setdefault("attrs", {"td": {"style": "min-width: 10rem"}})
        super().__init__(**kwargs)

    def render(self, value, record):
        return format_html(
            '<a href="{}">{}</a><div class="font-monospace small text-body-secondary">{}</div>',
            record.project.get_absolute_url(), record.project.name, record.project.code,
        )

    def value(self, value, record):
        return record.project.name


class CampaignTable(BaseTable):
    name = tables.Column(linkify=True)
    kind = tables.Column(attrs=NOWRAP)
    region = RegionNameColumn(attrs=NOWRAP)
    starts_on = tables.DateColumn(format="Y-m-d", attrs=NOWRAP)
    ends_on = tables.DateColumn(format="Y-m-d", attrs=NOWRAP)
    target_inspected_percent = tables.Column(attrs={"td": {"class": "text-end"}, "th": {"class": "text-end wc-th-wrap"}})
    running = tables.Column(verbose_name=_("Running"), accessor="pk", orderable=False, attrs=NOWRAP)

    class Meta(BaseTable.Meta):
        model = Campaign
        fields = ("name", "kind", "region", "starts_on", "ends_on", "target_inspected_percent", "running")
        row_attrs = {"data-campaign": lambda record: record.pk}

    def before_render(self, request):
        self.today = timezone.localdate()

    def render_target_inspected_percent(self, value):
        return f"{value:g}%"

    def render_running(self, record):
        today = getattr(self, "today", None) or timezone.localdate()
        if record.starts_on <= today <= record.ends_on:
            return format_html('<span class="badge text-bg-success">{}</span>', _("Running"))
        if today < record.starts_on:
            return format_html('<span class="badge text-bg-light border">{}</span>', _("Not started"))
        return format_html('<span class="badge text-bg-secondary">{}</span>', _("Ended"))

    def value_running(self, record):
        today = timezone.localdate()
        return "1" if record.starts_on <= today <= record.ends_on else "0"


class InspectionTable(BaseTable):
    inspected_on = tables.DateColumn(format="Y-m-d", linkify=True, attrs=NOWRAP)
    project = ProjectColumn()
    region = tables.Column(verbose_name=_("county"), accessor="project__region__name", order_by=("project__region_id",),
                           attrs=NOWRAP)
    method = tables.Column(attrs=NOWRAP)
    inspectors = tables.Column(verbose_name=_("inspectors"), accessor="pk", orderable=False)
    failed = tables.Column(verbose_name=_("Failed items"), accessor="checklist", orderable=False)
    order = tables.Column(verbose_name=_("rectification order"), accessor="order__number", order_by=("order__number",),
                          attrs=NOWRAP)
    campaign = tables.Column(accessor="campaign__name", verbose_name=_("campaign"), order_by=("campaign__name",))

    class Meta(BaseTable.Meta):
        model = Inspection
        fields = ("inspected_on", "project", "region", "method", "inspectors", "failed", "order", "campaign")
        row_attrs = {"data-inspection": lambda record: record.pk}

    def render_inspectors(self, record):
        return inspector_names(record)

    def value_inspectors(self, record):
        return inspector_names(record)

    def render_failed(self, record):
        labels = item_labels(record.failed_items)
        if not labels:
            return format_html('<span class="text-success"><i class="bi bi-check-circle"></i> {}</span>', _("None"))
        return format_html_join(" ", '<span class="badge text-bg-danger-subtle text-danger-emphasis border">{}</span>',
                                ((label,) for label in labels))

    def value_failed(self, record):
        return "、".join(item_labels(record.failed_items))

    def render_order(self, value, record):
        order = getattr(record, "order", None)
        if order is None:
            return "—"
        return format_html('<a class="font-monospace" href="{}">{}</a>', order.get_absolute_url(), order.number)


class RectificationOrderTable(BaseTable):
    number = tables.Column(linkify=True, attrs={"td": {"class": "font-monospace text-nowrap"}})
    project = ProjectColumn()
    enterprise = tables.Column(accessor="enterprise__name", order_by=("enterprise__name",), verbose_name=_("addressed to"))
    items = tables.Column(orderable=False)
    issued_on = tables.DateColumn(format="Y-m-d", attrs=NOWRAP)
    rectify_by = tables.Column(verbose_name=_("Deadline"), attrs=NOWRAP)
    status = tables.Column(attrs=NOWRAP)

    class Meta(BaseTable.Meta):
        model = RectificationOrder
        fields = ("number", "project", "enterprise", "items", "issued_on", "rectify_by", "status")
        row_attrs = {"data-order": lambda record: record.pk}

    def before_render(self, request):
        self.today = timezone.localdate()

    def render_items(self, record):
        return "、".join(item_labels(record.items))

    def value_items(self, record):
        return "、".join(item_labels(record.items))

    def render_rectify_by(self, record):
        today = getattr(self, "today", None) or timezone.localdate()
        overdue = record.current_status(today) == OrderStatus.OVERDUE
        return format_html('<span class="font-monospace{}">{}</span>', " text-danger fw-semibold" if overdue else "",
                           record.rectify_by.isoformat())

    def value_rectify_by(self, record):
        return record.rectify_by.isoformat()

    def render_status(self, record):
        return order_status_badge(record, getattr(self, "today", None))

    def value_status(self, record):
        return OrderStatus(record.current_status()).label


class PenaltyDecisionTable(BaseTable):
    number = tables.Column(linkify=True, attrs={"td": {"class": "font-monospace text-nowrap"}})
    project = ProjectColumn()
    enterprise = tables.Column(accessor="enterprise__name", order_by=("enterprise__name",), verbose_name=_("party"))
    article = tables.Column()
    amount = MoneyColumn()
    work_stoppage = tables.BooleanColumn(attrs=NOWRAP)
    decided_on = tables.DateColumn(format="Y-m-d", attrs=NOWRAP)
    order = tables.Column(accessor="order__number", verbose_name=_("rectification order"), order_by=("order__number",),
                          linkify=lambda record: record.order.get_absolute_url(), attrs={"td": {"class": "font-monospace text-nowrap"}})

    class Meta(BaseTable.Meta):
        model = PenaltyDecision
        fields = ("number", "project", "enterprise", "article", "amount", "work_stoppage", "decided_on", "order")
        row_attrs = {"data-penalty": lambda record: record.pk}
