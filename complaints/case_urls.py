"""URLs of arrears cases, the two clear-to-zero tracker and emergency incidents, mounted under
/clues/ in the `complaints` namespace (included by complaints/urls.py before a clue's own
number-addressed paths, which would otherwise catch them)."""
from django.urls import path

from . import case_views as views

urlpatterns = [
    path("cases/", views.ArrearsCaseListView.as_view(), name="arrearscase_list"),
    path("cases/add/", views.ArrearsCaseAddView.as_view(), name="arrearscase_add"),
    path("cases/export/", views.ArrearsCaseExportView.as_view(), name="arrearscase_export"),
    path("cases/key-monitoring/", views.KeyMonitoringListView.as_view(), name="arrearscase_key_monitoring"),
    path("cases/<int:pk>/", views.ArrearsCaseDetailView.as_view(), name="arrearscase_detail"),
    path("cases/<int:pk>/edit/", views.ArrearsCaseEditView.as_view(), name="arrearscase_edit"),
    path("cases/<int:pk>/<slug:action>/", views.ArrearsCaseActionView.as_view(), name="arrearscase_action"),
    path("zero-clearance/", views.ZeroClearanceView.as_view(), name="zero_clearance"),
    path("incidents/", views.IncidentListView.as_view(), name="incident_list"),
    path("incidents/add/", views.IncidentAddView.as_view(), name="incident_add"),
    path("incidents/export/", views.IncidentExportView.as_view(), name="incident_export"),
    path("incidents/<int:pk>/", views.IncidentDetailView.as_view(), name="incident_detail"),
    path("incidents/<int:pk>/edit/", views.IncidentEditView.as_view(), name="incident_edit"),
]
