"""Tables of reports' list pages."""
import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wagecase.core.tables import BaseTable

from .models import Report

STATUS_CLASSES = {"pending": "secondary", "running": "info", "done": "success", "failed": "danger"}


class ReportTable(BaseTable):
    kind = tables.Column(linkify=True)
    region = tables.Column(accessor="region__name", verbose_name=_("Region"))
    period_start = tables.DateColumn(format="Y-m-d")
    period_end = tables.DateColumn(format="Y-m-d")
    status = tables.Column()
    signatures = tables.Column(verbose_name=_("Signatures"), empty_values=(), orderable=False)
    submitted_at = tables.DateTimeColumn(format="Y-m-d H:i")
    generated_at = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta(BaseTable.Meta):
        model = Report
        fields = ("kind", "region", "period_start", "period_end", "status", "signatures", "generated_at", "submitted_at")

    def render_kind(self, record):
        return record.get_kind_display()

    def render_status(self, record):
        label = record.get_status_display()
        if record.status == "running":
            label = f"{label} {record.progress}%"
        return format_html('<span class="badge text-bg-{}">{}</span>', STATUS_CLASSES.get(record.status, "secondary"), label)

    def render_signatures(self, record):
        return f"{len(record.signatures.all())}/2"
