"""URLs of blacklist's public (no-login) pages, mounted at /public/ (namespace "public_blacklist")."""
app_name = "public_blacklist"
urlpatterns = []
