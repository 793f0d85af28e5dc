"""API routes of complaints."""
urlpatterns = []
