"""Pages of arrears cases (欠薪案件/问题台账) and emergency incidents (突发事件): the case list with
its filters and Excel export, the key-monitoring list, opening a case (directly or from a clue,
with optional per-worker rows), editing its five haves and supervision, the case's page with its
payments, order to pay, extra compensation, criminal referral, incidents and timeline, the two
clear-to-zero tracker, and the incident list, report form and page.

Every page starts from `.restrict(user, action)`: anonymous users go to the login page, a role
without the permission gets 403, a record outside the user's scope is 404 on every page of it.
Writes go through complaints.services only; a CaseConflict (the case's state does not allow it)
becomes an error message and nothing changes, a ValidationError the form's errors."""
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from projects.models import Project
from wagecase.core.money import amount_text, yuan
from wagecase.core.policy import get_policy
from wagecase.core.views import generic

from . import services
from .case_filtersets import ArrearsCaseFilterSet, IncidentFilterSet
from .case_tables import ArrearsCaseTable, IncidentTable, case_status_badge, days_left_badge, supervision_badge
from .choices import CaseEventType, CaseStatus, ClueCategory, PaymentSource, ReferralStatus
from .forms.cases import (
    ArrearsCaseEditForm, ArrearsCaseForm, CaseNoteForm, CaseWorkerFormSet, CompensationForm, IncidentForm,
    IncidentUpdateForm, OrderForm, PaymentForm, ReferralForm, ReferralUpdateForm, ZeroClearanceForm,
)
from .models import ArrearsCase, CasePayment, Clue, CriminalReferral, Incident
from .services import CaseConflict
from .views import add_service_errors

CASE_RELATED = ("region", "enterprise", "project")
OPEN_LIST_LIMIT = 50


# --- Lists -------------------------------------------------------------------------------------

class ArrearsCaseListView(generic.ObjectListView):
    queryset = ArrearsCase.objects.select_related(*CASE_RELATED)
    table_class = ArrearsCaseTable
    filterset_class = ArrearsCaseFilterSet

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["extra_buttons"] = [
            (_("Key monitoring"), reverse("complaints:arrearscase_key_monitoring"), "binoculars"),
            (_("Two clear-to-zero"), reverse("complaints:zero_clearance"), "hourglass-split"),
            (_("Incidents"), reverse("complaints:incident_list"), "exclamation-octagon"),
        ]
        return context


class ArrearsCaseExportView(generic.ObjectExportView):
    queryset = ArrearsCase.objects.all()


class KeyMonitoringListView(ArrearsCaseListView):
    """Open cases on the key monitoring list (≥ ¥1,000,000 or ≥ 30 workers), the biggest outstanding first."""

    template_name = "complaints/cases/case_queue.html"
    page_title = gettext_lazy("Key monitoring list")
    page_intro = gettext_lazy("Open arrears cases of ¥1,000,000 or more, or of 30 workers or more, the largest amount outstanding first.")

    def get_queryset(self):
        return (super().get_queryset().open().filter(key_monitoring=True)
                .order_by((F("amount_owed") - F("amount_paid")).desc(), "-workers_owed", "pk"))

    def get_export_url(self):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"page_title": self.page_title, "page_intro": self.page_intro,
                        "full_list_url": reverse("complaints:arrearscase_list") + "?status=open&key_monitoring=true"})
        return context


# --- Opening and editing a case ----------------------------------------------------------------

