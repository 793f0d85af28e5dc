"""API routes of inspections. URL names by basename: inspection-list, inspection-photos,
rectificationorder-reinspect, rectificationorder-document, penaltydecision-document, campaign-progress,
draw-publish, ..."""
from rest_framework.routers import SimpleRouter

from .views import CampaignViewSet, DrawViewSet, InspectionViewSet, PenaltyDecisionViewSet, RectificationOrderViewSet

router = SimpleRouter()
router.register("inspections", InspectionViewSet, basename="inspection")
router.register("rectifications", RectificationOrderViewSet, basename="rectificationorder")
router.register("penalties", PenaltyDecisionViewSet, basename="penaltydecision")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("draws", DrawViewSet, basename="draw")

urlpatterns = router.urls
