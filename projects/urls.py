"""URLs of projects's pages."""

app_name = "projects"
urlpatterns = []
