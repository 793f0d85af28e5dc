"""FilterSets of inspections: one per model, serving the list page, the API and the Excel export."""
import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagecase.core.choices import Industry
from wagecase.core.filtersets import RegionPrefixFilter, SearchFilterSet

from .choices import CampaignKind, ChecklistItem, InspectionMethod, OrderStatus, PenaltyArticle
from .models import Campaign, Draw, Inspection, PenaltyDecision, RectificationOrder


class CampaignFilterSet(SearchFilterSet):
    search_fields = ("name", "description")
    kind = django_filters.MultipleChoiceFilter(choices=CampaignKind.choices, label=_("Kind"))
    region_code = RegionPrefixFilter()
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("Running on"))

    class Meta:
        model = Campaign
        fields = ["q", "kind", "region_code", "active_on"]

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(starts_on__lte=value, ends_on__gte=value)


class DrawFilterSet(django_filters.FilterSet):
    campaign = django_filters.NumberFilter(field_name="campaign_id", label=_("Campaign"))
    region_code = RegionPrefixFilter()
    published = django_filters.BooleanFilter(label=_("Published"))

    class Meta:
        model = Draw
        fields = ["campaign", "region_code", "published"]


class InspectionFilterSet(SearchFilterSet):
    search_fields = ("project__code", "project__name", "findings")
    region_code = RegionPrefixFilter(field_name="project__region__code")
    project_code = django_filters.CharFilter(field_name="project__code", label=_("Project code"))
    industry = django_filters.MultipleChoiceFilter(field_name="project__industry", choices=Industry.choices, label=_("Industry"))
    method = django_filters.MultipleChoiceFilter(choices=InspectionMethod.choices, label=_("Method"))
    campaign = django_filters.NumberFilter(field_name="campaign_id", label=_("Campaign"))
    inspected_after = django_filters.DateFilter(field_name="inspected_on", lookup_expr="gte", label=_("Inspected on or after"))
    inspected_before = django_filters.DateFilter(field_name="inspected_on", lookup_expr="lte", label=_("Inspected on or before"))
    inspector = django_filters.CharFilter(field_name="inspectors__username", label=_("Inspector (username)"), distinct=True)
    failed_item = django_filters.ChoiceFilter(choices=ChecklistItem.choices, method="filter_failed_item", label=_("Failed item"))
    has_failures = django_filters.BooleanFilter(field_name="order", lookup_expr="isnull", exclude=True, label=_("Order issued"))

    class Meta:
        model = Inspection
        fields = ["q", "region_code", "project_code", "industry", "method", "campaign", "inspected_after", "inspected_before",
                  "inspector", "failed_item", "has_failures"]

    def filter_failed_item(self, queryset, name, value):
        return queryset.filter(**{f"checklist__{value}": "fail"})


class RectificationOrderFilterSet(SearchFilterSet):
    search_fields = ("number", "project__code", "project__name", "enterprise__name")
    # open / overdue follow the deadline today, whether or not the daily job has run yet.
    status = django_filters.MultipleChoiceFilter(choices=OrderStatus.choices, method="filter_status", label=_("Status"))
    region_code = RegionPrefixFilter(field_name="project__region__code")
    project_code = django_filters.CharFilter(field_name="project__code", label=_("Project code"))
    campaign = django_filters.NumberFilter(field_name="inspection__campaign_id", label=_("Campaign"))
    issued_after = django_filters.DateFilter(field_name="issued_on", lookup_expr="gte", label=_("Issued on or after"))
    issued_before = django_filters.DateFilter(field_name="issued_on", lookup_expr="lte", label=_("Issued on or before"))
    item = django_filters.ChoiceFilter(choices=ChecklistItem.choices, method="filter_item", label=_("Failed item"))

    class Meta:
        model = RectificationOrder
        fields = ["q", "status", "region_code", "project_code", "campaign", "issued_after", "issued_before", "item"]

    def filter_status(self, queryset, name, values):
        if not values:
            return queryset
        today = timezone.localdate()
        pending = Q(status__in=[OrderStatus.OPEN, OrderStatus.OVERDUE])
        condition = Q(pk__in=[])
        for value in values:
            if value == OrderStatus.OPEN:
                condition |= pending & Q(rectify_by__gte=today)
            elif value == OrderStatus.OVERDUE:
                condition |= pending & Q(rectify_by__lt=today)
            else:
                condition |= Q(status=value)
        return queryset.filter(condition)

    def filter_item(self, queryset, name, value):
        return queryset.filter(items__icontains=f'"{value}"')


class PenaltyDecisionFilterSet(SearchFilterSet):
    search_fields = ("number", "project__code", "project__name", "enterprise__name", "facts")
    region_code = RegionPrefixFilter(field_name="project__region__code")
    article = django_filters.MultipleChoiceFilter(choices=PenaltyArticle.choices, label=_("Article"))
    decided_after = django_filters.DateFilter(field_name="decided_on", lookup_expr="gte", label=_("Decided on or after"))
    decided_before = django_filters.DateFilter(field_name="decided_on", lookup_expr="lte", label=_("Decided on or before"))
    work_stoppage = django_filters.BooleanFilter(label=_("Work stoppage ordered"))

    class Meta:
        model = PenaltyDecision
        fields = ["q", "region_code", "article", "decided_after", "decided_before", "work_stoppage"]
