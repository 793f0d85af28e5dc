"""API routes of reports."""
from rest_framework.routers import SimpleRouter

from .views import SummaryViewSet

router = SimpleRouter()
router.register("stats/summary", SummaryViewSet, basename="stats-summary")

urlpatterns = router.urls
