"""API routes of API clients (tokens, call log) — filled by the integrations work."""
urlpatterns = []
