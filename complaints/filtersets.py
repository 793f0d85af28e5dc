"""FilterSets of complaints: one per model, serving the list page, the API and the Excel export."""
import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagecase.core.filtersets import RegionPrefixFilter, SearchFilterSet

from .choices import Channel, ClueCategory, ClueStatus, DeadlineState
from .models import Clue


class ClueFilterSet(SearchFilterSet):
    # No personal data in the free-text search: a phone or ID is searched by its exact value.
    search_fields = ("number", "employer_name", "employer_uscc", "project__name", "project__code", "description")
    # distinct=False: a column of the clue itself cannot repeat a row; django-filter's default
    # DISTINCT would make the count a COUNT over SELECT DISTINCT of every column (issue 10).
    status = django_filters.MultipleChoiceFilter(choices=ClueStatus.choices, distinct=False, label=_("Status"))
    category = django_filters.MultipleChoiceFilter(choices=ClueCategory.choices, distinct=False, label=_("Category"))
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices, distinct=False, label=_("Channel"))
    region_code = RegionPrefixFilter()
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=pgettext_lazy("deadline", "Overdue"))
    deadline = django_filters.ChoiceFilter(choices=DeadlineState.choices, method="filter_deadline", label=_("Deadline"))
    received_after = django_filters.IsoDateTimeFilter(field_name="received_at", lookup_expr="gte", label=_("Received after"))
    received_before = django_filters.IsoDateTimeFilter(field_name="received_at", lookup_expr="lt", label=_("Received before"))
    project_code = django_filters.CharFilter(field_name="project__code", label=_("Project code"))
    employer_uscc = django_filters.CharFilter(label=_("Employer USCC"))
    complainant_phone = django_filters.CharFilter(label=_("Complainant's phone (exact)"))
    owner = django_filters.NumberFilter(field_name="owner_id", label=_("Responsible officer"))
    transferred_to = django_filters.NumberFilter(field_name="transferred_to_id", label=_("Transferred to (department id)"))
    merged = django_filters.BooleanFilter(field_name="merged_into", lookup_expr="isnull", exclude=True, label=_("Merged into another"))

    class Meta:
        model = Clue
        fields = ["q", "status", "category", "channel", "region_code", "overdue", "deadline", "received_after",
                  "received_before", "project_code", "employer_uscc", "complainant_phone", "owner", "transferred_to", "merged"]

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        overdue = Q(status__in=[s for s in ClueStatus if s not in (ClueStatus.RESOLVED, ClueStatus.CLOSED)], due_on__lt=today)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_deadline(self, queryset, name, value):
        today = timezone.localdate()
        if value == DeadlineState.OVERDUE:
            return queryset.overdue(today)
        if value == DeadlineState.WARNING:
            return queryset.in_warning(today)
        if value == DeadlineState.NORMAL:
            return queryset.open().filter(due_on__isnull=False).filter(Q(warn_on__gt=today) | Q(warn_on__isnull=True))
        return queryset.exclude(status__in=[ClueStatus.RECEIVED, ClueStatus.ACCEPTED, ClueStatus.IN_PROGRESS, ClueStatus.TRANSFERRED])