class ArrearsCaseAddView(generic.ObjectPermissionRequiredMixin, View):
    """Open a case (complaints.add_arrearscase): directly, or from a wage-arrears clue with
    `?clue=<number>` (the form comes filled with the clue's data and services.case_open_from_clue
    carries the link)."""

    queryset = ArrearsCase.objects.all()
    action = "add"
    template_name = "complaints/cases/case_add.html"

    def get_clue(self, number):
        number = (number or "").strip()
        if not number:
            return None
        return get_object_or_404(Clue.objects.restrict(self.request.user, "view").select_related("project", "employer", "region"),
                                 number=number)

    def get_inspection(self, pk):
        from inspections.models import Inspection

        try:
            pk = int(pk or 0)
        except (TypeError, ValueError):
            raise Http404
        if not pk:
            return None
        return get_object_or_404(Inspection.objects.restrict(self.request.user, "view").select_related(
            "project__general_contractor", "project__region"), pk=pk)

    @staticmethod
    def inspection_initial(inspection):
        """An inspection that found arrears: its project, county, general contractor, date and findings."""
        project = inspection.project
        return {
            "inspection": inspection.pk,
            "region": project.region_id,
            "project": project.code,
            "employer_name": project.general_contractor.name,
            "employer_uscc": project.general_contractor.uscc,
            "occurred_on": inspection.inspected_on,
            "description": inspection.findings,
        }

    @staticmethod
    def clue_initial(clue):
        employer = clue.employer
        return {
            "clue": clue.number,
            "region": clue.region_id,
            "project": clue.project.code if clue.project_id else "",
            "employer_name": employer.name if employer is not None else clue.employer_name,
            "employer_uscc": employer.uscc if employer is not None else clue.employer_uscc,
            "occurred_on": timezone.localtime(clue.received_at).date(),
            "workers_owed": clue.workers_involved,
            "amount_owed": clue.amount_claimed,
            "description": clue.description,
        }

    def render_form(self, form, formset, clue=None):
        context = self.get_common_context()
        context.update({"form": form, "formset": formset, "clue": clue,
                        "cancel_url": clue.get_absolute_url() if clue else reverse("complaints:arrearscase_list")})
        return render(self.request, self.template_name, context)

    def get(self, request, *args, **kwargs):
        clue = self.get_clue(request.GET.get("clue"))
        initial = self.clue_initial(clue) if clue is not None else {}
        inspection = self.get_inspection(request.GET.get("inspection")) if clue is None else None
        if inspection is not None:
            initial = self.inspection_initial(inspection)
        if clue is not None and clue.category not in (None, ClueCategory.WAGE_ARREARS):
            messages.warning(request, _("Only a wage-arrears clue opens an arrears case."))
        form = ArrearsCaseForm(user=request.user, clue=clue, initial=initial)
        return self.render_form(form, CaseWorkerFormSet(prefix="workers"), clue)

    def post(self, request, *args, **kwargs):
        clue = self.get_clue(request.POST.get("clue"))
        form = ArrearsCaseForm(request.POST, user=request.user, clue=clue)
        formset = CaseWorkerFormSet(request.POST, prefix="workers")
        if form.is_valid() and formset.is_valid():
            fields = form.service_fields()
            rows = [row for row in (f.row() for f in formset.forms) if row is not None]
            fields["workers"] = self.link_roster(rows, fields.get("project"))
            fields["source_inspection"] = self.get_inspection(form.cleaned_data.get("inspection"))
            try:
                with transaction.atomic():
                    enterprise = self.enterprise(form, clue, fields)
                    if clue is not None:
                        case = services.case_open_from_clue(clue=clue, user=request.user, enterprise=enterprise, **fields)
                    else:
                        case = services.case_open(user=request.user, enterprise=enterprise, **fields)
                    if not ArrearsCase.objects.restrict(request.user, "view").filter(pk=case.pk).exists():
                        raise ValidationError(_("This record would lie outside your jurisdiction; it was not saved."))
            except CaseConflict as conflict:
                messages.error(request, conflict.detail)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    # The enterprise's own fields are this form's employer_* fields.
                    renamed = {"name": "employer_name", "uscc": "employer_uscc", "enterprise": "employer_uscc"}
                    error = ValidationError({renamed.get(k, k): v for k, v in error.error_dict.items()})
                add_service_errors(form, error)
            else:
                messages.success(request, _("Arrears case %(pk)s opened.") % {"pk": case.pk})
                return redirect(case.get_absolute_url())
        return self.render_form(form, formset, clue)

    def enterprise(self, form, clue, fields):
        """The enterprise named by USCC (registered if new); None → the clue's employer (the service decides)."""
        from projects.services import enterprise_get_or_create

        uscc = form.cleaned_data.get("employer_uscc")
        if not uscc:
            return None
        region = fields.get("region") or (clue.region if clue is not None else None)
        return enterprise_get_or_create(uscc=uscc, name=(form.cleaned_data.get("employer_name") or "").strip(),
                                        region_code=region.pk if region is not None else None)

    @staticmethod
    def link_roster(rows, project):
        """Rows whose ID number is on the project's roster point at that worker."""
        if not rows or project is None:
            return rows
        from projects.models import Employment

        ids = [r["id_number"].upper() for r in rows if r["id_number"]]
        roster = {e.worker.id_number: e.worker for e in
                  Employment.objects.filter(project=project, worker__id_number__in=ids).select_related("worker")}
        for row in rows:
            worker = roster.get(row["id_number"].upper()) if row["id_number"] else None
            if worker is not None:
                row["worker"] = worker
        return rows


