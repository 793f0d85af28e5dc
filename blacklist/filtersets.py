"""FilterSets of blacklist: one per model, serving the list pages, the API and the Excel export."""
import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagecase.core.choices import CreditRating, Industry
from wagecase.core.filtersets import LocalDateFilter, RegionPrefixFilter, SearchFilterSet

from .choices import Basis, BatchStatus, ListingStatus, PersonRole, SubjectType
from .models import CreditExport, EnterpriseRating, Listing, PublicationBatch


class ListingFilterSet(SearchFilterSet):
    # No ID number in the free-text search (personal data): a person is found by name, or by the exact ID.
    search_fields = ("name", "uscc", "notice_number", "decision_number", "enterprise__name", "enterprise__uscc")
    status = django_filters.MultipleChoiceFilter(choices=ListingStatus.choices, label=_("Status"))
    subject_type = django_filters.ChoiceFilter(choices=SubjectType.choices, label=_("Subject"))
    person_role = django_filters.ChoiceFilter(choices=PersonRole.choices, label=_("Person's role"))
    basis = django_filters.ChoiceFilter(choices=Basis.choices, label=_("Basis"))
    region_code = RegionPrefixFilter()
    industry = django_filters.MultipleChoiceFilter(choices=Industry.choices, label=_("Industry"))
    case = django_filters.NumberFilter(field_name="case_id", label=_("Arrears case"))
    enterprise_uscc = django_filters.CharFilter(field_name="enterprise__uscc", label=_("Enterprise USCC"))
    id_number = django_filters.CharFilter(method="filter_id_number", label=_("ID number (exact)"))
    listed_after = django_filters.DateFilter(field_name="listed_on", lookup_expr="gte", label=_("Listed on or after"))
    listed_before = django_filters.DateFilter(field_name="listed_on", lookup_expr="lte", label=_("Listed on or before"))
    expires_before = django_filters.DateFilter(field_name="expires_on", lookup_expr="lte", label=_("Expires on or before"))
    in_force = django_filters.BooleanFilter(method="filter_in_force", label=_("In force (listed, not expired)"))

    class Meta:
        model = Listing
        fields = ["q", "status", "subject_type", "person_role", "basis", "region_code", "industry", "case",
                  "enterprise_uscc", "id_number", "listed_after", "listed_before", "expires_before", "in_force"]

    def filter_id_number(self, queryset, name, value):
        value = value.strip().upper()
        return queryset.filter(id_number=value) if value else queryset

    def filter_in_force(self, queryset, name, value):
        in_force = Q(status=ListingStatus.LISTED, expires_on__gt=timezone.localdate())
        return queryset.filter(in_force) if value else queryset.exclude(in_force)


class PublicationBatchFilterSet(SearchFilterSet):
    search_fields = ("title", "entries__enterprise_name", "entries__uscc")
    status = django_filters.MultipleChoiceFilter(choices=BatchStatus.choices, label=_("Status"))
    region_code = RegionPrefixFilter()
    year = django_filters.NumberFilter(label=_("Year"))
    quarter = django_filters.ChoiceFilter(choices=[(q, f"Q{q}") for q in range(1, 5)], label=_("Quarter"))

    class Meta:
        model = PublicationBatch
        fields = ["q", "status", "region_code", "year", "quarter"]

    def search(self, queryset, name, value):
        # Searching across entries joins a to-many relation: keep each batch once.
        return super().search(queryset, name, value).distinct()


class EnterpriseRatingFilterSet(SearchFilterSet):
    search_fields = ("enterprise__name", "enterprise__uscc")
    rating = django_filters.MultipleChoiceFilter(choices=CreditRating.choices, method="filter_rating",
                                                 label=_("Rating in force"))
    computed = django_filters.MultipleChoiceFilter(choices=CreditRating.choices, label=_("Computed rating"))
    adjusted = django_filters.BooleanFilter(method="filter_adjusted", label=pgettext_lazy("rating", "Adjusted"))
    region_code = RegionPrefixFilter(field_name="enterprise__region__code")
    enterprise_uscc = django_filters.CharFilter(field_name="enterprise__uscc", label=_("Enterprise USCC"))

    class Meta:
        model = EnterpriseRating
        fields = ["q", "rating", "computed", "adjusted", "region_code", "enterprise_uscc"]

    def filter_rating(self, queryset, name, value):
        if not value:
            return queryset
        # The rating in force is the adjusted one when there is one, else the computed one.
        return queryset.filter(Q(adjusted__in=value) | Q(adjusted="", computed__in=value))

    def filter_adjusted(self, queryset, name, value):
        return queryset.exclude(adjusted="") if value else queryset.filter(adjusted="")


class CreditExportFilterSet(django_filters.FilterSet):
    region_code = RegionPrefixFilter()
    created_after = LocalDateFilter(field_name="created", edge="from", label=_("Created on or after"))
    created_before = LocalDateFilter(field_name="created", edge="to", label=_("Created on or before"))

    class Meta:
        model = CreditExport
        fields = ["region_code", "created_after", "created_before"]


class PublicListingFilterSet(SearchFilterSet):
    """The public list's search (no login): names and USCCs only — never ID numbers."""

    search_fields = ("name", "uscc", "enterprise__name", "enterprise__uscc")
    region_code = RegionPrefixFilter(label=_("Deciding office (region code)"))

    class Meta:
        model = Listing
        fields = ["q", "region_code"]
