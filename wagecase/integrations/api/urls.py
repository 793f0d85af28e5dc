"""API routes of integrations: the client's own account, tokens and call log; webhooks."""
from .client_urls import urlpatterns as client_urlpatterns
from .webhook_urls import urlpatterns as webhook_urlpatterns

urlpatterns = [*client_urlpatterns, *webhook_urlpatterns]
