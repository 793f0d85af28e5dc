"""URLs of projects' pages, mounted at /projects/.

A project's address is its code (`/projects/<code>/`), as in the API; the generic views find it
through Project.get_absolute_url. The fixed paths come first, and ProjectForm refuses them as
project codes."""
from django.urls import include, path

from . import qr, views

app_name = "projects"

project_patterns = [
    path("", views.ProjectDetailView.as_view(), name="project_detail"),
    path("edit/", views.ProjectEditView.as_view(), name="project_edit"),
    path("account/", views.AccountView.as_view(), name="account_set"),
    path("allocations/add/", views.AllocationView.as_view(), name="allocation_add"),
    path("roster/add/", views.RosterEntryView.as_view(), name="employment_add"),
    path("roster/template/", views.RosterTemplateView.as_view(), name="roster_template"),
    path("roster/import/", views.RosterImportView.as_view(), name="roster_import"),
    path("payrolls/add/", views.PayrollView.as_view(), name="payroll_add"),
    path("payrolls/template/", views.PayrollTemplateView.as_view(), name="payroll_template"),
    path("payrolls/import/", views.PayrollImportView.as_view(), name="payroll_import"),
    path("deposit/", views.DepositView.as_view(), name="deposit_set"),
    path("deposit/drawdowns/add/", views.DrawdownView.as_view(), name="drawdown_add"),
    path("deposit/drawdowns/<int:pk>/topup/", views.TopUpView.as_view(), name="drawdown_topup"),
    path("subcontractors/add/", views.SubcontractorView.as_view(), name="subcontractor_add"),
    path("subcontractors/<int:pk>/remove/", views.SubcontractorRemoveView.as_view(), name="subcontractor_remove"),
    path("teams/", views.WorkTeamView.as_view(), name="workteam_set"),
    path("attendance/", views.AttendanceView.as_view(), name="attendance_set"),
    path("account/close/", views.AccountCloseView.as_view(), name="account_close"),
    path("deposit/return-notice/", views.DepositReturnNoticeView.as_view(), name="deposit_return_notice"),
    path("deposit/return/", views.DepositReturnView.as_view(), name="deposit_return"),
    path("notice-board/", views.NoticeBoardView.as_view(), name="noticeboard_set"),
    path("notice-board/photo/", views.NoticeBoardPhotoView.as_view(), name="noticeboard_photo"),
    path("qr.png", qr.ProjectQrView.as_view(kind="png"), name="project_qr_png"),
    path("qr.svg", qr.ProjectQrView.as_view(kind="svg"), name="project_qr_svg"),
]

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project_list"),
    path("add/", views.ProjectEditView.as_view(), name="project_add"),
    path("export/", views.ProjectExportView.as_view(), name="project_export"),
    path("import/", views.ProjectImportView.as_view(), name="project_import"),
    path("templates/projects/", views.ProjectTemplateView.as_view(), name="project_template"),
    # Early warnings and the risk ranking
    path("warnings/", views.ProjectWarningListView.as_view(), name="projectwarning_list"),
    path("warnings/export/", views.ProjectWarningExportView.as_view(), name="projectwarning_export"),
    path("risk/", views.RiskRankingView.as_view(), name="risk_ranking"),
    # The "eight 100%"
    path("rates/", views.RatesView.as_view(), name="rates"),
    # Workers (one person across projects) and roster exports
    path("workers/", views.WorkerListView.as_view(), name="worker_list"),
    path("workers/export/", views.WorkerExportView.as_view(), name="worker_export"),
    path("workers/<int:pk>/", views.WorkerDetailView.as_view(), name="worker_detail"),
    path("roster/export/", views.EmploymentExportView.as_view(), name="employment_export"),
    # One project, by code
    path("<str:code>/", include(project_patterns)),
]
