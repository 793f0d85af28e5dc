"""FilterSets of the shared core: one per model, serving the list page, the API and the export."""
import django_filters
from django_filters.constants import EMPTY_VALUES
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import CreditRating, DepartmentKind, EnterpriseRole, JobStatus, RegionLevel, Role
from .models import Department, Enterprise, Job, PiiAccessLog, PolicyValue, Region, User
from .policy import POLICIES
from .workdays import within_days


class RegionPrefixFilter(django_filters.CharFilter):
    """`?region_code=62` matches every region code that starts with it."""

    def __init__(self, field_name="region__code", **kwargs):
        kwargs.setdefault("label", _("Region code"))
        kwargs.setdefault("lookup_expr", "startswith")
        super().__init__(field_name=field_name, **kwargs)


class LocalDateFilter(django_filters.DateFilter):
    """A Beijing date bounding a timestamp (`edge="from"` or `"to"`, inclusive): the same rows as
    `lookup_expr="date__gte"`/`"date__lte"`, as a range on the column, so its index serves the filter."""

    def __init__(self, *args, edge, **kwargs):
        if edge not in ("from", "to"):
            raise ValueError(edge)
        self.edge = edge
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        bounds = (value, None) if self.edge == "from" else (None, value)
        return self.get_method(qs)(within_days(self.field_name, *bounds))


class SearchFilterSet(django_filters.FilterSet):
    """Adds `q`, a free-text search over `search_fields`."""

    search_fields = ()
    q = django_filters.CharFilter(method="search", label=_("Search"))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class RegionFilterSet(SearchFilterSet):
    search_fields = ("name", "full_name", "code")
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices, label=_("Level"))
    parent = django_filters.CharFilter(field_name="parent_id", label=_("Parent region code"))
    region_code = RegionPrefixFilter(field_name="code")

    class Meta:
        model = Region
        fields = ["q", "level", "parent", "region_code"]


class EnterpriseFilterSet(SearchFilterSet):
    search_fields = ("name", "uscc", "legal_representative", "address")
    region_code = RegionPrefixFilter()
    role = django_filters.ChoiceFilter(choices=EnterpriseRole.choices, method="filter_role", label=_("Role"))
    credit_rating = django_filters.MultipleChoiceFilter(choices=CreditRating.choices, label=_("Labour-compliance rating"))
    uscc = django_filters.CharFilter(label=_("Unified social credit code"))

    class Meta:
        model = Enterprise
        fields = ["q", "region_code", "role", "credit_rating", "uscc"]

    def filter_role(self, queryset, name, value):
        # JSON list of role codes; quoting the value makes "builder" not match "subbuilder".
        return queryset.filter(roles__icontains=f'"{value}"')


class DepartmentFilterSet(SearchFilterSet):
    search_fields = ("name", "address")
    kind = django_filters.MultipleChoiceFilter(choices=DepartmentKind.choices, label=_("Kind"))
    region_code = RegionPrefixFilter()

    class Meta:
        model = Department
        fields = ["q", "kind", "region_code"]


class PiiAccessLogFilterSet(django_filters.FilterSet):
    time_after = LocalDateFilter(field_name="time", edge="from", label=_("From"))
    time_before = LocalDateFilter(field_name="time", edge="to", label=_("To"))
    user = django_filters.CharFilter(method="filter_user", label=_("User"))
    channel = django_filters.ChoiceFilter(
        choices=[("web", _("Web page")), ("api", _("API")), ("export", _("Export"))], label=_("Channel"))
    field = django_filters.CharFilter(label=_("Field"))

    class Meta:
        model = PiiAccessLog
        fields = ["user", "channel", "field", "time_after", "time_before"]

    def filter_user(self, queryset, name, value):
        return queryset.filter(Q(user__username__icontains=value) | Q(user__full_name__icontains=value))


class UserFilterSet(SearchFilterSet):
    search_fields = ("username", "full_name")
    role = django_filters.MultipleChoiceFilter(choices=Role.choices, label=_("Role"))
    region_code = django_filters.CharFilter(field_name="jurisdiction__code", lookup_expr="startswith", label=_("Region code"))

    class Meta:
        model = User
        fields = ["q", "role", "region_code"]


class PolicyValueFilterSet(django_filters.FilterSet):
    key = django_filters.ChoiceFilter(choices=[(k, d.label) for k, d in POLICIES.items()], label=_("Policy"))
    region_code = django_filters.CharFilter(field_name="region__code", lookup_expr="startswith", label=_("Region code"))

    class Meta:
        model = PolicyValue
        fields = ["key", "region_code"]


class JobFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=JobStatus.choices, label=_("Status"))

    class Meta:
        model = Job
        fields = ["status"]
