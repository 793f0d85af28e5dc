"""Staff pages of credit punishment (失信联合惩戒, MOHRSS Decree 45): the list of listings with its
filters, a listing's page (facts, criteria, the objection window's countdown, objections and their
review, timeline, change history, the actions its state allows), proposing a subject from an arrears
case, one page per action (objection, review, decision, early removal, note); the labour-compliance
ratings with their reasons and the office head's adjustment; the pushes to the credit-information
platform with a scoped download of their files.

Every page starts from `.restrict(user, action)`: anonymous users go to the login page, a role
without the permission gets 403, a record outside the user's scope is 404 on every page of it;
bureau users only read. Writes go through blacklist.services only: a ListingConflict (the state does
not allow it) re-renders the form with its reason (409) and nothing changes, a ValidationError puts
the messages on the form's fields."""
import datetime
from dataclasses import dataclass
from typing import Callable

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from complaints.choices import CaseStatus
from complaints.models import ArrearsCase, Incident
from complaints.views import add_service_errors
from wagecase.core.choices import Role
from wagecase.core.models import Enterprise, ObjectChange
from wagecase.core.pii import can_view_pii, pii_log_access
from wagecase.core.views import generic
from wagecase.core.workdays import is_working_day, working_days_between

from . import services
from .choices import Basis, ListingEventType, ListingStatus, ObjectionOutcome, RemovalReason, SubjectType
from .filtersets import CreditExportFilterSet, EnterpriseRatingFilterSet, ListingFilterSet
from .forms import (
    ListingDecideForm, ListingNoteForm, ListingProposeForm, ListingRemoveForm, ObjectionForm, ObjectionReviewForm,
    RatingAdjustForm,
)
from .models import CreditExport, EnterpriseRating, Listing
from .services import ListingConflict
from .tables import CreditExportTable, EnterpriseRatingTable, ListingTable, listing_identifier, listing_status_badge, rating_badge

LISTING_RELATED = ("region", "enterprise")
HISTORY_LIMIT = 50


def safe_reverse(name, *args):
    """A URL of a page another part of the app provides (None until it exists)."""
    try:
        return reverse(name, args=args or None)
    except NoReverseMatch:
        return None


def is_head(user):
    return user.is_superuser or user.role in (Role.OFFICE_HEAD, Role.ADMIN)


def may_change_listing(user, listing):
    """The enforcing labour office decides (谁执法谁认定): bureau clients only read."""
    if user.is_bureau or not user.has_perm("blacklist.change_listing"):
        return False
    return Listing.objects.restrict(user, "change").filter(pk=listing.pk).exists()


def may_add_listing(user):
    return not user.is_bureau and user.has_perm("blacklist.add_listing")


def working_days_left(due, today):
    """Working days from today (counted when it is one) to `due` inclusive; 0 once it has passed."""
    if today > due:
        return 0
    return working_days_between(today, due) + (1 if is_working_day(today) else 0)


class CrossLinksMixin:
    """The buttons that join the blacklist's pages (listings, publications, ratings, exports)."""

    def cross_links(self, here):
        user = self.request.user
        links = [
            ("listings", _("Listings"), "blacklist:listing_list", "blacklist.view_listing", "slash-circle"),
            ("batches", _("Publications"), "blacklist:batch_list", "blacklist.view_publicationbatch", "megaphone"),
            ("ratings", _("Ratings"), "blacklist:rating_list", "blacklist.view_enterpriserating", "award"),
            ("exports", _("Credit-platform exports"), "blacklist:export_list", "blacklist.view_creditexport", "cloud-upload"),
        ]
        buttons = []
        for key, label, name, perm, icon in links:
            url = safe_reverse(name)
            if key != here and url and user.has_perm(perm):
                buttons.append((label, url, icon))
        return buttons


# =================================================================================================
# Listings
# =================================================================================================

class ListingListView(CrossLinksMixin, generic.ObjectListView):
    queryset = Listing.objects.select_related(*LISTING_RELATED)
    table_class = ListingTable
    filterset_class = ListingFilterSet

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["extra_buttons"] = self.cross_links("listings")
        return context


@dataclass(frozen=True)
class ListingAction:
    """One action of a listing's page: its form, the service it calls, when it is offered and,
    when offered but not possible today, why (the button is then disabled with the reason)."""

    slug: str
    label: str
    icon: str
    form_class: type
    service: Callable  # (listing, user, **cleaned_data)
    shown: Callable  # (listing) -> bool: the state makes the action relevant
    success: str
    blocker: Callable = lambda listing, today: None  # -> None or the reason it cannot be done today
    style: str = "outline-primary"