class ArrearsCaseEditView(generic.ObjectPermissionRequiredMixin, View):
    """The five haves, supervision level, leader in charge and facts (services.case_update)."""

    queryset = ArrearsCase.objects.select_related(*CASE_RELATED)
    action = "change"
    template_name = "complaints/cases/case_edit.html"

    def render_form(self, case, form):
        context = self.get_common_context()
        context.update({"object": case, "form": form, "cancel_url": case.get_absolute_url()})
        return render(self.request, self.template_name, context)

    def get(self, request, pk):
        case = get_object_or_404(self.get_restricted_queryset(), pk=pk)
        return self.render_form(case, ArrearsCaseEditForm(instance=case, user=request.user))

    def post(self, request, pk):
        case = get_object_or_404(self.get_restricted_queryset(), pk=pk)
        form = ArrearsCaseEditForm(request.POST, instance=case, user=request.user)
        if form.is_valid():
            changes = form.changed_fields()
            if not changes:
                messages.info(request, _("Nothing was changed."))
                return redirect(case.get_absolute_url())
            try:
                services.case_update(case=case, user=request.user, comment=form.cleaned_data.get("comment", ""), **changes)
            except CaseConflict as conflict:
                messages.error(request, conflict.detail)
                return redirect(case.get_absolute_url())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The case was saved."))
                return redirect(case.get_absolute_url())
        return self.render_form(case, form)


# --- Case actions ------------------------------------------------------------------------------

def referral_blocker(case, today):
    """Why the case cannot be referred to the police now (None: it can)."""
    if case.status == CaseStatus.CLEARED:
        return _("The case is cleared: nothing is outstanding.")
    if CriminalReferral.objects.filter(case=case).exists():
        return _("The case was already referred.")
    if not case.order_issued_on:
        return _("Refer only after a written order to pay was ignored: no order to pay was issued.")
    if not case.order_ignored(today):
        if today <= case.order_pay_by:
            return _("The order to pay runs until %(day)s: it is not yet ignored.") % {"day": case.order_pay_by}
        return _("The amount owed was paid by the order's deadline: the order was not ignored.")
    if not case.criminal_threshold_met():
        return _("The arrears are under the region's criminal threshold.")
    return None


@dataclass(frozen=True)
class CaseAction:
    """One action of a case's page: its form, the service it calls and when it is offered."""

    slug: str
    label: str
    icon: str
    form_class: type
    service: Callable  # (case, user, **cleaned_data)
    available: Callable  # (case, today) -> bool
    success: str
    style: str = "outline-primary"


def _refer(case, user, **data):
    return services.case_refer(case=case, user=user, **data)


def _referral_update(case, user, **data):
    referral = CriminalReferral.objects.filter(case=case).first()
    if referral is None:
        raise CaseConflict(_("The case was not referred."), code="no_referral")
    return services.case_referral_update(referral=referral, user=user, **data)


CASE_ACTIONS = {
    action.slug: action
    for action in (
        CaseAction("payment", gettext_lazy("Record a payment"), "cash-coin", PaymentForm,
                   lambda case, user, **d: services.case_payment_add(case=case, user=user, **d),
                   lambda c, today: c.status == CaseStatus.OPEN, gettext_lazy("The payment was recorded."), style="primary"),
        CaseAction("order", gettext_lazy("Order to pay"), "file-earmark-text", OrderForm,
                   lambda case, user, **d: services.case_order(case=case, user=user, **d),
                   lambda c, today: c.status == CaseStatus.OPEN and not c.order_issued_on,
                   gettext_lazy("The order to pay was recorded.")),
        CaseAction("compensation", gettext_lazy("Extra compensation"), "percent", CompensationForm,
                   lambda case, user, **d: services.case_compensation(case=case, user=user, **d),
                   lambda c, today: bool(c.order_issued_on) and c.order_ignored(today),
                   gettext_lazy("The extra compensation was recorded.")),
        CaseAction("refer", gettext_lazy("Refer to the police"), "shield-exclamation", ReferralForm, _refer,
                   lambda c, today: referral_blocker(c, today) is None, gettext_lazy("The referral was recorded."),
                   style="outline-danger"),
        CaseAction("referral", gettext_lazy("Referral status"), "shield-check", ReferralUpdateForm, _referral_update,
                   lambda c, today: CriminalReferral.objects.filter(case=c).exists(), gettext_lazy("The referral was updated.")),
        CaseAction("note", gettext_lazy("Add a note"), "chat-left-text", CaseNoteForm,
                   lambda case, user, **d: services.case_note(case=case, user=user, **d),
                   lambda c, today: True, gettext_lazy("The note was added."), style="outline-secondary"),
    )
}


