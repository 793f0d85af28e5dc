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


# --- Campaign daily reporting -------------------------------------------------------------------

class DailyBoardView(generic.ObjectPermissionRequiredMixin, View):
    """One campaign's day: per county filed / zero report / missing, with the differences to the
    system's figures, and the form to file the user's county."""

    queryset = Report.objects.none()

    def get_required_permission(self):
        return "reports.view_dailysubmission"

    def _context(self, request, campaign_pk, form=None):
        import datetime

        from django.utils import timezone

        from inspections.models import Campaign

        from .daily import board, reporting_on
        from .forms import DailySubmissionForm

        campaign = get_object_or_404(Campaign.objects.restrict(request.user, "view"), pk=campaign_pk)
        try:
            day = datetime.date.fromisoformat(request.GET.get("day") or request.POST.get("day") or "")
        except ValueError:
            day = timezone.localdate()
        prefix = request.user.scope_prefix or ""
        rows = [row for row in board(campaign, day) if row["region"].code.startswith(prefix)]
        from .models import DailySubmission

        for row in rows:
            row["differences"] = [(DailySubmission._meta.get_field(key).verbose_name, mine, system, diff)
                                  for key, mine, system, diff in row["differences"]]
        own = [row["region"] for row in rows]
        may_file = request.user.has_perm("reports.add_dailysubmission") and not request.user.is_bureau and reporting_on(campaign, day)
        if form is None and may_file and own:
            first = own[0]
            existing = next((row["submission"] for row in rows if row["region"] == first and row["submission"]), None)
            form = DailySubmissionForm(counties=own, initial={"region_code": first.code, "day": day,
                                                             **(existing.figures() if existing else {})})
        return {
            "campaign": campaign, "day": day, "rows": rows, "form": form if may_file else None,
            "reporting_on": reporting_on(campaign, day), "previous_day": day - datetime.timedelta(days=1),
            "next_day": day + datetime.timedelta(days=1),
            "missing": sum(1 for row in rows if row["submission"] is None),
        }

    def get(self, request, campaign_pk):
        from django.shortcuts import render

        return render(request, "reports/daily_board.html", self._context(request, campaign_pk))

    def post(self, request, campaign_pk):
        from django.shortcuts import render

        from .daily import daily_submit
        from .forms import DailySubmissionForm

        context = self._context(request, campaign_pk)
        counties = [row["region"] for row in context["rows"]]
        form = DailySubmissionForm(request.POST, counties=counties)
        if form.is_valid():
            data = dict(form.cleaned_data)
            region = next(c for c in counties if c.code == data.pop("region_code"))
            day = data.pop("day")
            try:
                daily_submit(campaign=context["campaign"], region=region, day=day, user=request.user, **data)
            except ValidationError as error:
                for field, errors_ in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors_)
            except (PermissionDenied, Region.DoesNotExist):
                raise Http404
            else:
                messages.success(request, _("The daily report of %(county)s is filed.") % {"county": region.name})
                return redirect(f"{request.path}?day={day:%Y-%m-%d}")
        context["form"] = form
        return render(request, "reports/daily_board.html", context, status=400)