def decide_blocker(listing, today):
    if today <= listing.objection_due:
        return _("Objections may be made until %(day)s (%(n)s working days left): decide from %(next)s.") % {
            "day": listing.objection_due.isoformat(), "n": working_days_left(listing.objection_due, today),
            "next": (listing.objection_due + datetime.timedelta(days=1)).isoformat()}
    if any(o.outcome == ObjectionOutcome.PENDING for o in listing.objections.all()):
        return _("Review the objection before deciding.")
    return None


def remove_blocker(listing, today):
    case = listing.case
    if case.status != CaseStatus.CLEARED or not case.cleared_on:
        return _("The arrears of the case are not cleared: credit repair needs them paid.")
    earliest = listing.repair_possible_from()
    if today < earliest:
        return _("The case was cleared on %(cleared)s: early removal is possible from %(day)s (6 months later).") % {
            "cleared": case.cleared_on.isoformat(), "day": earliest.isoformat()}
    return None


def _review(listing, user, objection, **data):
    return services.objection_review(objection=objection, user=user, **data)


def _remove(listing, user, **data):
    return services.listing_remove(listing=listing, user=user, reason=RemovalReason.CREDIT_REPAIR, **data)


LISTING_ACTIONS = {
    action.slug: action
    for action in (
        ListingAction("objection", gettext_lazy("Record an objection"), "chat-square-quote", ObjectionForm,
                      lambda listing, user, **d: services.listing_object(listing=listing, user=user, **d),
                      lambda l: l.status == ListingStatus.NOTIFIED, gettext_lazy("The objection was recorded.")),
        ListingAction("review", gettext_lazy("Review the objection"), "clipboard-check", ObjectionReviewForm, _review,
                      lambda l: l.status == ListingStatus.NOTIFIED
                      and any(o.outcome == ObjectionOutcome.PENDING for o in l.objections.all()),
                      gettext_lazy("The objection was reviewed."), style="primary"),
        ListingAction("decide", gettext_lazy("Decide the listing"), "hammer", ListingDecideForm,
                      lambda listing, user, **d: services.listing_decide(listing=listing, user=user, **d),
                      lambda l: l.status == ListingStatus.NOTIFIED, gettext_lazy("The listing was decided and published."),
                      blocker=decide_blocker, style="danger"),
        ListingAction("remove", gettext_lazy("Remove (credit repair)"), "arrow-counterclockwise", ListingRemoveForm, _remove,
                      lambda l: l.status == ListingStatus.LISTED, gettext_lazy("The listing was removed after credit repair."),
                      blocker=remove_blocker, style="outline-success"),
        ListingAction("note", gettext_lazy("Add a note"), "chat-left-text", ListingNoteForm,
                      lambda listing, user, **d: services.listing_note(listing=listing, user=user, **d),
                      lambda l: True, gettext_lazy("The note was added."), style="outline-secondary"),
    )
}

EVENT_CLASSES = {
    ListingEventType.LISTED: "danger", ListingEventType.PUBLISHED: "danger", ListingEventType.OBJECTION: "warning",
    ListingEventType.REVIEWED: "warning", ListingEventType.WITHDRAWN: "success", ListingEventType.REMOVED: "success",
    ListingEventType.EXPIRED: "secondary", ListingEventType.NOTE: "secondary",
}
EVENT_PARAMETERS = {
    "notice": gettext_lazy("notice number"),
    "notified_on": gettext_lazy("notice served on"),
    "objection_due": gettext_lazy("objections until"),
    "received_on": gettext_lazy("received on"),
    "decision": gettext_lazy("decision number"),
    "listed_on": gettext_lazy("listed on"),
    "expires_on": gettext_lazy("expires on"),
    "published_on": gettext_lazy("published on"),
    "removed_on": gettext_lazy("removed on"),
}


def event_details(event):
    params = event.parameters or {}
    rows = [(label, params[key]) for key, label in EVENT_PARAMETERS.items() if params.get(key)]
    if params.get("outcome") in ObjectionOutcome.values:
        rows.append((gettext_lazy("review outcome"), ObjectionOutcome(params["outcome"]).label))
    if params.get("export"):
        rows.append((gettext_lazy("export"), f"#{params['export']}"))
    return rows


