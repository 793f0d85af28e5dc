"""Staff pages of blacklist's documents and of the quarterly publication of major violations
(重大劳动保障违法行为社会公布, Decree 29): the batches with their entry counts and the form that prepares a
quarter's batch, a batch's page (entries, taking one out or adding a case while it is a draft,
review → approval by the office head → publication), its workbook and PDF, and a listing's advance
notice and decision as PDF.

Every page starts from `.restrict(user, ...)`: anonymous users go to the login page, a role
without the permission gets 403, a batch or listing outside the user's scope is 404. Writes go
through blacklist.services only; a ListingConflict (the batch's state does not allow it) becomes an
error message and nothing changes."""
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import pgettext
from django.views.generic import View

from complaints.models import ArrearsCase
from inspections.documents import PdfFontMissing
from wagecase.core.choices import Role
from wagecase.core.models import Region
from wagecase.core.tables import NOWRAP, BaseTable, RegionNameColumn
from wagecase.core.views import generic

from . import documents, excel, services
from .choices import BatchStatus, ListingStatus
from .filtersets import PublicationBatchFilterSet
from .models import Listing, PublicationBatch
from .services import ListingConflict

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BATCH_STATUS_CLASSES = {
    BatchStatus.DRAFT: "secondary",
    BatchStatus.REVIEWED: "info",
    BatchStatus.APPROVED: "primary",
    BatchStatus.PUBLISHED: "success",
}
# A listing has a decision document once it was decided, whatever happened after.
DECIDED_STATUSES = (ListingStatus.LISTED, ListingStatus.REMOVED, ListingStatus.EXPIRED)


def batch_status_badge(batch):
    return format_html('<span class="badge text-bg-{}" data-status="{}">{}</span>',
                       BATCH_STATUS_CLASSES.get(batch.status, "secondary"), batch.status, batch.get_status_display())


def file_response(content, content_type, filename, inline=False):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=not inline, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def render_pdf(render, obj, filename):
    """A document rendered now, inline; without a CJK font a 503 that says what to install."""
    try:
        content = render(obj)
    except PdfFontMissing as exc:
        return HttpResponse(_("The PDF cannot be made: %(reason)s") % {"reason": exc}, status=503,
                            content_type="text/plain; charset=utf-8")
    response = file_response(content, "application/pdf", filename, inline=True)
    response["Cache-Control"] = "private, no-store"
    return response


def last_quarter(today=None):
    """(year, quarter) of the last complete quarter: what an office publishes now."""
    today = today or timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    return (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)


def is_office_head(user):
    return user.is_superuser or user.role in (Role.OFFICE_HEAD, Role.ADMIN)


# --- Forms and table -----------------------------------------------------------------------------

class BatchCreateForm(forms.Form):
    region_code = forms.CharField(label=gettext_lazy("Publishing office (region code)"), max_length=6, min_length=4,
                                  help_text=gettext_lazy("County (6 digits) or city (4 digits) office."))
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2020, max_value=2100)
    quarter = forms.TypedChoiceField(label=gettext_lazy("Quarter"), coerce=int,
                                     choices=[(q, f"Q{q}") for q in range(1, 5)])

    def clean_region_code(self):
        code = self.cleaned_data["region_code"].strip()
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise ValidationError(_("No region has this code."))
        return region


class BatchEntryAddForm(forms.Form):
    case = forms.IntegerField(label=gettext_lazy("Arrears case number"), min_value=1)


class PublicationBatchTable(BaseTable):
    title = tables.Column(linkify=True, attrs={"td": {"class": "wc-col-name"}})
    region = RegionNameColumn(attrs=NOWRAP)
    year = tables.Column(attrs=NOWRAP)
    quarter = tables.Column(attrs=NOWRAP)
    status = tables.Column(attrs=NOWRAP)
    entry_count = tables.Column(verbose_name=gettext_lazy("Entries"), attrs={"td": {"class": "text-end"}})
    published_on = tables.DateColumn(format="Y-m-d", attrs=NOWRAP)

    class Meta(BaseTable.Meta):
        model = PublicationBatch
        fields = ("title", "region", "year", "quarter", "status", "entry_count", "published_on")

    def render_status(self, record):
        return batch_status_badge(record)

    def render_quarter(self, value):
        return f"Q{value}"


