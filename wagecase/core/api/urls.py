"""API routes of the shared core."""
urlpatterns = []
