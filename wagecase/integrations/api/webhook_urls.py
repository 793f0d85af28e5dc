"""API routes of webhooks — filled by the integrations work."""
urlpatterns = []
