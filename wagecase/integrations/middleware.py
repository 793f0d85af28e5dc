"""The call log of API clients: one ApiCall row per /api/ request of a client (time, method, path,
status, duration, bytes in and out, rows of a list). Staff users' calls are not logged here.

Logging never breaks the response: a failure to write the row is logged and the answer goes out."""
import logging
import time

from django.db import transaction
from django.utils import timezone

from .auth import request_client
from .models import ApiCall

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
QUERY_LIMIT = 100  # characters of the query string kept with the path
PATH_LIMIT = ApiCall._meta.get_field("path").max_length


def _content_length(value):
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError):
        return 0


def request_bytes(request):
    # The body has been read as a stream by DRF by now; its declared length is what was sent.
    return _content_length(request.META.get("CONTENT_LENGTH"))


def response_bytes(response):
    if getattr(response, "streaming", False):
        return _content_length(response.get("Content-Length"))
    return len(response.content)


def response_rows(response):
    """The number of results of a list answer, when the response still has its data; else None."""
    if response.status_code >= 400:
        return None
    data = getattr(response, "data", None)
    if isinstance(data, list):
        return len(data)
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return len(data["results"])
    return None


def logged_path(request):
    path = request.path
    query = request.META.get("QUERY_STRING", "")
    if query:
        path = f"{path}?{query[:QUERY_LIMIT]}{'…' if len(query) > QUERY_LIMIT else ''}"
    return path[:PATH_LIMIT]


class ApiCallLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        started = time.monotonic()
        at = timezone.now()
        response = self.get_response(request)
        try:
            client = request_client(request)
            if client is not None:
                with transaction.atomic():
                    ApiCall.objects.create(
                        client=client,
                        token=getattr(request, "api_token", None),
                        time=at,
                        method=request.method[:8],
                        path=logged_path(request),
                        status=response.status_code,
                        duration_ms=int((time.monotonic() - started) * 1000),
                        request_bytes=request_bytes(request),
                        response_bytes=response_bytes(response),
                        rows=response_rows(response),
                    )
        except Exception:  # noqa: BLE001 — the call log must never cost the caller its answer
            logger.exception("Could not log the API call %s %s", request.method, request.path)
        return response
