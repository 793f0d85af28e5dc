"""URLs of blacklist's documents and publication pages (included by blacklist/urls.py, namespace "blacklist")."""
from django.urls import path

from . import document_views as views

urlpatterns = [
    path("publications/", views.BatchListView.as_view(), name="batch_list"),
    path("publications/add/", views.BatchCreateView.as_view(), name="batch_add"),
    path("publications/<int:pk>/", views.BatchDetailView.as_view(), name="batch_detail"),
    path("publications/<int:pk>/xlsx/", views.BatchXlsxView.as_view(), name="batch_xlsx"),
    path("publications/<int:pk>/pdf/", views.BatchPdfView.as_view(), name="batch_pdf"),
    path("publications/<int:pk>/review/", views.BatchActionView.as_view(), {"verb": "review"}, name="batch_review"),
    path("publications/<int:pk>/approve/", views.BatchActionView.as_view(), {"verb": "approve"}, name="batch_approve"),
    path("publications/<int:pk>/publish/", views.BatchActionView.as_view(), {"verb": "publish"}, name="batch_publish"),
    path("publications/<int:pk>/entries/add/", views.BatchActionView.as_view(), {"verb": "add"}, name="batch_entry_add"),
    path("publications/<int:pk>/entries/<int:entry>/remove/", views.BatchEntryRemoveView.as_view(),
         name="batch_entry_remove"),
    path("<int:pk>/notice.pdf", views.ListingNoticePdfView.as_view(), name="listing_notice_pdf"),
    path("<int:pk>/decision.pdf", views.ListingDecisionPdfView.as_view(), name="listing_decision_pdf"),
]
