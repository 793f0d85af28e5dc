"""URLs of blacklist's pages, mounted at /blacklist/ in the `blacklist` namespace: listings, proposing
one from a case, a listing's actions, ratings, credit-platform exports; then the publication batches
and the documents (document_urls). A listing's actions are named in the pattern, so that no other
`<pk>/<something>/` address of the documents is caught by them."""
from django.urls import path, re_path

from . import views
from .document_urls import urlpatterns as document_urlpatterns

app_name = "blacklist"
urlpatterns = [
    path("", views.ListingListView.as_view(), name="listing_list"),
    path("propose/", views.ListingProposeView.as_view(), name="listing_propose"),
    path("<int:pk>/", views.ListingDetailView.as_view(), name="listing_detail"),
    re_path(r"^(?P<pk>[0-9]+)/(?P<action>objection|review|decide|remove|note)/$", views.ListingActionView.as_view(),
            name="listing_action"),
    path("ratings/", views.RatingListView.as_view(), name="rating_list"),
    path("ratings/<int:enterprise_pk>/", views.RatingDetailView.as_view(), name="rating_detail"),
    path("exports/", views.CreditExportListView.as_view(), name="export_list"),
    path("exports/<int:pk>/", views.CreditExportDetailView.as_view(), name="export_detail"),
    path("exports/<int:pk>/download/", views.CreditExportDownloadView.as_view(), name="export_download"),
]
urlpatterns += document_urlpatterns
