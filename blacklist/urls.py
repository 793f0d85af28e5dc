"""URLs of blacklist's pages."""

app_name = "blacklist"
urlpatterns = []