class ListingDetailView(generic.ObjectDetailView):
    """A listing: subject, case and criteria, the dates with the objection window's countdown,
    objections and their review, the timeline, documents, and the actions its state allows."""

    queryset = Listing.objects.select_related("region", "enterprise", "case", "case__project", "incident",
                                              "proposed_by", "decided_by")
    template_name = "blacklist/listing.html"

    def get_extra_context(self):
        listing = self.object
        user = self.request.user
        today = timezone.localdate()
        case = listing.case
        objections = list(listing.objections.select_related("reviewed_by"))
        listing._prefetched_objects_cache = {"objections": objections}  # the actions' checks read them
        actions = []
        if may_change_listing(user, listing):
            for spec in LISTING_ACTIONS.values():
                if spec.shown(listing):
                    actions.append({"spec": spec, "blocker": spec.blocker(listing, today)})
        window_open = listing.objection_open(today)
        case_visible = ArrearsCase.objects.restrict(user, "view").filter(pk=case.pk).exists()
        return {
            "today": today,
            "status": listing_status_badge(listing, today),
            "identifier": listing_identifier(listing),
            "window_open": window_open,
            "working_days_left": working_days_left(listing.objection_due, today) if window_open else 0,
            "objections": objections,
            "events": [{"event": e, "details": event_details(e), "css": EVENT_CLASSES.get(e.type, "primary")}
                       for e in listing.events.select_related("user")],
            "actions": actions,
            "case_visible": case_visible,
            "order_ignored": case.order_ignored(today) if case.order_issued_on else False,
            "threshold_met": case.criminal_threshold_met(),
            "incident_visible": bool(listing.incident_id and Incident.objects.restrict(user, "view")
                                     .filter(pk=listing.incident_id).exists()),
            "repair_from": listing.repair_possible_from() if listing.status == ListingStatus.LISTED else None,
            "notice_pdf_url": safe_reverse("blacklist:listing_notice_pdf", listing.pk),
            "decision_pdf_url": safe_reverse("blacklist:listing_decision_pdf", listing.pk) if listing.decision_number else None,
            "is_enterprise": listing.subject_type == SubjectType.ENTERPRISE,
        }


class ListingActionView(generic.ObjectPermissionRequiredMixin, View):
    """`/blacklist/<pk>/<action>/`: one action through its form and service (LISTING_ACTIONS). GET
    shows the form; POST runs the service. Out of scope → 404; bureau users → 403."""

    queryset = Listing.objects.select_related(*LISTING_RELATED, "case")
    action = "change"
    template_name = "blacklist/listing_action.html"

    def setup_action(self):
        spec = LISTING_ACTIONS.get(self.kwargs["action"])
        if spec is None:
            raise Http404
        listing = get_object_or_404(self.get_restricted_queryset(), pk=self.kwargs["pk"])
        if self.request.user.is_bureau:
            raise PermissionDenied
        return spec, listing

    def render_form(self, spec, listing, form, status=200):
        context = self.get_common_context()
        context.update({"object": listing, "spec": spec, "form": form, "cancel_url": listing.get_absolute_url(),
                        "status": listing_status_badge(listing)})
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        spec, listing = self.setup_action()
        if not spec.shown(listing):
            messages.error(request, _("This cannot be done to the listing in its present state."))
            return redirect(listing.get_absolute_url())
        blocker = spec.blocker(listing, timezone.localdate())
        if blocker:
            messages.error(request, blocker)
            return redirect(listing.get_absolute_url())
        return self.render_form(spec, listing, spec.form_class(listing=listing, user=request.user))

    def post(self, request, *args, **kwargs):
        spec, listing = self.setup_action()
        form = spec.form_class(request.POST, listing=listing, user=request.user)
        if form.is_valid():
            try:
                spec.service(listing, request.user, **form.cleaned_data)
            except ListingConflict as conflict:
                # Nothing was changed: say why, with the form as it was filled in.
                messages.error(request, conflict.detail)
                return self.render_form(spec, listing, form, status=409)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, str(spec.success))
                return redirect(listing.get_absolute_url())
        return self.render_form(spec, listing, form)


