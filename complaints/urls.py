"""URLs of complaints's pages."""

app_name = "complaints"
urlpatterns = []
