"""URLs of inspections's pages, mounted at /inspections/ (namespace "inspections"). Names follow
the models (`campaign_list`, `rectificationorder_detail`…) so the generic views find them."""
from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "inspections"
urlpatterns = [
    # Inspections (the list under records/, so the menu does not mark it as the parent of every page here)
    path("", RedirectView.as_view(pattern_name="inspections:inspection_list", query_string=True)),
    path("add/", views.InspectionAddView.as_view(), name="inspection_add"),
    path("records/", views.InspectionListView.as_view(), name="inspection_list"),
    path("records/export/", views.InspectionExportView.as_view(), name="inspection_export"),
    path("records/<int:pk>/", views.InspectionDetailView.as_view(), name="inspection_detail"),
    path("photos/<int:pk>/", views.InspectionPhotoView.as_view(), name="inspectionphoto_file"),
    # Campaigns and their draws
    path("campaigns/", views.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/add/", views.CampaignEditView.as_view(), name="campaign_add"),
    path("campaigns/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.CampaignEditView.as_view(), name="campaign_edit"),
    path("campaigns/<int:pk>/draw/", views.DrawAddView.as_view(), name="draw_add"),
    path("draws/<int:pk>/", views.DrawDetailView.as_view(), name="draw_detail"),
    path("draws/<int:pk>/publish/", views.DrawPublishView.as_view(), name="draw_publish"),
    # Rectification orders
    path("orders/", views.RectificationOrderListView.as_view(), name="rectificationorder_list"),
    path("orders/export/", views.RectificationOrderExportView.as_view(), name="rectificationorder_export"),
    path("orders/<int:pk>/", views.RectificationOrderDetailView.as_view(), name="rectificationorder_detail"),
    path("orders/<int:pk>/document/", views.OrderDocumentView.as_view(), name="rectificationorder_document"),
    path("orders/<int:pk>/reinspect/", views.OrderReinspectView.as_view(), name="rectificationorder_reinspect"),
    path("orders/<int:pk>/penalty/", views.OrderPenaltyView.as_view(), name="rectificationorder_penalty"),
    # Penalty decisions
    path("penalties/", views.PenaltyDecisionListView.as_view(), name="penaltydecision_list"),
    path("penalties/export/", views.PenaltyDecisionExportView.as_view(), name="penaltydecision_export"),
    path("penalties/<int:pk>/", views.PenaltyDecisionDetailView.as_view(), name="penaltydecision_detail"),
    path("penalties/<int:pk>/document/", views.PenaltyDocumentView.as_view(), name="penaltydecision_document"),
    # The ledger
    path("ledger/", views.LedgerView.as_view(), name="ledger"),
]
