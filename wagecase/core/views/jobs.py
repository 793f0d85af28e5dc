"""Background-job pages: a job's progress (polled by htmx every second until it finishes), its
log, and the download of its result file through a scoped view (never a raw MEDIA URL)."""
import os

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.generic import View

from ..models import Job
from . import generic


class JobDetailView(generic.ObjectDetailView):
    queryset = Job.objects.select_related("user")
    template_name = "core/job.html"
    partial_template_name = "core/inc/job_status.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return [self.partial_template_name]
        return [self.template_name]


class JobDownloadView(generic.ObjectPermissionRequiredMixin, View):
    queryset = Job.objects.all()
    action = "view"

    def get(self, request, pk):
        job = get_object_or_404(self.get_restricted_queryset(), pk=pk)
        if not job.result_file:
            raise Http404
        try:
            handle = job.result_file.open("rb")
        except FileNotFoundError:
            raise Http404
        response = FileResponse(handle, as_attachment=True, filename=os.path.basename(job.result_file.name))
        response["Cache-Control"] = "private, no-store"
        return response
