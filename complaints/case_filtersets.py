"""FilterSets of arrears cases and emergency incidents: one per model, serving the list pages, the
API and the Excel export (same filters everywhere)."""
import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagecase.core.filtersets import RegionPrefixFilter, SearchFilterSet

from .choices import CaseStatus, IncidentKind, SupervisionLevel
from .models import ArrearsCase, Incident


class ArrearsCaseFilterSet(SearchFilterSet):
    search_fields = ("enterprise__name", "enterprise__uscc", "project__name", "project__code", "source_clue__number",
                     "responsible_unit", "leader_in_charge")
    status = django_filters.MultipleChoiceFilter(choices=CaseStatus.choices, label=_("Status"))
    region_code = RegionPrefixFilter()
    supervision_level = django_filters.MultipleChoiceFilter(choices=SupervisionLevel.choices, label=_("Supervision"))
    key_monitoring = django_filters.BooleanFilter(label=_("Key monitoring"))
    government_type = django_filters.BooleanFilter(label=_("Government-investment, SOE or PPP project"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Past the clear-to-zero date"))
    referred = django_filters.BooleanFilter(field_name="referral", lookup_expr="isnull", exclude=True,
                                            label=_("Referred to the police"))
    occurred_after = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte", label=_("Occurred on or after"))
    occurred_before = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte", label=_("Occurred on or before"))
    due_before = django_filters.DateFilter(field_name="zero_clearance_due", lookup_expr="lte", label=_("Clear to zero by (at the latest)"))
    project_code = django_filters.CharFilter(field_name="project__code", label=_("Project code"))
    enterprise_uscc = django_filters.CharFilter(field_name="enterprise__uscc", label=_("Enterprise USCC"))
    source_clue = django_filters.CharFilter(field_name="source_clue__number", label=_("Source clue"))

    class Meta:
        model = ArrearsCase
        fields = ["q", "status", "region_code", "supervision_level", "key_monitoring", "government_type", "overdue",
                  "referred", "occurred_after", "occurred_before", "due_before", "project_code", "enterprise_uscc",
                  "source_clue"]

    def filter_overdue(self, queryset, name, value):
        """Open and past its clear-to-zero date (as of today)."""
        overdue = Q(status=CaseStatus.OPEN, zero_clearance_due__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class IncidentFilterSet(SearchFilterSet):
    search_fields = ("place", "description", "project__name", "project__code")
    kind = django_filters.MultipleChoiceFilter(choices=IncidentKind.choices, label=_("Kind"))
    serious = django_filters.BooleanFilter(label=_("Serious"))
    region_code = RegionPrefixFilter()
    closed = django_filters.BooleanFilter(field_name="closed_at", lookup_expr="isnull", exclude=True, label=_("Closed"))
    occurred_after = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte", label=_("Occurred after"))
    occurred_before = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt", label=_("Occurred before"))
    project_code = django_filters.CharFilter(field_name="project__code", label=_("Project code"))
    case = django_filters.NumberFilter(field_name="case_id", label=_("Arrears case"))

    class Meta:
        model = Incident
        fields = ["q", "kind", "serious", "region_code", "closed", "occurred_after", "occurred_before", "project_code", "case"]
