"""API routes of complaints: clues (with their actions, timeline, duplicate check and figures) and
the caller's notifications. URL names by basename: clue-list, clue-detail, clue-accept, clue-events,
clue-duplicates, clue-figures, notification-list, notification-read, notification-read-all, ..."""
from rest_framework.routers import SimpleRouter

from .case_views import ArrearsCaseViewSet, IncidentViewSet, ZeroClearanceViewSet
from .views import ClueViewSet, NotificationViewSet

router = SimpleRouter()
router.register("clues", ClueViewSet, basename="clue")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("cases", ArrearsCaseViewSet, basename="arrearscase")
router.register("incidents", IncidentViewSet, basename="incident")
router.register("stats/zero-clearance", ZeroClearanceViewSet, basename="zero-clearance")

urlpatterns = router.urls
