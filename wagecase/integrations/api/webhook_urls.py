"""API routes of webhooks: `/api/v1/webhooks/` and its actions (rotate-secret, test, deliveries,
deliveries/{delivery_id}/redeliver). URL names by basename: webhooksubscription-list, …"""
from rest_framework.routers import SimpleRouter

from .webhook_views import WebhookSubscriptionViewSet

router = SimpleRouter()
router.register("webhooks", WebhookSubscriptionViewSet, basename="webhooksubscription")

urlpatterns = router.urls
