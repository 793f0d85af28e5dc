"""API routes of blacklist (URL names by basename: listing-list, listing-decide, public-listing-list,
publicationbatch-detail, publicationbatch-xlsx, enterpriserating-detail, creditexport-file, ...)."""
from rest_framework.routers import SimpleRouter

from .views import (
    CreditExportViewSet, EnterpriseRatingViewSet, ListingViewSet, PublicationBatchViewSet, PublicListingViewSet,
)

router = SimpleRouter()
router.register("blacklist", ListingViewSet, basename="listing")
router.register("public/blacklist", PublicListingViewSet, basename="public-listing")
router.register("publications", PublicationBatchViewSet, basename="publicationbatch")
router.register("ratings", EnterpriseRatingViewSet, basename="enterpriserating")
router.register("credit-exports", CreditExportViewSet, basename="creditexport")

urlpatterns = router.urls
