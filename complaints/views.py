"""Pages of complaints (clues): the list with its filters and Excel export, the intake form (with
project and employer look-ups and a live duplicate check), a clue's page with its timeline and
the buttons of the workflow, the "my work" queue, the office's attention list, the figures, and
the user's notifications.

Every page starts from `Clue.objects.restrict(user, action)`: anonymous users go to the login
page, a role without the permission gets 403, a clue outside the user's scope is 404 on every
page of it. Writes go through complaints.services only: one generic action view runs a form and
its service per action (ACTIONS); a ClueConflict (wrong state) becomes an error message, a
ValidationError the form's errors, and nothing is saved."""
import datetime
import json
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import pgettext_lazy
from django.views.generic import View

from projects.models import Project
from wagecase.core.choices import Role
from wagecase.core.models import Enterprise, Notification
from wagecase.core.money import yuan
from wagecase.core.pii import can_view_pii, mask, pii_kind, pii_log_access
from wagecase.core.views import generic

from . import services
from .choices import (
    Channel, ClueCategory, ClueEventType, ClueStatus, DeadlineState, TRANSFER_INDUSTRY, TransferOutcome,
)
from .filtersets import ClueFilterSet
from .forms import (
    AcceptForm, ClassifyForm, CloseForm, ClueIntakeForm, ExtensionApproveForm, ExtensionRequestForm, FiguresForm,
    HandOverForm, MergeForm, NoteForm, RejectForm, ResolveForm, RevisitForm, TransferForm, TransferReplyForm,
)
from .models import Clue, ClueDuplicate
from .selectors import clue_figures
from .services import DUPLICATE_REASONS, ClueConflict
from .tables import ClueTable, deadline_badge, status_badge

CLUE_RELATED = ("region", "owner", "project")
TYPEAHEAD_LIMIT = 10


def add_service_errors(form, error):
    """Put a service's ValidationError on the form: on its fields where the form has them."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def reason_labels(reasons):
    """The duplicate reasons' codes as words (DUPLICATE_REASONS, translated at render time)."""
    return [str(DUPLICATE_REASONS[r]) if r in DUPLICATE_REASONS else r for r in reasons or []]


def is_office_head(user):
    return user.is_superuser or user.role == Role.OFFICE_HEAD


# --- Lists -------------------------------------------------------------------------------------

class ClueListView(generic.ObjectListView):
    queryset = Clue.objects.select_related(*CLUE_RELATED)
    table_class = ClueTable
    filterset_class = ClueFilterSet

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["extra_buttons"] = [
            (_("My work"), reverse("complaints:clue_mine"), "person-workspace"),
            (_("Needing attention"), reverse("complaints:clue_attention"), "alarm"),
            (_("Figures"), reverse("complaints:clue_figures"), "bar-chart"),
        ]
        return context


class ClueExportView(generic.ObjectExportView):
    queryset = Clue.objects.all()


class MyClueListView(ClueListView):
    """The user's open clues and those transferred to the user's department, the nearest deadline first."""

    template_name = "complaints/clue_queue.html"
    page_title = gettext_lazy("My work")
    page_intro = gettext_lazy("Open clues you are responsible for, and clues transferred to your department.")

    def get_queryset(self):
        user = self.request.user
        mine = Q(owner=user)
        if user.department_id:
            mine |= Q(status=ClueStatus.TRANSFERRED, transferred_to_id=user.department_id)
        if user.is_bureau:
            # A bureau answers for its industry's departments in its area (the scope limits the area).
            kinds = [kind for kind, industry in TRANSFER_INDUSTRY.items() if industry in (user.industries or [])]
            mine |= Q(status=ClueStatus.TRANSFERRED, transferred_to__kind__in=kinds)
        return super().get_queryset().open().filter(mine).order_by(F("due_on").asc(nulls_last=True), "pk")

    def get_export_url(self):
        return None  # the export follows the filter, not the queue

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"page_title": self.page_title, "page_intro": self.page_intro})
        return context