def may_change_case(user, case):
    if user.is_bureau or not user.has_perm("complaints.change_arrearscase"):
        return False
    return ArrearsCase.objects.restrict(user, "change").filter(pk=case.pk).exists()


def deposit_note(payment):
    drawdown = getattr(payment, "drawdown", None)
    if drawdown is None:
        return None
    return _("¥%(amount)s was drawn from the project's wage deposit; it must be topped up by %(day)s.") % {
        "amount": amount_text(drawdown.amount), "day": drawdown.topup_due}


class ArrearsCaseActionView(generic.ObjectPermissionRequiredMixin, View):
    """`/clues/cases/<pk>/<action>/`: one action through its form and service (CASE_ACTIONS). GET shows
    the form on a page of its own (the case's page shows it inline); POST runs the service."""

    queryset = ArrearsCase.objects.select_related(*CASE_RELATED)
    action = "change"
    template_name = "complaints/cases/case_action.html"

    def setup_action(self):
        spec = CASE_ACTIONS.get(self.kwargs["action"])
        if spec is None:
            raise Http404
        case = get_object_or_404(self.get_restricted_queryset(), pk=self.kwargs["pk"])
        if self.request.user.is_bureau:
            raise PermissionDenied
        return spec, case

    def render_form(self, spec, case, form):
        context = self.get_common_context()
        context.update({"object": case, "spec": spec, "form": form, "cancel_url": case.get_absolute_url()})
        return render(self.request, self.template_name, context)

    def not_available(self, spec, case):
        today = timezone.localdate()
        reason = referral_blocker(case, today) if spec.slug == "refer" else None
        messages.error(self.request, reason or _("This cannot be done to the case in its present state."))
        return redirect(case.get_absolute_url())

    def get(self, request, *args, **kwargs):
        spec, case = self.setup_action()
        if not spec.available(case, timezone.localdate()):
            return self.not_available(spec, case)
        return self.render_form(spec, case, spec.form_class(case=case, user=request.user))

    def post(self, request, *args, **kwargs):
        spec, case = self.setup_action()
        form = spec.form_class(request.POST, case=case, user=request.user)
        if form.is_valid():
            try:
                result = spec.service(case, request.user, **form.cleaned_data)
            except CaseConflict as conflict:
                messages.error(request, conflict.detail)
                return redirect(case.get_absolute_url())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, str(spec.success))
                if isinstance(result, CasePayment):
                    note = deposit_note(result)
                    if note:
                        messages.warning(request, note)
                return redirect(case.get_absolute_url())
        return self.render_form(spec, case, form)


# --- Detail ------------------------------------------------------------------------------------

EVENT_CLASSES = {
    CaseEventType.CLEARED: "success", CaseEventType.PAYMENT: "success", CaseEventType.REFERRED: "danger",
    CaseEventType.COMPENSATION: "warning", CaseEventType.ORDER: "warning", CaseEventType.INCIDENT: "danger",
    CaseEventType.NOTE: "secondary",
}
EVENT_PARAMETERS = {
    "amount": (gettext_lazy("amount"), yuan),
    "amount_owed": (gettext_lazy("amount owed"), yuan),
    "outstanding": (gettext_lazy("amount outstanding"), yuan),
    "workers_owed": (gettext_lazy("workers owed"), str),
    "workers": (gettext_lazy("workers paid"), str),
    "source": (gettext_lazy("source"), lambda v: PaymentSource(v).label if v in PaymentSource.values else v),
    "paid_on": (gettext_lazy("paid on"), str),
    "cleared_on": (gettext_lazy("cleared on"), str),
    "issued_on": (gettext_lazy("order to pay issued on"), str),
    "pay_by": (gettext_lazy("pay by"), str),
    "percent": (gettext_lazy("extra compensation (%)"), str),
    "referred_on": (gettext_lazy("referred on"), str),
    "police_unit": (gettext_lazy("police unit"), str),
    "status": (gettext_lazy("status"), lambda v: ReferralStatus(v).label if v in ReferralStatus.values else v),
    "previous": (gettext_lazy("previous status"), lambda v: ReferralStatus(v).label if v in ReferralStatus.values else v),
    "source_clue": (gettext_lazy("source clue"), str),
    "report_late": (gettext_lazy("reported late"), lambda v: _("Yes") if v else _("No")),
}
HIDDEN_PARAMETERS = {"incident", "changes"}


