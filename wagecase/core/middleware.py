"""Opens the change context for each web or API request, so changes name their user and request."""
import uuid

from .choices import ChangeSource
from .context import change_context


class ChangeContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = uuid.uuid4()
        source = ChangeSource.API if request.path.startswith("/api/") else ChangeSource.WEB
        with change_context(source=source, request=request, request_id=request.id):
            response = self.get_response(request)
        response["X-Request-ID"] = str(request.id)
        return response
