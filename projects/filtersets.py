"""FilterSets of projects: one per model, serving the list page, the API and the Excel export."""
import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from wagecase.core.choices import Industry
from wagecase.core.filtersets import RegionPrefixFilter, SearchFilterSet

from .choices import InvestmentType, ProjectStatus, SystemCode, WarningSeverity
from .models import Employment, Project, ProjectWarning, Worker

# Which warning rules (projects.warnings.RULES) speak of which of the five core systems.
SYSTEM_WARNING_RULES = {
    SystemCode.DEDICATED_ACCOUNT: ("allocation_missing",),
    SystemCode.REAL_NAME: ("roster_empty", "entered_before_contract"),
    SystemCode.CONTRACTOR_PAYROLL: ("payroll_late", "underpaid", "paid_outside_bank"),
    SystemCode.WAGE_DEPOSIT: ("deposit_short", "topup_overdue"),
    SystemCode.NOTICE_BOARD: ("no_notice_board",),
}


class ProjectFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "address", "builder__name", "general_contractor__name")
    region_code = RegionPrefixFilter()
    # distinct=False: a column of the project itself cannot repeat a row, and django-filter's default
    # DISTINCT made the list's count a COUNT over SELECT DISTINCT of every column (issue 10).
    investment_type = django_filters.MultipleChoiceFilter(choices=InvestmentType.choices, distinct=False,
                                                          label=_("Investment type"))
    industry = django_filters.MultipleChoiceFilter(choices=Industry.choices, distinct=False, label=_("Industry"))
    status = django_filters.MultipleChoiceFilter(choices=ProjectStatus.choices, distinct=False, label=_("Status"))
    monitoring_required = django_filters.BooleanFilter(label=_("Monitoring required"))
    score_below = django_filters.NumberFilter(field_name="compliance_score", lookup_expr="lt", label=_("Compliance score below"))
    has_warnings = django_filters.BooleanFilter(method="filter_has_warnings", label=_("Has active warnings"))
    warning_severity = django_filters.ChoiceFilter(choices=WarningSeverity.choices, method="filter_severity",
                                                   label=_("Warning severity"))
    warning_system = django_filters.MultipleChoiceFilter(choices=SystemCode.choices, method="filter_warning_system",
                                                         label=_("Active warning about"))
    general_contractor = django_filters.CharFilter(field_name="general_contractor__uscc", label=_("General contractor USCC"))

    class Meta:
        model = Project
        fields = ["q", "region_code", "investment_type", "industry", "status", "monitoring_required", "score_below",
                  "has_warnings", "warning_severity", "warning_system", "general_contractor"]

    def filter_has_warnings(self, queryset, name, value):
        active = ProjectWarning.objects.filter(project=OuterRef("pk"), active=True)
        return queryset.filter(Exists(active)) if value else queryset.exclude(Exists(active))

    def filter_severity(self, queryset, name, value):
        return queryset.filter(Exists(ProjectWarning.objects.filter(project=OuterRef("pk"), active=True, severity=value)))

    def filter_warning_system(self, queryset, name, value):
        """Projects with an active warning about any of the systems chosen."""
        if not value:
            return queryset
        rules = [rule for system in value for rule in SYSTEM_WARNING_RULES[system]]
        return queryset.filter(Exists(ProjectWarning.objects.filter(project=OuterRef("pk"), active=True, rule__in=rules)))


class ProjectWarningFilterSet(django_filters.FilterSet):
    region_code = RegionPrefixFilter(field_name="project__region__code")
    severity = django_filters.MultipleChoiceFilter(choices=WarningSeverity.choices, label=_("Severity"))
    active = django_filters.BooleanFilter(label=_("Active"))
    rule = django_filters.CharFilter(label=_("Rule"))
    project = django_filters.CharFilter(field_name="project__code", label=_("Project code"))

    class Meta:
        model = ProjectWarning
        fields = ["region_code", "severity", "active", "rule", "project"]


class WorkerFilterSet(SearchFilterSet):
    search_fields = ("name", "id_number")
    project = django_filters.CharFilter(method="filter_project", label=_("Project code"))

    class Meta:
        model = Worker
        fields = ["q", "project"]

    def filter_project(self, queryset, name, value):
        return queryset.filter(Exists(Employment.objects.filter(worker=OuterRef("pk"), project__code=value)))


class EmploymentFilterSet(SearchFilterSet):
    search_fields = ("worker__name", "worker__id_number", "trade", "team__name")
    project = django_filters.CharFilter(field_name="project__code", label=_("Project code"))
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("Active on"))
    without_contract = django_filters.BooleanFilter(field_name="contract_signed_on", lookup_expr="isnull",
                                                    label=_("Without contract"))

    class Meta:
        model = Employment
        fields = ["q", "project", "active_on", "without_contract", "trade"]

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(entered_on__lte=value).exclude(exited_on__lt=value)
