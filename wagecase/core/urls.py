"""URLs of the shared core's pages (filled in by the UI work)."""
app_name = "core"
urlpatterns = []
