"""API routes of blacklist."""
urlpatterns = []
