"""URLs of blacklist's documents and publication pages (included by blacklist/urls.py)."""
urlpatterns = []
