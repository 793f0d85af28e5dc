"""URLs of reports' pages."""
from django.urls import path

from . import dashboard_views, views

app_name = "reports"
urlpatterns = [
    path("", views.ReportListView.as_view(), name="report_list"),
    path("generate/", views.ReportRequestView.as_view(), name="report_request"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("<int:pk>/download/", views.ReportDownloadView.as_view(), name="report_download"),
    path("<int:pk>/<str:verb>/", views.ReportActionView.as_view(), name="report_action"),
    path("dashboard/", dashboard_views.DashboardView.as_view(), name="dashboard"),
    path("daily/<int:campaign_pk>/", views.DailyBoardView.as_view(), name="daily_board"),
]