class ListingProposeView(generic.ObjectPermissionRequiredMixin, View):
    """Propose a subject of an arrears case for the list (`?case=<id>`): the enterprise, its legal
    representative, or a directly responsible person. The criteria are checked by the service; when
    they do not hold, the reason is shown and nothing is saved."""

    queryset = Listing.objects.all()
    action = "add"
    template_name = "blacklist/listing_propose.html"

    def get_case(self, pk):
        if self.request.user.is_bureau:
            raise PermissionDenied
        try:
            pk = int(pk or 0)
        except (TypeError, ValueError):
            raise Http404
        if not pk:
            return None
        return get_object_or_404(ArrearsCase.objects.restrict(self.request.user, "view")
                                 .select_related("enterprise", "region", "project"), pk=pk)

    def incidents(self, case):
        return list(Incident.objects.restrict(self.request.user, "view").filter(case=case).order_by("occurred_at", "pk"))

    def criteria(self, case):
        """Whether each basis holds today, with the reason when not (read only)."""
        today = timezone.localdate()
        rows = []
        for basis in Basis:
            try:
                services.check_criteria(case, basis, as_of=today)
            except ListingConflict as conflict:
                rows.append((basis.label, False, conflict.detail))
            else:
                rows.append((basis.label, True, ""))
        return rows

    def render_form(self, case, form, status=200):
        context = self.get_common_context()
        context.update({"case": case, "form": form, "status_code": status,
                        "cancel_url": case.get_absolute_url() if case else reverse("blacklist:listing_list")})
        if case is not None:
            context.update({
                "criteria": self.criteria(case),
                "existing": list(Listing.objects.restrict(self.request.user, "view").filter(case=case)
                                 .order_by("notified_on", "pk")),
            })
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        case = self.get_case(request.GET.get("case"))
        form = None
        if case is not None:
            form = ListingProposeForm(case=case, user=request.user, incidents=self.incidents(case),
                                      initial={"facts": services.case_facts(case)})
        return self.render_form(case, form)

    def post(self, request):
        case = self.get_case(request.POST.get("case"))
        if case is None:
            raise Http404
        incidents = self.incidents(case)
        form = ListingProposeForm(request.POST, case=case, user=request.user, incidents=incidents)
        if form.is_valid():
            fields = form.service_fields()
            chosen = form.cleaned_data.get("incident")
            if fields["basis"] == Basis.INCIDENT and chosen:
                fields["incident"] = next((i for i in incidents if i.pk == chosen), None)
            try:
                with transaction.atomic():
                    listing = services.listing_propose(case=case, user=request.user, **fields)
                    if not Listing.objects.restrict(request.user, "view").filter(pk=listing.pk).exists():
                        raise ValidationError(_("This record would lie outside your jurisdiction; it was not saved."))
            except ListingConflict as conflict:
                messages.error(request, conflict.detail)
                return self.render_form(case, form, status=409)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("%(name)s was proposed for the list: advance notice %(notice)s served on "
                                            "%(day)s, objections until %(due)s.") % {
                    "name": listing.name, "notice": listing.notice_number, "day": listing.notified_on.isoformat(),
                    "due": listing.objection_due.isoformat()})
                return redirect(listing.get_absolute_url())
        return self.render_form(case, form)


# =================================================================================================
# Ratings
# =================================================================================================

class RatingListView(CrossLinksMixin, generic.ObjectListView):
    """Enterprises with their rating: the one in force, the computed one and the adjustment."""

    queryset = EnterpriseRating.objects.select_related("enterprise", "enterprise__region").order_by(
        "enterprise__name", "pk")
    table_class = EnterpriseRatingTable
    filterset_class = EnterpriseRatingFilterSet

    def get_common_context(self):
        context = super().get_common_context()
        context["list_url"] = reverse("blacklist:rating_list")
        return context

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["extra_buttons"] = self.cross_links("ratings")
        return context


