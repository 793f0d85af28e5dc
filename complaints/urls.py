"""URLs of complaints' pages, mounted at /clues/. A clue's address is its number, as in the API;
the fixed paths come first (a clue number `620502-2026-000123` never looks like them)."""
from django.urls import path

from . import case_urls, views

app_name = "complaints"
urlpatterns = [
    path("", views.ClueListView.as_view(), name="clue_list"),
    path("add/", views.ClueAddView.as_view(), name="clue_add"),
    path("export/", views.ClueExportView.as_view(), name="clue_export"),
    path("mine/", views.MyClueListView.as_view(), name="clue_mine"),
    path("attention/", views.AttentionListView.as_view(), name="clue_attention"),
    path("figures/", views.ClueFiguresView.as_view(), name="clue_figures"),
    # The intake form's helpers
    path("lookup/projects/", views.ProjectTypeaheadView.as_view(), name="project_typeahead"),
    path("lookup/employers/", views.EmployerTypeaheadView.as_view(), name="employer_typeahead"),
    path("lookup/duplicates/", views.DuplicateCheckView.as_view(), name="duplicate_check"),
    # The user's notifications (the navbar's bell)
    path("notifications/", views.NotificationListView.as_view(), name="notification_list"),
    path("notifications/badge/", views.NotificationBadgeView.as_view(), name="notification_badge"),
    path("notifications/read-all/", views.NotificationReadAllView.as_view(), name="notification_read_all"),
    path("notifications/<int:pk>/read/", views.NotificationReadView.as_view(), name="notification_read"),
    # Arrears cases, the two clear-to-zero tracker, incidents (before the number-addressed paths)
    *case_urls.urlpatterns,
    # One clue, by number
    path("<str:number>/", views.ClueDetailView.as_view(), name="clue_detail"),
    path("<str:number>/<slug:action>/", views.ClueActionView.as_view(), name="clue_action"),
]
