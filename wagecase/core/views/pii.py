"""The reveal view behind the "Show" button of `{% pii %}`: the full value of one personal-data
field, for roles with core.view_pii, fetched through the scope and recorded in PiiAccessLog."""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.html import format_html
from django.views.generic import View

from ..pii import can_view_pii, pii_log_access
from .generic import get_scoped_object


class PiiRevealView(LoginRequiredMixin, View):
    # POST: the view writes an access record, so it must not be triggered by prefetching or caching.
    http_method_names = ["post"]

    def post(self, request, content_type_id, pk, field):
        if not can_view_pii(request.user):
            raise PermissionDenied
        obj = get_scoped_object(request, content_type_id, pk)
        if field not in getattr(type(obj), "pii_fields", ()):
            raise Http404
        value = getattr(obj, field, "") or ""
        pii_log_access(user=request.user, objects_fields=[(obj, field)], channel="web")
        response = HttpResponse(format_html('<span class="pii pii-revealed font-monospace">{}</span>', value))
        response["Cache-Control"] = "private, no-store"
        return response