def change_history(obj, limit=HISTORY_LIMIT):
    """The change log of one record, newest first, as (change, rows) pairs for generic/inc/history.html."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    changes = ObjectChange.objects.filter(changed_object_type=content_type, changed_object_id=str(obj.pk)).select_related(
        "changed_object_type").order_by("-time", "-pk")[:limit]
    return [(change, generic.change_rows(change, type(obj))) for change in changes]


class RatingDetailView(generic.ObjectPermissionRequiredMixin, View):
    """`/blacklist/ratings/<enterprise_pk>/`: the enterprise's rating with its reasons, the documented
    rules, its listings, the history of the rating, and (office head) the adjustment form."""

    queryset = EnterpriseRating.objects.all()
    template_name = "blacklist/rating.html"

    def get_enterprise(self, enterprise_pk):
        return get_object_or_404(Enterprise.objects.restrict(self.request.user, "view").select_related("region"),
                                 pk=enterprise_pk)

    def may_adjust(self):
        user = self.request.user
        return not user.is_bureau and is_head(user) and user.has_perm("blacklist.change_enterpriserating")

    def render_page(self, enterprise, form=None, status=200):
        user = self.request.user
        rating = (EnterpriseRating.objects.restrict(user, "view").filter(enterprise=enterprise)
                  .select_related("adjusted_by").first())
        preview = None
        if rating is None:
            # Not rated yet: what the rules give today, without storing it (a page view changes nothing).
            computed, reasons = services.rating_reasons(enterprise)
            preview = {"computed": computed, "reasons": [str(r) for r in reasons]}
        if form is None and self.may_adjust():
            form = RatingAdjustForm(initial={"rating": rating.adjusted if rating else ""})
        context = self.get_common_context()
        context.update({
            "object": enterprise,
            "enterprise": enterprise,
            "rating": rating,
            "preview": preview,
            "badge": rating_badge(rating.rating if rating else preview["computed"]),
            "rules": services.RATING_RULES,
            "form": form if self.may_adjust() else None,
            "listings": list(Listing.objects.restrict(user, "view").filter(enterprise=enterprise)
                             .order_by("-notified_on", "-pk")[:20]),
            "changes": change_history(rating) if rating is not None else [],
            "list_url": reverse("blacklist:rating_list"),
            "enterprise_visible": user.has_perm("core.view_enterprise"),
        })
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, enterprise_pk):
        return self.render_page(self.get_enterprise(enterprise_pk))

    def post(self, request, enterprise_pk):
        enterprise = self.get_enterprise(enterprise_pk)
        if not self.may_adjust():
            raise PermissionDenied
        form = RatingAdjustForm(request.POST)
        if form.is_valid():
            try:
                services.rating_adjust(enterprise=enterprise, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The rating was adjusted.") if form.cleaned_data["rating"]
                                 else _("The rating returned to the computed one."))
                return redirect("blacklist:rating_detail", enterprise_pk=enterprise.pk)
        return self.render_page(enterprise, form)


# =================================================================================================
# Pushes to the credit-information platform
# =================================================================================================

def may_create_export(user):
    return not user.is_bureau and user.has_perm("blacklist.add_creditexport") and user.has_perm("blacklist.change_listing")


class CreditExportListView(CrossLinksMixin, generic.ObjectListView):
    """The office's pushes; POST creates the next one (what changed since the last push)."""

    queryset = CreditExport.objects.select_related("region", "created_by")
    table_class = CreditExportTable
    filterset_class = CreditExportFilterSet
    template_name = "blacklist/export_list.html"

    def get_common_context(self):
        context = super().get_common_context()
        context["list_url"] = reverse("blacklist:export_list")
        return context

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update({
            "extra_buttons": self.cross_links("exports"),
            "may_create": may_create_export(user),
            "needs_pii": not can_view_pii(user),
        })
        return context

    def post(self, request, *args, **kwargs):
        if not may_create_export(request.user):
            raise PermissionDenied
        try:
            export = services.credit_export_create(user=request.user)
        except ListingConflict as conflict:
            messages.info(request, conflict.detail)
        except PermissionDenied as denied:
            messages.error(request, str(denied) or _("You may not do this."))
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, _("The export with %(n)s entries was created.") % {"n": export.entry_count})
            return redirect(export.get_absolute_url())
        return redirect("blacklist:export_list")


class CreditExportDetailView(generic.ObjectDetailView):
    queryset = CreditExport.objects.select_related("region", "created_by")
    template_name = "blacklist/export.html"

    def get_common_context(self):
        context = super().get_common_context()
        context["list_url"] = reverse("blacklist:export_list")
        return context

    def get_extra_context(self):
        entries = list(self.object.entries.select_related("listing", "listing__enterprise").order_by("pk"))
        listing_ids = set(Listing.objects.restrict(self.request.user, "view")
                          .filter(pk__in=[e.listing_id for e in entries]).values_list("pk", flat=True))
        return {
            "entries": [{"entry": e, "identifier": listing_identifier(e.listing), "visible": e.listing_id in listing_ids}
                        for e in entries],
            "download_url": reverse("blacklist:export_download", args=[self.object.pk]),
            "may_download": can_view_pii(self.request.user),
        }


class CreditExportDownloadView(generic.ObjectPermissionRequiredMixin, View):
    """The export's JSON file, through the scope (never a raw media URL). It carries full ID numbers:
    only for the personal-data permission, and each download is recorded."""

    queryset = CreditExport.objects.all()

    def get(self, request, pk):
        export = get_object_or_404(self.get_restricted_queryset(), pk=pk)
        if not can_view_pii(request.user):
            raise PermissionDenied
        persons = [(entry.listing, "id_number") for entry in export.entries.select_related("listing")
                   if entry.listing.id_number]
        if persons:
            pii_log_access(user=request.user, objects_fields=persons, channel="export")
        try:
            handle = export.file.open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404
        name = export.file.name.rsplit("/", 1)[-1]
        response = FileResponse(handle, as_attachment=True, filename=name, content_type="application/json")
        response["Cache-Control"] = "private, no-store"
        return response
