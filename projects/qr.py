"""The QR code of a project's notice board: it opens the public report form with the project
filled in (`/public/report/?project=<code>`, channel `qr_code`), for printing on the board.

Login and scope as for the project's other pages (another county's project is 404). The address
encoded is absolute: settings.PUBLIC_BASE_URL when set (the public name of the site, if staff
reach it under another), else the address of this request."""
import io

import segno
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.generic import View

from complaints.public import report_url
from wagecase.core.views import generic

from .models import Project

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}


def project_report_address(request, project):
    path = report_url(project.code)
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def project_qr(address, kind):
    """The QR code of `address` as PNG or SVG bytes; error level M survives a dirty or scratched board."""
    code = segno.make(address, error="m", micro=False)
    out = io.BytesIO()
    if kind == "png":
        code.save(out, kind="png", scale=10, border=4)
    else:
        code.save(out, kind="svg", scale=10, border=4, xmldecl=True, svgns=True)
    return out.getvalue()


class ProjectQrView(generic.ObjectPermissionRequiredMixin, View):
    queryset = Project.objects.all()
    kind = "png"

    def get(self, request, code):
        project = get_object_or_404(self.get_restricted_queryset(), code=code)
        response = HttpResponse(project_qr(project_report_address(request, project), self.kind),
                                content_type=FORMATS[self.kind])
        if request.GET.get("download"):
            response["Content-Disposition"] = content_disposition_header(
                as_attachment=True, filename=f"{project.code}-qr.{self.kind}"
            )
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        return response