class AttentionListView(MyClueListView):
    """Everything in its warning period or overdue in the user's scope, overdue first, with the
    counts by county and by officer (each a link filtering the list)."""

    page_title = gettext_lazy("Needing attention")
    page_intro = gettext_lazy("Open clues in their warning period or past their deadline, overdue first.")

    def get_queryset(self):
        today = timezone.localdate()
        qs = ClueListView.get_queryset(self).open().filter(warn_on__lte=today)
        return qs.annotate(
            overdue_first=Case(When(due_on__lt=today, then=Value(0)), default=Value(1), output_field=IntegerField())
        ).order_by("overdue_first", F("due_on").asc(nulls_last=True), "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        base = self.object_list.order_by()
        counts = {"overdue": Count("pk", filter=Q(due_on__lt=today)), "warning": Count("pk", filter=Q(due_on__gte=today))}
        context["by_county"] = list(
            base.values("region_id", "region__name").annotate(**counts).order_by("-overdue", "-warning", "region_id")
        )
        context["by_officer"] = list(
            base.values("owner_id", "owner__full_name", "owner__username").annotate(**counts).order_by("-overdue", "-warning")
        )
        return context


# --- Intake ------------------------------------------------------------------------------------

class ClueAddView(generic.ObjectPermissionRequiredMixin, View):
    """Register a clue (complaints.add_clue). Saving calls services.clue_receive; the user becomes
    the clue's first-responsible officer."""

    queryset = Clue.objects.all()
    action = "add"
    template_name = "complaints/clue_add.html"

    def render_form(self, form, status=200):
        context = self.get_common_context()
        context.update({"form": form, "cancel_url": reverse("complaints:clue_list")})
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        initial = {k: v for k, v in request.GET.items() if k in ClueIntakeForm.base_fields}
        return self.render_form(ClueIntakeForm(user=request.user, initial=initial))

    def post(self, request, *args, **kwargs):
        form = ClueIntakeForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                clue = services.clue_receive(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Clue %(number)s registered.") % {"number": clue.number})
                return redirect(clue.get_absolute_url())
        return self.render_form(form)


class IntakeHelperView(generic.ObjectPermissionRequiredMixin, View):
    """The intake form's helpers (look-ups and duplicate check): for those who may add clues."""

    queryset = Clue.objects.all()
    action = "add"

    def partial(self, template, context):
        response = render(self.request, template, context)
        response["Cache-Control"] = "private, no-store"
        return response


class ProjectTypeaheadView(IntakeHelperView):
    """Projects in the user's scope whose code or name contains what was typed."""

    def get(self, request):
        q = (request.GET.get("project") or request.GET.get("q") or "").strip()
        projects = []
        if q:
            projects = list(
                Project.objects.restrict(request.user, "view").filter(Q(code__icontains=q) | Q(name__icontains=q))
                .select_related("general_contractor", "region").order_by("code")[:TYPEAHEAD_LIMIT]
            )
        rows = [
            {
                "title": p.name, "code": p.code, "detail": f"{p.region.name} · {p.general_contractor.name}",
                "fill": json.dumps({"project": p.code, "region": p.region_id, "employer_name": p.general_contractor.name,
                                    "employer_uscc": p.general_contractor.uscc}, ensure_ascii=False),
            }
            for p in projects
        ]
        return self.partial("complaints/inc/typeahead.html", {"rows": rows, "query": q})


class EmployerTypeaheadView(IntakeHelperView):
    """Enterprises in the user's scope whose name contains, or whose USCC starts with, what was typed."""

    def get(self, request):
        q = (request.GET.get("employer_name") or request.GET.get("q") or "").strip()
        enterprises = []
        if len(q) >= 2:
            enterprises = list(
                Enterprise.objects.restrict(request.user, "view").filter(Q(name__icontains=q) | Q(uscc__istartswith=q))
                .order_by("name")[:TYPEAHEAD_LIMIT]
            )
        rows = [
            {"title": e.name, "code": e.uscc, "detail": "", "fill": json.dumps({"employer_name": e.name, "employer_uscc": e.uscc}, ensure_ascii=False)}
            for e in enterprises
        ]
        return self.partial("complaints/inc/typeahead.html", {"rows": rows, "query": q})


class DuplicateCheckView(IntakeHelperView):
    """Earlier clues in the user's scope that may be about the same arrears as the form being typed
    (POST, so a complainant's phone never travels in a URL). Advice only: the user may still save."""

    http_method_names = ["post"]

    def post(self, request):
        data = request.POST
        user = request.user
        received_at = None
        raw = (data.get("received_at") or "").strip()
        if raw:
            try:
                received_at = ClueIntakeForm.base_fields["received_at"].clean(raw)
            except ValidationError:
                received_at = None
        project_id = None
        code = (data.get("project") or "").strip()
        if code:
            project_id = Project.objects.restrict(user, "view").filter(code=code).values_list("pk", flat=True).first()
        phone = (data.get("complainant_phone") or "").strip().replace(" ", "").replace("-", "")
        candidates = services.duplicate_candidates(
            received_at=received_at, employer_uscc=(data.get("employer_uscc") or "").strip(),
            employer_name=(data.get("employer_name") or "").strip(), project_id=project_id,
            complainant_phone=phone if len(phone) >= 7 else "", region_code=(data.get("region") or "").strip()[:6] or None,
            queryset=Clue.objects.restrict(user, "view"),
        )
        rows = [{"clue": clue, "reasons": reason_labels(reasons), "status": status_badge(clue)} for clue, reasons in candidates]
        return self.partial("complaints/inc/duplicates.html", {"rows": rows})


# --- Detail ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ClueAction:
    """One button of a clue's page: its form, the service it calls and when it is offered."""

    slug: str
    label: str
    icon: str
    form_class: type
    service: Callable
    available: Callable  # (clue) -> bool: the state allows it (the model's can_* checks)
    success: str
    office_only: bool = True  # bureau clients only read and reply to transfers
    head_only: bool = False
    style: str = "outline-primary"

    def allowed_for(self, user):
        if self.office_only and user.is_bureau:
            return False
        if self.head_only and not is_office_head(user):
            return False
        return True


ACTIONS = {
    action.slug: action
    for action in (
        ClueAction("accept", gettext_lazy("Accept"), "check2-circle", AcceptForm, services.clue_accept,
                   lambda c: c.can_accept(), gettext_lazy("The clue was accepted."), style="primary"),
        ClueAction("reject", gettext_lazy("Do not accept"), "x-circle", RejectForm, services.clue_reject,
                   lambda c: c.can_reject(), gettext_lazy("The clue was not accepted and is closed."), style="outline-danger"),
        ClueAction("classify", gettext_lazy("Classify"), "tags", ClassifyForm, services.clue_classify,
                   lambda c: c.can_classify(), gettext_lazy("The clue was classified."), style="primary"),
        ClueAction("transfer", gettext_lazy("Transfer"), "send", TransferForm, services.clue_transfer,
                   lambda c: c.can_transfer(), gettext_lazy("The clue was transferred.")),
        ClueAction("reply", gettext_lazy("Department reply"), "reply", TransferReplyForm, services.clue_transfer_reply,
                   lambda c: c.can_reply_transfer(), gettext_lazy("The department's reply was recorded."), office_only=False,
                   style="primary"),
        ClueAction("resolve", gettext_lazy("Resolve"), "check-square", ResolveForm, services.clue_resolve,
                   lambda c: c.can_resolve(), gettext_lazy("The result was recorded."), style="primary"),
        ClueAction("close", pgettext_lazy("clue action", "Close"), "archive", CloseForm, services.clue_close,
                   lambda c: c.can_close(), gettext_lazy("The clue was closed."), style="primary"),
        ClueAction("hand-over", gettext_lazy("Hand over"), "person-up", HandOverForm, services.clue_hand_over,
                   lambda c: c.can_hand_over(), gettext_lazy("The clue was handed over.")),
        ClueAction("extension-request", gettext_lazy("Request an extension"), "hourglass-split", ExtensionRequestForm,
                   services.clue_extension_request, lambda c: c.can_extend() and c.extension_requested_at is None,
                   gettext_lazy("The extension was requested from the office head.")),
        ClueAction("extension-approve", gettext_lazy("Approve the extension"), "hourglass-top", ExtensionApproveForm,
                   services.clue_extension_approve, lambda c: c.can_extend(), gettext_lazy("The extension was approved."),
                   head_only=True, style="outline-success"),
        ClueAction("revisit", gettext_lazy("Revisit"), "telephone-outbound", RevisitForm, services.clue_revisit,
                   lambda c: c.can_revisit(), gettext_lazy("The revisit was recorded.")),
        ClueAction("merge", gettext_lazy("Merge into another clue"), "union", MergeForm, services.clue_merge,
                   lambda c: c.can_merge(), gettext_lazy("The clue was merged."), style="outline-secondary"),
        ClueAction("note", gettext_lazy("Add a note"), "chat-left-text", NoteForm, services.clue_note,
                   lambda c: True, gettext_lazy("The note was added."), office_only=False, style="outline-secondary"),
    )
}


def available_actions(clue, user):
    """The actions offered on the clue's page to this user (state, role and permission; scope is the caller's)."""
    if not user.has_perm("complaints.change_clue"):
        return []
    return [a for a in ACTIONS.values() if a.allowed_for(user) and a.available(clue)]


YES_NO = {True: gettext_lazy("Yes"), False: gettext_lazy("No")}
EVENT_PARAMETERS = {
    # key: (label, how the value reads)
    "channel": (gettext_lazy("channel"), lambda v: Channel(v).label if v in Channel.values else v),
    "category": (gettext_lazy("category"), lambda v: ClueCategory(v).label if v in ClueCategory.values else v),
    "resolve_due": (gettext_lazy("resolve by"), str),
    "department_name": (gettext_lazy("department"), str),
    "reply_due": (gettext_lazy("department to reply by"), str),
    "outcome": (gettext_lazy("department's outcome"), lambda v: TransferOutcome(v).label if v in TransferOutcome.values else v),
    "workers_paid": (gettext_lazy("workers paid"), str),
    "amount_recovered": (gettext_lazy("amount recovered"), yuan),
    "from_name": (gettext_lazy("from"), str),
    "to_name": (gettext_lazy("to"), str),
    "stage": (gettext_lazy("stage"), lambda v: {"requested": _("requested"), "approved": _("approved")}.get(v, v)),
    "old_due": (gettext_lazy("previous deadline"), str),
    "new_due": (gettext_lazy("new deadline"), str),
    "satisfied": (gettext_lazy("complainant satisfied"), lambda v: YES_NO.get(v, v)),
    "into": (gettext_lazy("merged into"), str),
    "duplicate": (gettext_lazy("duplicate"), str),
    "due_on": (gettext_lazy("due on"), str),
}
# Internal references that say nothing to a reader (ids, idempotency keys).
HIDDEN_PARAMETERS = {"department", "from_user", "to_user", "key"}
EVENT_CLASSES = {
    ClueEventType.REJECTED: "danger", ClueEventType.OVERDUE: "danger", ClueEventType.WARNING: "warning",
    ClueEventType.CLOSED: "dark", ClueEventType.RESOLVED: "success", ClueEventType.TRANSFERRED: "warning",
    ClueEventType.NOTE: "secondary", ClueEventType.MERGED: "secondary", ClueEventType.ABSORBED: "secondary",
}


def event_details(event):
    """[(label, text)] of an event's parameters, readable."""
    rows = []
    for key, value in (event.parameters or {}).items():
        if key in HIDDEN_PARAMETERS or value is None or value == "":
            continue
        label, read = EVENT_PARAMETERS.get(key, (key, str))
        try:
            text = read(value)
        except (TypeError, ValueError):
            text = value
        rows.append((label, str(text)))
    return rows


class ClueDetailView(generic.ObjectDetailView):
    """A clue: its facts, deadlines, timeline, possible duplicates and merged clues, and the
    buttons of the workflow its state allows (each a modal posting to the action view)."""

    queryset = Clue.objects.select_related(
        "region", "owner", "received_by", "project", "employer", "transferred_to", "merged_into",
        "extension_requested_by", "extension_approved_by",
    )
    template_name = "complaints/clue.html"
    slug_field = "number"
    slug_url_kwarg = "number"

    def may(self, action, obj):
        return False  # no generic edit/delete: a clue changes through its actions only

    def personal_data(self, clue):
        """The complainant's phone and ID: full (and the view logged) for core.view_pii, else masked."""
        user = self.request.user
        fields = [f for f in Clue.pii_fields if getattr(clue, f)]
        if can_view_pii(user):
            if fields:
                pii_log_access(user=user, objects_fields=[(clue, f) for f in fields], channel="web")
            return {f: getattr(clue, f) for f in Clue.pii_fields}, True
        return {f: mask(pii_kind(f), getattr(clue, f)) for f in Clue.pii_fields}, False

    def get_extra_context(self):
        clue = self.object
        user = self.request.user
        visible = Clue.objects.restrict(user, "view")
        pii, pii_full = self.personal_data(clue)
        events = [
            {"event": e, "details": event_details(e), "css": EVENT_CLASSES.get(e.type, "primary")}
            for e in clue.events.select_related("user").order_by("created", "pk")
        ]
        duplicates = [
            {"clue": link.candidate, "reasons": reason_labels(link.reasons)}
            for link in ClueDuplicate.objects.filter(clue=clue, candidate__in=visible).select_related("candidate")
        ]
        later = [
            {"clue": link.clue, "reasons": reason_labels(link.reasons)}
            for link in ClueDuplicate.objects.filter(candidate=clue, clue__in=visible).select_related("clue")
        ]
        actions = []
        if Clue.objects.restrict(user, "change").filter(pk=clue.pk).exists():
            actions = [(a, a.form_class(clue=clue, user=user)) for a in available_actions(clue, user)]
        return {
            "pii": pii,
            "pii_full": pii_full,
            "events": events,
            "duplicates": duplicates,
            "later_duplicates": later,
            "merged_into_visible": bool(clue.merged_into_id and visible.filter(pk=clue.merged_into_id).exists()),
            "merged_clues": list(visible.filter(merged_into=clue).order_by("received_at")),
            "actions": actions,
            "deadline": deadline_badge(clue),
            "status": status_badge(clue),
            "deadline_state": clue.deadline_state(),
            "project_visible": bool(clue.project_id and Project.objects.restrict(user, "view").filter(pk=clue.project_id).exists()),
        }


class ClueActionView(generic.ObjectPermissionRequiredMixin, View):
    """`/clues/<number>/<action>/`: one workflow action through its form and service (ACTIONS).

    GET shows the action's form on a page of its own (the clue's page shows the same form in a
    modal); POST runs the service. Needs complaints.change_clue (403) and the clue in the user's
    scope for changes (404); an action the role may not take is 403."""

    queryset = Clue.objects.select_related("region", "owner")
    action = "change"
    template_name = "complaints/clue_action.html"

    def setup_action(self):
        spec = ACTIONS.get(self.kwargs["action"])
        if spec is None:
            raise Http404
        clue = get_object_or_404(self.get_restricted_queryset(), number=self.kwargs["number"])
        if not spec.allowed_for(self.request.user):
            raise PermissionDenied
        return spec, clue

    def render_form(self, spec, clue, form, status=200):
        context = self.get_common_context()
        context.update({"object": clue, "spec": spec, "form": form, "cancel_url": clue.get_absolute_url()})
        return render(self.request, self.template_name, context, status=status)

    def wrong_state(self, clue):
        return _("This cannot be done to a clue in the state “%(state)s”.") % {"state": clue.get_status_display()}

    def get(self, request, *args, **kwargs):
        spec, clue = self.setup_action()
        if not spec.available(clue):
            messages.error(request, self.wrong_state(clue))
            return redirect(clue.get_absolute_url())
        return self.render_form(spec, clue, spec.form_class(clue=clue, user=request.user))

    def post(self, request, *args, **kwargs):
        spec, clue = self.setup_action()
        form = spec.form_class(request.POST, clue=clue, user=request.user)
        if form.is_valid():
            try:
                spec.service(clue=clue, user=request.user, **form.cleaned_data)
            except ClueConflict as conflict:
                messages.error(request, conflict.detail)
                return redirect(clue.get_absolute_url())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, str(spec.success))
                return redirect(clue.get_absolute_url())
        return self.render_form(spec, clue, form)


# --- Figures -----------------------------------------------------------------------------------

class ClueFiguresView(generic.ObjectPermissionRequiredMixin, View):
    """Received, accepted on time, closed, closure rate, overdue, workers paid and amount recovered
    for a region and a period in the user's scope, by channel and by category, each figure a link
    to the clues behind it."""

    queryset = Clue.objects.all()
    template_name = "complaints/figures.html"

    def get(self, request):
        user = request.user
        start, end = FiguresForm.default_period()
        form = FiguresForm(request.GET or None, user=user, initial={"date_from": start, "date_to": end})
        region_code = ""
        if form.is_bound and form.is_valid():
            region_code = form.cleaned_data["region_code"]
            start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        elif form.is_bound:
            start = end = None
        queryset = self.get_restricted_queryset()
        if region_code:
            queryset = queryset.filter(region__code__startswith=region_code)
        figures = None
        if not form.is_bound or form.is_valid():
            figures = clue_figures(queryset, date_from=start, date_to=end)
        base = {"merged": "false"}
        if region_code:
            base["region_code"] = region_code
        if start:
            base["received_after"] = f"{start.isoformat()}T00:00:00"
        if end:
            base["received_before"] = f"{(end + datetime.timedelta(days=1)).isoformat()}T00:00:00"
        list_url = reverse("complaints:clue_list")

        def link(**params):
            return f"{list_url}?{urlencode({**base, **params})}"

        context = self.get_common_context()
        context.update({"form": form, "figures": figures, "date_from": start, "date_to": end, "region_code": region_code})
        if figures is not None:
            channels, categories = dict(Channel.choices), dict(ClueCategory.choices)
            context.update({
                "links": {
                    "received": link(), "closed": link(status=ClueStatus.CLOSED), "overdue": link(deadline=DeadlineState.OVERDUE),
                    "in_warning": link(deadline=DeadlineState.WARNING),
                },
                "by_channel": [
                    {"label": channels.get(code, code), "url": link(channel=code), **row}
                    for code, row in figures["by_channel"].items()
                ],
                "by_category": [
                    {"label": categories.get(code, _("Not yet classified")),
                     "url": link(category=code) if code in categories else None, **row}
                    for code, row in figures["by_category"].items()
                ],
            })
        return render(request, self.template_name, context)


# --- Notifications -----------------------------------------------------------------------------

class NotificationMixin(LoginRequiredMixin):
    permission = "core.view_notification"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class NotificationListView(NotificationMixin, View):
    """The user's notifications, newest first (`?unread=1`: only the unread ones)."""

    per_page = 50

    def get(self, request):
        notifications = Notification.objects.restrict(request.user, "view")
        unread = notifications.filter(read_at__isnull=True).count()
        only_unread = request.GET.get("unread") == "1"
        if only_unread:
            notifications = notifications.filter(read_at__isnull=True)
        page = Paginator(notifications, self.per_page).get_page(request.GET.get("page"))
        return render(request, "complaints/notification_list.html", {
            "page": page, "unread": unread, "only_unread": only_unread,
            "can_change": request.user.has_perm("core.change_notification"),
        })


class NotificationBadgeView(NotificationMixin, View):
    """The unread count of the navbar's bell (fetched by htmx, so pages do not pay a query for it)."""

    def get(self, request):
        unread = Notification.objects.restrict(request.user, "view").filter(read_at__isnull=True).count()
        response = render(request, "complaints/inc/notification_badge.html", {"unread": unread})
        response["Cache-Control"] = "private, no-store"
        return response


def _safe_next(request, url, fallback):
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return fallback


class NotificationReadView(NotificationMixin, View):
    """Mark one notification read (POST); with `open=1`, go on to what it links to."""

    permission = "core.change_notification"
    http_method_names = ["post"]

    def post(self, request, pk):
        notification = get_object_or_404(Notification.objects.restrict(request.user, "change"), pk=pk)
        if notification.read_at is None:
            Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
        fallback = reverse("complaints:notification_list")
        if request.POST.get("open") == "1":
            return redirect(_safe_next(request, notification.url, fallback))
        return redirect(_safe_next(request, request.POST.get("next"), fallback))


class NotificationReadAllView(NotificationMixin, View):
    permission = "core.change_notification"
    http_method_names = ["post"]

    def post(self, request):
        n = Notification.objects.restrict(request.user, "change").filter(read_at__isnull=True).update(read_at=timezone.now())
        if n:
            messages.success(request, _("%(n)d notifications marked as read.") % {"n": n})
        return redirect(_safe_next(request, request.POST.get("next"), reverse("complaints:notification_list")))

