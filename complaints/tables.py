"""Tables of complaints' pages: the clue list (and the "my work" and attention queues, which reuse
it). Columns read only what the views' querysets select_related, so a page costs a fixed number
of queries; personal data never appears in a table."""
import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from projects.tables import MoneyColumn
from wagecase.core.tables import NOWRAP, BaseTable, RegionNameColumn

from .choices import ClueStatus, DeadlineState
from .models import Clue

STATUS_CLASSES = {
    ClueStatus.RECEIVED: "secondary",
    ClueStatus.ACCEPTED: "info",
    ClueStatus.IN_PROGRESS: "primary",
    ClueStatus.TRANSFERRED: "warning",
    ClueStatus.RESOLVED: "success",
    ClueStatus.CLOSED: "dark",
}
DEADLINE_CLASSES = {
    DeadlineState.NORMAL: "success",
    DeadlineState.WARNING: "warning",
    DeadlineState.OVERDUE: "danger",
    DeadlineState.NONE: "light",
}
DEADLINE_ICONS = {
    DeadlineState.NORMAL: "clock",
    DeadlineState.WARNING: "exclamation-triangle",
    DeadlineState.OVERDUE: "alarm",
    DeadlineState.NONE: "dash",
}


def status_badge(clue):
    return format_html(
        '<span class="badge text-bg-{}" data-status="{}">{}</span>',
        STATUS_CLASSES.get(clue.status, "secondary"), clue.status, clue.get_status_display(),
    )


def deadline_badge(clue, today=None):
    """The running deadline as a coloured badge: green on time, yellow in the warning period, red overdue."""
    state = clue.deadline_state(today)
    if state == DeadlineState.NONE:
        return format_html('<span class="text-body-secondary">{}</span>', "—")
    return format_html(
        '<span class="badge text-bg-{} font-monospace wc-deadline" data-deadline="{}" title="{}"><i class="bi bi-{}"></i> {}</span>',
        DEADLINE_CLASSES[state], state, DeadlineState(state).label, DEADLINE_ICONS[state], clue.due_on.isoformat(),
    )


class ClueTable(BaseTable):
    number = tables.Column(linkify=True, attrs={"td": {"class": "font-monospace text-nowrap"}})
    received_at = tables.DateTimeColumn(format="Y-m-d H:i", attrs=NOWRAP)
    channel = tables.Column(attrs=NOWRAP)
    region = RegionNameColumn(attrs=NOWRAP)
    employer_name = tables.Column(attrs={"td": {"class": "wc-col-name"}})
    project = tables.Column(
        linkify=lambda record: record.project.get_absolute_url() if record.project_id else None,
        order_by=("project__name",), accessor="project__name", verbose_name=_("project"),
        attrs={"td": {"style": "min-width: 8rem"}},
    )
    status = tables.Column(attrs=NOWRAP)
    category = tables.Column(attrs=NOWRAP)
    owner = tables.Column(order_by=("owner__full_name", "owner__username"), attrs=NOWRAP)
    due_on = tables.Column(verbose_name=_("Deadline"), attrs=NOWRAP)
    workers_involved = tables.Column(attrs={"td": {"class": "text-end"}, "th": {"class": "text-end wc-th-wrap"}})
    amount_claimed = MoneyColumn()

    class Meta(BaseTable.Meta):
        model = Clue
        fields = (
            "number", "received_at", "channel", "region", "employer_name", "project", "status", "category", "owner", "due_on",
            "workers_involved", "amount_claimed",
        )
        row_attrs = {"data-clue": lambda record: record.number}

    def before_render(self, request):
        self.today = timezone.localdate()

    def render_status(self, record):
        return status_badge(record)

    def value_status(self, record):
        return record.get_status_display()

    def render_due_on(self, record):
        return deadline_badge(record, getattr(self, "today", None))

    def value_due_on(self, record):
        return record.due_on.isoformat() if record.due_on else ""
