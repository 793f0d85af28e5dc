"""FilterSets of reports: one per model, serving page and API."""
import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import ReportKind, ReportStatus
from .models import Report


class ReportFilterSet(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=ReportKind.choices, label=_("Kind"))
    status = django_filters.MultipleChoiceFilter(choices=ReportStatus.choices, label=_("Status"))
    region_code = django_filters.CharFilter(field_name="region__code", lookup_expr="startswith", label=_("Region code"))
    submitted = django_filters.BooleanFilter(field_name="submitted_at", lookup_expr="isnull", exclude=True,
                                             label=_("Submitted"))

    class Meta:
        model = Report
        fields = ["kind", "status", "region_code", "submitted"]
