"""URLs of the shared core's pages.

`home`, `login` and `logout` are top-level names (settings.LOGIN_URL / LOGIN_REDIRECT_URL use
them); everything else lives in the `core` namespace (`core:enterprise_list`…), which is why
this module has no `app_name` and includes its own pattern list under that namespace."""
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .views import core, generic, home, jobs, pii

core_patterns = [
    # Regions (read-only; the list comes from GB/T 2260)
    path("regions/", core.RegionListView.as_view(), name="region_list"),
    path("regions/export/", core.RegionExportView.as_view(), name="region_export"),
    path("regions/<str:pk>/", core.RegionDetailView.as_view(), name="region_detail"),
    # Enterprises
    path("enterprises/", core.EnterpriseListView.as_view(), name="enterprise_list"),
    path("enterprises/add/", core.EnterpriseEditView.as_view(), name="enterprise_add"),
    path("enterprises/export/", core.EnterpriseExportView.as_view(), name="enterprise_export"),
    path("enterprises/<int:pk>/", core.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", core.EnterpriseEditView.as_view(), name="enterprise_edit"),
    path("enterprises/<int:pk>/delete/", core.EnterpriseDeleteView.as_view(), name="enterprise_delete"),
    # Departments
    path("departments/", core.DepartmentListView.as_view(), name="department_list"),
    path("departments/add/", core.DepartmentEditView.as_view(), name="department_add"),
    path("departments/export/", core.DepartmentExportView.as_view(), name="department_export"),
    path("departments/<int:pk>/", core.DepartmentDetailView.as_view(), name="department_detail"),
    path("departments/<int:pk>/edit/", core.DepartmentEditView.as_view(), name="department_edit"),
    path("departments/<int:pk>/delete/", core.DepartmentDeleteView.as_view(), name="department_delete"),
    # Users (read-only)
    path("users/", core.UserListView.as_view(), name="user_list"),
    path("users/<int:pk>/", core.UserDetailView.as_view(), name="user_detail"),
    # Regional policy values
    path("policies/", core.PolicyValueListView.as_view(), name="policyvalue_list"),
    path("policies/add/", core.PolicyValueEditView.as_view(), name="policyvalue_add"),
    path("policies/<int:pk>/", core.PolicyValueDetailView.as_view(), name="policyvalue_detail"),
    path("policies/<int:pk>/edit/", core.PolicyValueEditView.as_view(), name="policyvalue_edit"),
    path("policies/<int:pk>/delete/", core.PolicyValueDeleteView.as_view(), name="policyvalue_delete"),
    # Who saw personal data unmasked (office heads)
    path("pii-accesses/", core.PiiAccessLogListView.as_view(), name="piiaccesslog_list"),
    # Background jobs
    path("jobs/", core.JobListView.as_view(), name="job_list"),
    path("jobs/<uuid:pk>/", jobs.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<uuid:pk>/download/", jobs.JobDownloadView.as_view(), name="job_download"),
    # Generic: journal notes and personal-data reveal for any record
    path("journal/<int:content_type_id>/<str:pk>/add/", generic.JournalAddView.as_view(), name="journal_add"),
    path("pii/<int:content_type_id>/<str:pk>/<str:field>/", pii.PiiRevealView.as_view(), name="pii_reveal"),
]

urlpatterns = [
    path("", home.HomeView.as_view(), name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include((core_patterns, "core"))),
]