def event_details(event):
    rows = []
    for key, value in (event.parameters or {}).items():
        if key in HIDDEN_PARAMETERS or value is None or value == "":
            continue
        label, read = EVENT_PARAMETERS.get(key, (key, str))
        rows.append((label, str(read(value))))
    changes = (event.parameters or {}).get("changes") or {}
    for name, pair in changes.items():
        try:
            label = ArrearsCase._meta.get_field(name).verbose_name
        except Exception:  # noqa: BLE001 - an old field name: show it as it is
            label = name
        rows.append((label, f"{pair[0]} → {pair[1]}"))
    return rows


class ArrearsCaseDetailView(generic.ObjectDetailView):
    """A case: its data, five haves, supervision, countdown to clear-to-zero, payments, order to pay
    with its computed flags, extra compensation, referral, incidents and timeline; the actions its
    state allows as inline forms."""

    queryset = ArrearsCase.objects.select_related(
        "region", "enterprise", "project", "source_clue", "source_inspection", "opened_by")
    template_name = "complaints/cases/case.html"

    def may(self, action, obj):
        if action == "change" and self.request.user.is_bureau:
            return False
        return super().may(action, obj)

    def get_extra_context(self):
        case = self.object
        user = self.request.user
        today = timezone.localdate()
        referral = CriminalReferral.objects.filter(case=case).first()
        payments = list(case.payments.select_related("drawdown", "drawdown__project", "recorded_by"))
        # order_ignored reads case.payments.all(): give it the list just fetched.
        case._prefetched_objects_cache = {**getattr(case, "_prefetched_objects_cache", {}), "payments": payments}
        order_ignored = case.order_ignored(today)
        threshold_met = case.criminal_threshold_met()
        blocker = referral_blocker(case, today)
        actions = []
        if may_change_case(user, case):
            actions = [(a, a.form_class(case=case, user=user)) for a in CASE_ACTIONS.values() if a.available(case, today)]
        per_worker = (case.amount_owed / case.workers_owed).quantize(Decimal("0.01")) if case.workers_owed else None
        return {
            "today": today,
            "status": case_status_badge(case),
            "countdown": days_left_badge(case, today),
            "days_left": case.days_left(today),
            "days_overdue": max(0, -case.days_left(today)),
            "supervision": supervision_badge(case),
            "workers": list(case.workers.select_related("worker")),
            "payments": [{"payment": p, "deposit_note": deposit_note(p)} for p in payments],
            "referral": referral,
            "referral_blocker": blocker,
            "order_ignored": order_ignored,
            "paid_by_pay_by": case.paid_by(case.order_pay_by) if case.order_pay_by else None,
            "criminal_threshold_met": threshold_met,
            "threshold_total": Decimal(get_policy("criminal_threshold_total", case.region_id)),
            "threshold_per_worker": Decimal(get_policy("criminal_threshold_per_worker", case.region_id)),
            "amount_per_worker": per_worker,
            "compensation_amount": ((case.amount_owed * case.compensation_percent / 100).quantize(Decimal("0.01"))
                                    if case.compensation_percent else None),
            "incidents": list(Incident.objects.restrict(user, "view").filter(case=case).select_related("region")),
            "incident_add_url": (reverse("complaints:incident_add") + f"?case={case.pk}&region={case.region_id}"
                                 if user.has_perm("complaints.add_incident") and not user.is_bureau else None),
            "events": [{"event": e, "details": event_details(e), "css": EVENT_CLASSES.get(e.type, "primary")}
                       for e in case.events.select_related("user")],
            "actions": actions,
            "clue_visible": bool(case.source_clue_id and Clue.objects.restrict(user, "view").filter(pk=case.source_clue_id).exists()),
            "project_visible": bool(case.project_id and Project.objects.restrict(user, "view").filter(pk=case.project_id).exists()),
        }


