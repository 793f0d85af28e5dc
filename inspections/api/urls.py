"""API routes of inspections."""
urlpatterns = []
