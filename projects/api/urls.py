"""API routes of projects."""
urlpatterns = []