# --- The two clear-to-zero tracker -------------------------------------------------------------

def zero_clearance_figures(queryset, as_of):
    """The tracker's figures: complaints.case_selectors.zero_clearance, the same as the API's."""
    from .case_selectors import zero_clearance

    return zero_clearance(queryset, as_of)


class ZeroClearanceView(generic.ObjectPermissionRequiredMixin, View):
    """两清零: countdowns for government/SOE/PPP arrears (31 December) and the others (before Spring
    Festival), open cases and amounts by category and county, a county ranking, overdue cases
    first, a chart; every figure links to the filtered case list. Only the user's scope counts."""

    queryset = ArrearsCase.objects.all()
    template_name = "complaints/cases/zero_clearance.html"

    def get(self, request):
        user = request.user
        form = ZeroClearanceForm(request.GET or None, user=user)
        today = timezone.localdate()
        as_of, region_code = today, ""
        if form.is_bound and form.is_valid():
            as_of = form.cleaned_data["as_of"] or today
            region_code = form.cleaned_data["region_code"]
        queryset = self.get_restricted_queryset()
        if region_code:
            queryset = queryset.filter(region__code__startswith=region_code)
        context = self.get_common_context()
        context.update({"form": form, "as_of": as_of, "region_code": region_code})
        if not form.is_bound or form.is_valid():
            context.update(self.figures(queryset, as_of, region_code))
        return render(request, self.template_name, context)

    def figures(self, queryset, as_of, region_code):
        list_url = reverse("complaints:arrearscase_list")
        base = {"status": CaseStatus.OPEN}
        if region_code:
            base["region_code"] = region_code

        def link(**params):
            return f"{list_url}?{urlencode({**base, **params})}"

        figures = zero_clearance_figures(queryset, as_of)
        tiles = {}
        for key in ("government", "other"):
            tile = dict(figures[key])
            flag = "true" if key == "government" else "false"
            tile["url"] = link(government_type=flag, due_before=tile["due"].isoformat())
            tile["overdue_url"] = link(government_type=flag, due_before=(as_of - datetime.timedelta(days=1)).isoformat())
            tiles[key] = tile
        table = []
        for row in figures["by_county"]:
            code = row["region_code"]
            cells = {}
            for key in ("government", "other"):
                flag = "true" if key == "government" else "false"
                cells[key] = {**row[key], "url": link(region_code=code, government_type=flag,
                                                       due_before=tiles[key]["due"].isoformat())}
            table.append({
                "code": code, "name": row["region_name"], **cells,
                "open_cases": cells["government"]["open_cases"] + cells["other"]["open_cases"],
                "amount_outstanding": cells["government"]["amount_outstanding"] + cells["other"]["amount_outstanding"],
                "overdue_cases": row["overdue_cases"],
                "url": link(region_code=code),
                "overdue_url": link(region_code=code, due_before=(as_of - datetime.timedelta(days=1)).isoformat()),
            })
        ranking = sorted(table, key=lambda r: (-r["amount_outstanding"], -r["open_cases"], r["code"]))
        open_cases = queryset.open().select_related(*CASE_RELATED).order_by("zero_clearance_due", "-amount_owed", "pk")
        overdue = list(open_cases.filter(zero_clearance_due__lt=as_of)[:OPEN_LIST_LIMIT])
        upcoming = list(open_cases.filter(zero_clearance_due__gte=as_of)[:OPEN_LIST_LIMIT])
        return {
            "figures": figures,
            "tiles": [("government", _("Government, SOE and PPP projects"), _("By 31 December of the year the arrears arose"),
                       tiles["government"]),
                      ("other", _("Other projects"), _("Before Spring Festival: by the day before lunar New Year's Eve"),
                       tiles["other"])],
            "overdue_cases": figures["overdue_cases"],
            "by_county": table,
            "ranking": ranking,
            "overdue": [{"case": c, "badge": days_left_badge(c, as_of)} for c in overdue],
            "upcoming": [{"case": c, "badge": days_left_badge(c, as_of)} for c in upcoming],
            "links": {"overdue": link(due_before=(as_of - datetime.timedelta(days=1)).isoformat()), "open": link()},
            "chart": {
                "labels": [r["name"] for r in ranking],
                "government": [float(r["government"]["amount_outstanding"]) for r in ranking],
                "other": [float(r["other"]["amount_outstanding"]) for r in ranking],
                "urls": [r["url"] for r in ranking],
                "government_label": str(_("Government, SOE and PPP projects")),
                "other_label": str(_("Other projects")),
            },
            "list_limit": OPEN_LIST_LIMIT,
        }


