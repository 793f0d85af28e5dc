"""Pages of reports: the list with a form to generate one, and a report's page (progress, download,
dual sign-off, submission, history)."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View

from wagecase.core.models import Region
from wagecase.core.views import generic

from . import services
from .excel import filename
from .filtersets import ReportFilterSet
from .forms import ReportRequestForm
from .models import Report
from .tables import ReportTable


def _error_text(error):
    if isinstance(error, services.ReportConflict):
        return str(error.detail)
    if hasattr(error, "message_dict"):
        return "；".join(str(m) for messages_ in error.message_dict.values() for m in messages_)
    return "；".join(str(m) for m in getattr(error, "messages", [str(error)]))


class ReportListView(generic.ObjectListView):
    queryset = Report.objects.select_related("region").prefetch_related("signatures")
    table_class = ReportTable
    filterset_class = ReportFilterSet
    template_name = "reports/report_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.has_model_perm("add"):
            context["request_form"] = ReportRequestForm(user=self.request.user)
        return context


class ReportRequestView(generic.ObjectPermissionRequiredMixin, View):
    queryset = Report.objects.all()
    action = "add"
    http_method_names = ["post"]

    def post(self, request):
        form = ReportRequestForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, _error_text(ValidationError(form.errors)))
            return redirect("reports:report_list")
        data = form.cleaned_data
        region = Region.objects.filter(pk=data["region_code"]).first()
        try:
            if region is None:
                raise Region.DoesNotExist
            report, queued = services.report_request(kind=data["kind"], region=region, period_start=data["period_start"],
                                                     user=request.user, regenerate=data["regenerate"])
        except Region.DoesNotExist:
            messages.error(request, _("No such region in your jurisdiction."))
            return redirect("reports:report_list")
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
            return redirect("reports:report_list")
        messages.success(request, _("The report is being generated.") if queued else _("The report exists already."))
        return redirect(report.get_absolute_url())


class ReportDetailView(generic.ObjectDetailView):
    queryset = Report.objects.select_related("region", "requested_by", "submitted_by").prefetch_related("signatures__user")
    template_name = "reports/report.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["reports/inc/report_status.html"]
        return [self.template_name]

    def get_extra_context(self):
        report, user = self.object, self.request.user
        signed = {s.capacity for s in report.signatures.all()}
        may_sign = (report.status == "done" and not report.submitted_at and user.signs_for
                    and user.signs_for not in signed and user.jurisdiction_id == report.region_id
                    and not any(s.user_id == user.pk for s in report.signatures.all()))
        return {
            "may_sign": may_sign,
            "may_submit": (report.status == "done" and not report.submitted_at and len(signed) == 2
                           and user.has_perm("reports.change_report")),
            "may_regenerate": report.status in ("done", "failed") and not report.submitted_at
                              and user.has_perm("reports.add_report"),
            "totals": (report.figures or {}).get("totals"),
            "rows": (report.figures or {}).get("rows", []),
        }


class ReportActionView(generic.ObjectPermissionRequiredMixin, View):
    queryset = Report.objects.all()
    http_method_names = ["post"]
    action = "view"

    def post(self, request, pk, verb):
        report = get_object_or_404(self.get_restricted_queryset(), pk=pk)
        try:
            if verb == "sign":
                services.report_sign(report=report, user=request.user)
                messages.success(request, _("Signed."))
            elif verb == "submit":
                services.report_submit(report=report, user=request.user)
                messages.success(request, _("Submitted."))
            elif verb == "regenerate":
                if not request.user.has_perm("reports.add_report"):
                    raise PermissionDenied
                services.report_request(kind=report.kind, region=report.region, period_start=report.period_start,
                                        user=request.user, regenerate=True)
                messages.success(request, _("The report is being generated."))
            else:
                raise Http404
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error) or _("You may not do this."))
        except Region.DoesNotExist:
            raise Http404
        return redirect(report.get_absolute_url())


class ReportDownloadView(generic.ObjectPermissionRequiredMixin, View):
    queryset = Report.objects.all()

    def get(self, request, pk):
        report = get_object_or_404(self.get_restricted_queryset().select_related("region"), pk=pk)
        if report.status != "done" or not report.file:
            raise Http404
        response = FileResponse(report.file.open("rb"), as_attachment=True, filename=filename(report))
        response["Cache-Control"] = "private, no-store"
        return response
