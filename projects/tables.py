"""Tables of projects' list pages: projects (with their compliance score and active warnings by
severity, annotated by the view), early warnings and workers. Columns read only what the views'
querysets select or annotate, and personal data is shown masked."""
import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from wagecase.core.money import amount_text
from wagecase.core.tables import NOWRAP, BaseTable, PiiColumn, RegionNameColumn

from .choices import ProjectStatus, SystemStatus, WarningSeverity
from .models import Project, ProjectWarning, Worker

# Bootstrap has no orange: the orange badge carries its colour itself (the same in templates/projects/inc/severity.html).
SEVERITY_BADGES = {
    WarningSeverity.RED: ("text-bg-danger", ""),
    WarningSeverity.ORANGE: ("", "background-color:#fd7e14;color:#fff"),
    WarningSeverity.YELLOW: ("text-bg-warning", ""),
}
STATUS_CLASSES = {
    ProjectStatus.PLANNED: "secondary",
    ProjectStatus.IN_PROGRESS: "primary",
    ProjectStatus.SUSPENDED: "warning",
    ProjectStatus.COMPLETED: "success",
}
SYSTEM_STATUS_CLASSES = {
    SystemStatus.OK: "success",
    SystemStatus.DEFICIENT: "warning",
    SystemStatus.MISSING: "danger",
    SystemStatus.NOT_APPLICABLE: "secondary",
}
# What each warning rule of projects.warnings checks, for people reading the list.
RULE_LABELS = {
    "allocation_missing": _("Labour costs not allocated"),
    "payroll_late": _("Payroll missing or late"),
    "underpaid": _("Workers underpaid"),
    "deposit_short": _("Wage deposit short"),
    "topup_overdue": _("Deposit top-up overdue"),
    "roster_empty": _("Empty real-name roster"),
    "no_notice_board": _("No notice board"),
    "entered_before_contract": _("Entered before contract"),
    "paid_outside_bank": _("Paid outside the contractor's bank"),
}


def severity_badge(severity, label, count=None):
    css, style = SEVERITY_BADGES.get(severity, ("text-bg-secondary", ""))
    text = label if count is None else f"{label} {count}"
    return format_html('<span class="badge {}" style="{}">{}</span>', css, style, text)


def score_badge(score):
    css = "success" if score >= 80 else "warning" if score >= 60 else "danger"
    return format_html('<span class="badge text-bg-{} font-monospace">{}</span>', css, score)


def money(value):
    return amount_text(value)


class MoneyColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "text-end font-monospace text-nowrap"}, "th": {"class": "text-end"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return money(value)


class ProjectTable(BaseTable):
    code = tables.Column(linkify=True, attrs={"td": {"class": "font-monospace text-nowrap"}})
    name = tables.Column(linkify=True, attrs={"td": {"class": "wc-col-name"}})
    region = RegionNameColumn(attrs=NOWRAP)
    industry = tables.Column(attrs=NOWRAP)
    investment_type = tables.Column(attrs=NOWRAP)
    status = tables.Column(attrs=NOWRAP)
    contract_amount = MoneyColumn()
    general_contractor = tables.Column(order_by=("general_contractor__name",))
    compliance_score = tables.Column(attrs={"td": {"class": "text-center"}, "th": {"class": "wc-th-wrap"}})
    warnings = tables.Column(
        verbose_name=_("Active warnings"), accessor="warnings_total", order_by=("-warnings_red", "-warnings_total"),
        attrs={"td": {"class": "text-nowrap"}},
    )

    class Meta(BaseTable.Meta):
        model = Project
        fields = (
            "code", "name", "region", "industry", "investment_type", "status", "contract_amount", "general_contractor",
            "compliance_score", "warnings",
        )

    def render_status(self, record):
        return format_html(
            '<span class="badge text-bg-{}">{}</span>', STATUS_CLASSES.get(record.status, "secondary"), record.get_status_display()
        )

    def render_compliance_score(self, value):
        return score_badge(value)

    def render_warnings(self, record):
        parts = [
            (severity, label, getattr(record, f"warnings_{severity}", 0))
            for severity, label in WarningSeverity.choices
        ]
        shown = [severity_badge(severity, label, n) for severity, label, n in parts if n]
        if not shown:
            return format_html('<span class="text-body-secondary">{}</span>', "—")
        return format_html_join(" ", "{}", ((badge,) for badge in shown))

    def value_warnings(self, record):
        return record.warnings_total


class ProjectWarningTable(BaseTable):
    severity = tables.Column(attrs=NOWRAP)
    project = tables.Column(linkify=lambda record: record.project.get_absolute_url(), order_by=("project__name",))
    county = RegionNameColumn(accessor="project__region", verbose_name=_("county"), order_by=("project__region_id",), attrs=NOWRAP)
    rule = tables.Column(attrs=NOWRAP)
    message = tables.Column()
    raised_on = tables.DateColumn(format="Y-m-d", attrs=NOWRAP)
    cleared_on = tables.DateColumn(format="Y-m-d", attrs=NOWRAP)
    active = tables.BooleanColumn()

    class Meta(BaseTable.Meta):
        model = ProjectWarning
        fields = ("severity", "project", "county", "rule", "message", "raised_on", "cleared_on", "active")

    def render_severity(self, record):
        return severity_badge(record.severity, record.get_severity_display())

    def render_rule(self, value):
        return RULE_LABELS.get(value, value)


class WorkerTable(BaseTable):
    name = tables.Column(linkify=True)
    id_number = PiiColumn(attrs=NOWRAP)
    phone = PiiColumn(attrs=NOWRAP)
    last_updated = tables.DateTimeColumn(format="Y-m-d H:i", attrs=NOWRAP)

    class Meta(BaseTable.Meta):
        model = Worker
        fields = ("name", "id_number", "phone", "last_updated")