# --- Incidents ---------------------------------------------------------------------------------

class IncidentListView(generic.ObjectListView):
    queryset = Incident.objects.select_related("region", "project")
    table_class = IncidentTable
    filterset_class = IncidentFilterSet

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["extra_buttons"] = [(_("Arrears cases"), reverse("complaints:arrearscase_list"), "cash-stack")]
        return context


class IncidentExportView(generic.ObjectExportView):
    queryset = Incident.objects.all()


class IncidentAddView(generic.ObjectPermissionRequiredMixin, View):
    """Report an incident (services.incident_report); `?case=<pk>` and `?project=<code>` pre-fill."""

    queryset = Incident.objects.all()
    action = "add"
    template_name = "complaints/cases/incident_add.html"

    def render_form(self, form):
        context = self.get_common_context()
        context.update({"form": form, "cancel_url": reverse("complaints:incident_list")})
        return render(self.request, self.template_name, context)

    def get(self, request):
        initial = {k: v for k, v in request.GET.items() if k in ("case", "project", "region", "kind")}
        return self.render_form(IncidentForm(user=request.user, initial=initial))

    def post(self, request):
        if request.user.is_bureau:
            raise PermissionDenied
        form = IncidentForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                incident = services.incident_report(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The incident was reported."))
                if incident.report_late:
                    messages.warning(request, _("The incident was reported later than %(n)d minutes after it occurred.")
                                     % {"n": incident.report_limit_minutes})
                return redirect(incident.get_absolute_url())
        return self.render_form(form)


class IncidentDetailView(generic.ObjectDetailView):
    queryset = Incident.objects.select_related("region", "project", "case", "case__enterprise", "reported_by")
    template_name = "complaints/cases/incident.html"

    def may(self, action, obj):
        if action == "change" and self.request.user.is_bureau:
            return False
        return super().may(action, obj)

    def get_extra_context(self):
        incident = self.object
        user = self.request.user
        may_change = (not user.is_bureau and user.has_perm("complaints.change_incident")
                      and Incident.objects.restrict(user, "change").filter(pk=incident.pk).exists())
        return {
            "update_form": IncidentUpdateForm(incident=incident, user=user) if may_change else None,
            "case_visible": bool(incident.case_id and ArrearsCase.objects.restrict(user, "view").filter(pk=incident.case_id).exists()),
            "project_visible": bool(incident.project_id and Project.objects.restrict(user, "view").filter(pk=incident.project_id).exists()),
        }


class IncidentEditView(generic.ObjectPermissionRequiredMixin, View):
    """Add measures, cause, reaction; close with the closing report (services.incident_update)."""

    queryset = Incident.objects.select_related("region", "project", "case")
    action = "change"
    template_name = "complaints/cases/incident_edit.html"

    def render_form(self, incident, form):
        context = self.get_common_context()
        context.update({"object": incident, "form": form, "cancel_url": incident.get_absolute_url()})
        return render(self.request, self.template_name, context)

    def get_incident(self, pk):
        incident = get_object_or_404(self.get_restricted_queryset(), pk=pk)
        if self.request.user.is_bureau:
            raise PermissionDenied
        return incident

    def get(self, request, pk):
        incident = self.get_incident(pk)
        return self.render_form(incident, IncidentUpdateForm(incident=incident, user=request.user))

    def post(self, request, pk):
        incident = self.get_incident(pk)
        form = IncidentUpdateForm(request.POST, incident=incident, user=request.user)
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.changed_data if name in IncidentUpdateForm.FIELDS}
            try:
                if changes:
                    incident = services.incident_update(incident=incident, user=request.user, **changes)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The incident was closed.") if "closing_report" in changes and incident.closed_at
                                 else _("The incident was updated."))
                return redirect(incident.get_absolute_url())
        return self.render_form(incident, form)