# --- Batches ---------------------------------------------------------------------------------------

class BatchPageMixin:
    queryset = PublicationBatch.objects.select_related("region")

    def get_common_context(self):
        context = super().get_common_context()
        context["list_url"] = reverse("blacklist:batch_list")
        return context


class BatchListView(BatchPageMixin, generic.ObjectListView):
    queryset = PublicationBatch.objects.select_related("region").annotate(entry_count=Count("entries"))
    table_class = PublicationBatchTable
    filterset_class = PublicationBatchFilterSet
    template_name = "blacklist/publication/batch_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["add_url"] = None  # the creation form is on the page itself
        if self.has_model_perm("add"):
            year, quarter = last_quarter()
            prefix = user.scope_prefix or ""
            context["create_form"] = BatchCreateForm(initial={
                "region_code": prefix if len(prefix) in (4, 6) else "", "year": year, "quarter": quarter})
        return context


class BatchCreateView(generic.ObjectPermissionRequiredMixin, View):
    """Prepare a quarter's batch with every qualifying case (services.batch_create) and say how many were found."""

    queryset = PublicationBatch.objects.all()
    action = "add"
    http_method_names = ["post"]

    def post(self, request):
        form = BatchCreateForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("blacklist:batch_list")
        try:
            batch = services.batch_create(user=request.user, region=form.cleaned_data["region_code"],
                                          year=form.cleaned_data["year"], quarter=form.cleaned_data["quarter"])
        except ListingConflict as conflict:
            messages.error(request, conflict.detail)
            return redirect("blacklist:batch_list")
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("blacklist:batch_list")
        count = batch.entries.count()
        if count:
            messages.success(request, _("The batch was prepared: %(n)d qualifying cases were found and added.") % {"n": count})
        else:
            messages.warning(request, _("The batch was prepared, but no qualifying case was found for the quarter."))
        return redirect(batch.get_absolute_url())


class BatchDetailView(BatchPageMixin, generic.ObjectDetailView):
    queryset = PublicationBatch.objects.select_related("region", "created_by", "reviewed_by", "approved_by")
    template_name = "blacklist/publication/batch.html"

    def get_extra_context(self):
        batch = self.object
        user = self.request.user
        entries = list(batch.entries.select_related("case"))
        visible_cases = set(ArrearsCase.objects.restrict(user, "view").filter(
            pk__in=[e.case_id for e in entries]).values_list("pk", flat=True))
        may_change = user.has_perm("blacklist.change_publicationbatch") and not user.is_bureau
        draft = batch.status == BatchStatus.DRAFT
        actions = []
        if may_change:
            if draft and entries:
                actions.append(("review", _("Mark as reviewed"), "check2-square", "outline-primary"))
            if batch.status == BatchStatus.REVIEWED and is_office_head(user) and batch.reviewed_by_id != user.pk:
                actions.append(("approve", _("Approve"), "patch-check", "primary"))
            if batch.status == BatchStatus.APPROVED:
                actions.append(("publish", pgettext("publication batch", "Publish"), "megaphone", "success"))
        actions = [(verb, reverse(f"blacklist:batch_{verb}", args=[batch.pk]), label, icon, style)
                   for verb, label, icon, style in actions]
        return {
            "status": batch_status_badge(batch),
            "entries": [(entry, entry.case_id in visible_cases) for entry in entries],
            "editable": may_change and draft,
            "actions": actions,
            "entry_form": BatchEntryAddForm() if may_change and draft else None,
            "office": documents.issuing_office(batch.region)[0],
            "quarter_text": documents.quarter_text(batch),
            "public_url": reverse("public_blacklist:violation", args=[batch.pk])
            if batch.status == BatchStatus.PUBLISHED else None,
            "awaiting_head": batch.status == BatchStatus.REVIEWED and not is_office_head(user),
        }


