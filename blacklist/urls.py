"""URLs of blacklist's pages."""
from .document_urls import urlpatterns as document_urlpatterns

app_name = "blacklist"
urlpatterns = []
urlpatterns += document_urlpatterns
