"""API routes of the shared core (URL names by basename: region-list, enterprise-detail, ...)."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import CurrentUserView, DepartmentViewSet, EnterpriseViewSet, RegionViewSet

router = SimpleRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("departments", DepartmentViewSet, basename="department")

urlpatterns = [
    path("users/me/", CurrentUserView.as_view(), name="user-me"),
    *router.urls,
]
