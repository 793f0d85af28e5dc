"""Per-client throttling: a request of an API client counts against that client's `rate` (all its
tokens together), in the shared cache; over the limit → 429 with Retry-After and DRF's message.

Staff users and bureau accounts without an API client are not throttled here (the public pages
have their own limits)."""
from django.core.cache import cache as default_cache
from rest_framework.throttling import SimpleRateThrottle

from .auth import request_client
from .models import parse_rate


class ClientRateThrottle(SimpleRateThrottle):
    cache = default_cache
    cache_format = "wagecase:throttle:client:%(ident)s"
    scope = "api_client"

    def __init__(self):
        # The rate is the client's, known only once the request is authenticated.
        self.rate = None
        self.num_requests = self.duration = None

    def get_client(self, request):
        return request_client(request._request)

    def get_cache_key(self, request, view):
        client = self.get_client(request)
        if client is None:
            return None
        return self.cache_format % {"ident": client.pk}

    def allow_request(self, request, view):
        client = self.get_client(request)
        if client is None:
            return True
        try:
            self.num_requests, self.duration = parse_rate(client.rate)
        except ValueError:
            return True  # an unreadable rate (the model's clean() refuses it) limits nothing
        self.rate = client.rate
        return super().allow_request(request, view)
