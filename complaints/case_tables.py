"""Tables of arrears cases and emergency incidents. Columns read only what the views' querysets
select_related (region, enterprise, project), so a page costs a fixed number of queries; the
days-left badge is computed from the stored clear-to-zero date."""
import django_tables2 as tables
from django.db.models import F
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.tables import MoneyColumn
from wagecase.core.tables import NOWRAP, BaseTable, RegionNameColumn

from .choices import CaseStatus, SupervisionLevel
from .models import ArrearsCase, Incident

WARN_DAYS = 30
SUPERVISION_CLASSES = {
    SupervisionLevel.COUNTY: "info",
    SupervisionLevel.CITY: "warning",
    SupervisionLevel.PROVINCE: "danger",
}


def case_status_badge(case):
    css = "success" if case.status == CaseStatus.CLEARED else "primary"
    return format_html('<span class="badge text-bg-{}" data-status="{}">{}</span>', css, case.status, case.get_status_display())


def days_left_badge(case, today=None):
    """The clear-to-zero date with the days left: red past it, yellow within 30 days, green otherwise."""
    if case.status == CaseStatus.CLEARED:
        return format_html('<span class="font-monospace text-body-secondary">{}</span>', case.zero_clearance_due.isoformat())
    days = case.days_left(today)
    if days < 0:
        css, text = "danger", _("%(n)d days overdue") % {"n": -days}
    elif days <= WARN_DAYS:
        css, text = "warning", _("%(n)d days left") % {"n": days}
    else:
        css, text = "success", _("%(n)d days left") % {"n": days}
    return format_html(
        '<span class="font-monospace">{}</span> <span class="badge text-bg-{} wc-days-left" data-days-left="{}">{}</span>',
        case.zero_clearance_due.isoformat(), css, days, text,
    )


def supervision_badge(case):
    if case.supervision_level == SupervisionLevel.NONE:
        return format_html('<span class="text-body-secondary">{}</span>', "—")
    return format_html('<span class="badge text-bg-{}" data-supervision="{}">{}</span>',
                       SUPERVISION_CLASSES.get(case.supervision_level, "secondary"), case.supervision_level,
                       case.get_supervision_level_display())


class ArrearsCaseTable(BaseTable):
    pk = tables.Column(linkify=True, verbose_name="#", attrs={"td": {"class": "font-monospace"}})
    enterprise = tables.Column(linkify=False, order_by=("enterprise__name",), attrs={"td": {"class": "wc-col-name"}})
    project = tables.Column(
        linkify=lambda record: record.project.get_absolute_url() if record.project_id else None,
        order_by=("project__name",), accessor="project__name", verbose_name=gettext_lazy("project"),
        attrs={"td": {"style": "min-width: 8rem"}},
    )
    region = RegionNameColumn(attrs=NOWRAP)
    occurred_on = tables.DateColumn(format="Y-m-d", attrs=NOWRAP)
    workers_owed = tables.Column(attrs={"td": {"class": "text-end"}, "th": {"class": "text-end wc-th-wrap"}})
    amount_owed = MoneyColumn()
    amount_paid = MoneyColumn()
    amount_outstanding = MoneyColumn(verbose_name=gettext_lazy("amount outstanding"))
    status = tables.Column(attrs=NOWRAP)
    zero_clearance_due = tables.Column(attrs=NOWRAP)
    key_monitoring = tables.BooleanColumn(attrs={"td": {"class": "text-center"}})
    supervision_level = tables.Column(attrs=NOWRAP)

    class Meta(BaseTable.Meta):
        model = ArrearsCase
        fields = ("pk", "enterprise", "project", "region", "occurred_on", "workers_owed", "amount_owed", "amount_paid",
                  "amount_outstanding", "status", "zero_clearance_due", "key_monitoring", "supervision_level")
        row_attrs = {"data-case": lambda record: record.pk}

    def before_render(self, request):
        self.today = timezone.localdate()

    def render_enterprise(self, record):
        return format_html('{}<div class="font-monospace small text-body-secondary">{}</div>', record.enterprise.name,
                           record.enterprise.uscc)

    def value_enterprise(self, record):
        return record.enterprise.name

    def order_amount_outstanding(self, queryset, is_descending):
        expression = F("amount_owed") - F("amount_paid")
        return queryset.order_by(expression.desc() if is_descending else expression.asc(), "pk"), True

    def render_status(self, record):
        return case_status_badge(record)

    def render_zero_clearance_due(self, record):
        return days_left_badge(record, getattr(self, "today", None))

    def value_zero_clearance_due(self, record):
        return record.zero_clearance_due.isoformat()

    def render_supervision_level(self, record):
        return supervision_badge(record)


class IncidentTable(BaseTable):
    occurred_at = tables.DateTimeColumn(format="Y-m-d H:i", linkify=True, attrs=NOWRAP)
    kind = tables.Column(attrs=NOWRAP)
    serious = tables.BooleanColumn(attrs={"td": {"class": "text-center"}})
    region = RegionNameColumn(attrs=NOWRAP)
    place = tables.Column()
    project = tables.Column(
        linkify=lambda record: record.project.get_absolute_url() if record.project_id else None,
        order_by=("project__name",), accessor="project__name", verbose_name=gettext_lazy("project"),
    )
    people_involved = tables.Column(attrs={"td": {"class": "text-end"}, "th": {"class": "text-end wc-th-wrap"}})
    reported_at = tables.DateTimeColumn(format="Y-m-d H:i", attrs=NOWRAP)
    closed_at = tables.Column(verbose_name=gettext_lazy("status"), empty_values=(), attrs=NOWRAP)

    class Meta(BaseTable.Meta):
        model = Incident
        fields = ("occurred_at", "kind", "serious", "region", "place", "project", "people_involved", "reported_at", "closed_at")
        row_attrs = {"data-incident": lambda record: record.pk}

    def render_reported_at(self, record, value):
        time = format_html('<span class="font-monospace">{}</span>', timezone.localtime(value).strftime("%Y-%m-%d %H:%M"))
        if record.report_late:
            return format_html('{} <span class="badge text-bg-danger wc-report-late">{}</span>', time, _("Reported late"))
        return time

    def render_closed_at(self, record, value):
        if value:
            return format_html('<span class="badge text-bg-secondary" data-closed="1">{}</span>', _("Closed"))
        return format_html('<span class="badge text-bg-warning" data-closed="0">{}</span>', _("Being handled"))

    def value_closed_at(self, record, value):
        return _("Closed") if value else _("Being handled")