class BatchActionView(generic.ObjectPermissionRequiredMixin, View):
    """POST: review, approve, publish, or add a case (by its number) to a draft batch."""

    queryset = PublicationBatch.objects.all()
    action = "change"
    http_method_names = ["post"]
    verbs = {
        "review": (services.batch_review, gettext_lazy("The batch is marked as reviewed; the office head approves it next.")),
        "approve": (services.batch_approve, gettext_lazy("The batch is approved and can be published.")),
        "publish": (services.batch_publish, gettext_lazy("The batch is published on the public pages.")),
    }

    def post(self, request, pk, verb):
        batch = get_object_or_404(self.get_restricted_queryset("view"), pk=pk)
        try:
            if verb == "add":
                self.add_case(request, batch)
            elif verb in self.verbs:
                service, done = self.verbs[verb]
                service(batch=batch, user=request.user)
                messages.success(request, done)
            else:
                raise Http404
        except ListingConflict as conflict:
            messages.error(request, conflict.detail)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect(batch.get_absolute_url())

    def add_case(self, request, batch):
        form = BatchEntryAddForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Enter the number of an arrears case."))
        case = (ArrearsCase.objects.restrict(request.user, "view").select_related("enterprise", "project", "region")
                .filter(pk=form.cleaned_data["case"]).first())
        if case is None:
            raise ValidationError(_("No arrears case #%(pk)d in your jurisdiction.") % {"pk": form.cleaned_data["case"]})
        entry = services.batch_entry_add(batch=batch, case=case, user=request.user)
        messages.success(request, _("Case #%(pk)d added: %(name)s.") % {"pk": case.pk, "name": entry.enterprise_name})


class BatchEntryRemoveView(generic.ObjectPermissionRequiredMixin, View):
    queryset = PublicationBatch.objects.all()
    action = "change"
    http_method_names = ["post"]

    def post(self, request, pk, entry):
        batch = get_object_or_404(self.get_restricted_queryset("view"), pk=pk)
        entry = get_object_or_404(batch.entries.all(), pk=entry)
        try:
            services.batch_entry_remove(entry=entry, user=request.user)
        except ListingConflict as conflict:
            messages.error(request, conflict.detail)
        else:
            messages.success(request, _("“%(name)s” was taken out of the batch.") % {"name": entry.enterprise_name})
        return redirect(batch.get_absolute_url())


class BatchXlsxView(generic.ObjectPermissionRequiredMixin, View):
    queryset = PublicationBatch.objects.select_related("region")

    def get(self, request, pk):
        batch = get_object_or_404(self.get_restricted_queryset(), pk=pk)
        response = file_response(excel.publication_xlsx(batch), XLSX, excel.publication_filename(batch, "xlsx"))
        response["Cache-Control"] = "private, no-store"
        return response


class BatchPdfView(generic.ObjectPermissionRequiredMixin, View):
    queryset = PublicationBatch.objects.select_related("region")

    def get(self, request, pk):
        batch = get_object_or_404(self.get_restricted_queryset(), pk=pk)
        return render_pdf(documents.publication_pdf, batch, excel.publication_filename(batch, "pdf"))


# --- A listing's documents --------------------------------------------------------------------------

class ListingNoticePdfView(generic.ObjectPermissionRequiredMixin, View):
    queryset = Listing.objects.select_related("region", "enterprise", "case")

    def get(self, request, pk):
        listing = get_object_or_404(self.get_restricted_queryset(), pk=pk)
        return render_pdf(documents.listing_notice_pdf, listing, f"{listing.notice_number}.pdf".replace("/", "-"))


class ListingDecisionPdfView(generic.ObjectPermissionRequiredMixin, View):
    queryset = Listing.objects.select_related("region", "enterprise", "case").prefetch_related("objections")

    def get(self, request, pk):
        listing = get_object_or_404(self.get_restricted_queryset().filter(status__in=DECIDED_STATUSES)
                                    .exclude(decision_number=""), pk=pk)
        return render_pdf(documents.listing_decision_pdf, listing, f"{listing.decision_number}.pdf".replace("/", "-"))

