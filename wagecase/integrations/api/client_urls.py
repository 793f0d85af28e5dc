"""API routes of API clients: the caller's own client, its named tokens and its call log
(`/api/v1/clients/me/…`; URL names client-me, client-token-list, client-call-summary, …)."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from .client_views import ApiCallViewSet, ApiTokenViewSet, ClientMeView

router = SimpleRouter()
router.register("clients/me/tokens", ApiTokenViewSet, basename="client-token")
router.register("clients/me/calls", ApiCallViewSet, basename="client-call")

urlpatterns = [
    path("clients/me/", ClientMeView.as_view(), name="client-me"),
    *router.urls,
]
