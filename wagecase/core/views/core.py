"""Pages of the shared core: regions, enterprises, departments, users (read-only) and regional
policy values, all built on the generic views."""
from django.utils.translation import gettext as _

from ..choices import EnterpriseRole, Industry
from ..filtersets import (
    DepartmentFilterSet, EnterpriseFilterSet, JobFilterSet, PiiAccessLogFilterSet, PolicyValueFilterSet, RegionFilterSet,
    UserFilterSet,
)
from ..forms import DepartmentForm, EnterpriseForm, PolicyValueForm
from ..models import Department, Enterprise, Job, PiiAccessLog, PolicyValue, Region, User
from ..policy import POLICIES, effective_policies
from ..tables import (
    DepartmentTable, EnterpriseTable, JobTable, PiiAccessLogTable, PolicyValueTable, RegionTable, UserTable,
)
from . import generic

generic.register_value_labels(Enterprise, "roles", EnterpriseRole.choices)
generic.register_value_labels(User, "industries", Industry.choices)

# --- Regions --------------------------------------------------------------------------------------

class RegionListView(generic.ObjectListView):
    queryset = Region.objects.select_related("parent")
    table_class = RegionTable
    filterset_class = RegionFilterSet


def policy_source_label(source, region, names):
    if source == "default":
        return _("Statutory default")
    if source == "national":
        return _("National value")
    if source == region.code:
        return _("Set for this region")
    return _("Inherited from %(region)s") % {"region": names.get(source, source)}


class RegionDetailView(generic.ObjectDetailView):
    queryset = Region.objects.select_related("parent")
    template_name = "core/region.html"
    preview_rows = 20

    def get_extra_context(self):
        region = self.object
        user = self.request.user
        children = Region.objects.restrict(user, "view").filter(parent=region).order_by("code")
        departments = Department.objects.restrict(user, "view").filter(region__code__startswith=region.code).select_related("region")
        enterprises = Enterprise.objects.restrict(user, "view").filter(region__code__startswith=region.code).select_related("region")
        policies = effective_policies(region.code)
        names = dict(Region.objects.filter(code__in=region.ancestor_codes).values_list("code", "full_name"))
        ancestors = list(Region.objects.filter(code__in=region.ancestor_codes[1:]).order_by("code"))
        return {
            "ancestors": ancestors,
            "children": children,
            "departments": departments[: self.preview_rows],
            "department_count": departments.count(),
            "enterprises": enterprises[: self.preview_rows],
            "enterprise_count": enterprises.count(),
            "policies": [
                {"definition": d, "value": v, "source": s, "source_label": policy_source_label(s, region, names)}
                for d, v, s in policies
            ],
            "can_view_departments": user.has_perm("core.view_department"),
            "can_view_enterprises": user.has_perm("core.view_enterprise"),
        }


# --- Enterprises ----------------------------------------------------------------------------------

class EnterpriseListView(generic.ObjectListView):
    queryset = Enterprise.objects.select_related("region")
    table_class = EnterpriseTable
    filterset_class = EnterpriseFilterSet


class EnterpriseDetailView(generic.ObjectDetailView):
    queryset = Enterprise.objects.select_related("region")
    template_name = "core/enterprise.html"


class EnterpriseEditView(generic.ObjectEditView):
    queryset = Enterprise.objects.all()
    form_class = EnterpriseForm


class EnterpriseDeleteView(generic.ObjectDeleteView):
    queryset = Enterprise.objects.all()


class EnterpriseExportView(generic.ObjectExportView):
    queryset = Enterprise.objects.all()


# --- Departments ----------------------------------------------------------------------------------

class DepartmentListView(generic.ObjectListView):
    queryset = Department.objects.select_related("region")
    table_class = DepartmentTable
    filterset_class = DepartmentFilterSet


class DepartmentDetailView(generic.ObjectDetailView):
    queryset = Department.objects.select_related("region")
    template_name = "core/department.html"

    def get_extra_context(self):
        user = self.request.user
        members = User.objects.restrict(user, "view").filter(department=self.object).select_related("jurisdiction")
        return {"members": members[:100], "can_view_users": user.has_perm("core.view_user")}


class DepartmentEditView(generic.ObjectEditView):
    queryset = Department.objects.all()
    form_class = DepartmentForm


class DepartmentDeleteView(generic.ObjectDeleteView):
    queryset = Department.objects.all()


class DepartmentExportView(generic.ObjectExportView):
    queryset = Department.objects.all()


class RegionExportView(generic.ObjectExportView):
    queryset = Region.objects.all()


# --- Users (read-only; accounts are managed in admin and by management commands) -----------------

class UserListView(generic.ObjectListView):
    queryset = User.objects.select_related("department", "jurisdiction")
    table_class = UserTable
    filterset_class = UserFilterSet


class UserDetailView(generic.ObjectDetailView):
    queryset = User.objects.select_related("department", "jurisdiction")
    template_name = "core/user.html"


# --- Regional policy values -----------------------------------------------------------------------

class PolicyValueListView(generic.ObjectListView):
    queryset = PolicyValue.objects.select_related("region")
    table_class = PolicyValueTable
    filterset_class = PolicyValueFilterSet
    template_name = "core/policyvalue_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        jurisdiction = self.request.user.jurisdiction
        if jurisdiction is not None:
            names = dict(Region.objects.filter(code__in=jurisdiction.ancestor_codes).values_list("code", "full_name"))
            context["jurisdiction"] = jurisdiction
            context["effective"] = [
                {"definition": d, "value": v, "source": s, "source_label": policy_source_label(s, jurisdiction, names)}
                for d, v, s in effective_policies(jurisdiction.code)
            ]
        return context


class PolicyValueDetailView(generic.ObjectDetailView):
    queryset = PolicyValue.objects.select_related("region")
    template_name = "core/policyvalue.html"


class PolicyValueEditView(generic.ObjectEditView):
    queryset = PolicyValue.objects.all()
    form_class = PolicyValueForm
    template_name = "core/policyvalue_edit.html"

    def get_extra_context(self, form):
        return {"definitions": list(POLICIES.values())}


class PolicyValueDeleteView(generic.ObjectDeleteView):
    queryset = PolicyValue.objects.all()


# --- Personal-data accesses -----------------------------------------------------------------------

class PiiAccessLogListView(generic.ObjectListView):
    """The office head's record of who saw personal data unmasked, and where (web page or API)."""

    queryset = PiiAccessLog.objects.select_related("user__jurisdiction", "object_type").prefetch_related("object")
    table_class = PiiAccessLogTable
    filterset_class = PiiAccessLogFilterSet


# --- Jobs -----------------------------------------------------------------------------------------

class JobListView(generic.ObjectListView):
    """My jobs: a job belongs to whoever started it (Job.scope_filter)."""

    queryset = Job.objects.all()
    table_class = JobTable
    filterset_class = JobFilterSet
    template_name = "core/job_list.html"
