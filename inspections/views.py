"""Pages of inspections: campaigns (progress against their targets, phases, draws), the
double-random draw (form, result, verification, publication), the inspection record form used
on site, inspections, rectification orders with their re-inspection and penalty forms, penalty
decisions, official documents, and the ledger (检查台账).

Every page starts from `Model.objects.restrict(user, action)`: anonymous users go to the login
page, a role without the permission gets 403, a record outside the user's scope is 404 on every
page of it. Writes go through inspections.services only: a service ValidationError becomes the
form's errors and nothing is saved; an InspectionConflict (the record's state forbids the action)
becomes an error message and nothing changes."""
import os
from types import SimpleNamespace
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Subquery
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from complaints.models import Clue
from projects.models import Project
from wagecase.core.models import User
from wagecase.core.views import generic

from . import excel, selectors, services
from .choices import CheckResult, ChecklistItem, InspectionMethod, OrderStatus
from .filtersets import CampaignFilterSet, InspectionFilterSet, PenaltyDecisionFilterSet, RectificationOrderFilterSet
from .forms import CampaignForm, DrawForm, InspectionForm, LedgerForm, PenaltyForm, ReinspectForm, phase_formset
from .models import Campaign, Draw, Inspection, InspectionPhoto, PenaltyDecision, RectificationOrder
from .services import InspectionConflict
from .tables import (
    CampaignTable, InspectionTable, PenaltyDecisionTable, RectificationOrderTable, item_labels, order_status_badge,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RESULT_CLASSES = {CheckResult.PASS: "success", CheckResult.FAIL: "danger", CheckResult.NA: "secondary"}
RECENT = 10


def add_service_errors(form, error, aliases=None):
    """Put a service's ValidationError on the form: on its fields where the form has them
    (`aliases` maps a model field to the form's, e.g. a photo's `image` to `photos`)."""
    aliases = aliases or {}
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            field = aliases.get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def serve_document(field, filename):
    """An official document (PDF) stored on a record, inline."""
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404
    response = FileResponse(handle, content_type="application/pdf", filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def document_filename(number, fallback):
    return f"{number or fallback}.pdf".replace("/", "-")


def latest_inspection_card(project, user):
    """The project's latest inspection the user may see, with its inspectors and order, in ONE
    query (through the inspectors' link table), or None. For the project's page."""
    latest = (Inspection.objects.restrict(user, "view").filter(project=project)
              .order_by("-inspected_on", "-pk").values("pk")[:1])
    links = list(
        Inspection.inspectors.through.objects.filter(inspection_id=Subquery(latest))
        .select_related("inspection__order", "user").order_by("user__full_name", "user__username")
    ) if user.has_perm("inspections.view_inspection") else []
    if not links:
        return None
    inspection = links[0].inspection
    try:
        order = inspection.order
    except ObjectDoesNotExist:
        order = None
    return {
        "inspection": inspection,
        "inspectors": [link.user.full_name or link.user.username for link in links],
        "failed": item_labels(inspection.failed_items),
        "order": order,
        "order_status": order_status_badge(order) if order is not None else "",
        "order_pending": order is not None and order.can_reinspect(),
    }


# --- Campaigns -------------------------------------------------------------------------------------

class CampaignListView(generic.ObjectListView):
    queryset = Campaign.objects.select_related("region")
    table_class = CampaignTable
    filterset_class = CampaignFilterSet


class CampaignDetailView(generic.ObjectDetailView):
    """A campaign: phases (the current one highlighted), targets and progress against them, the
    draws, recent inspections, and the form of a new draw."""

    queryset = Campaign.objects.select_related("region").prefetch_related("phases")
    template_name = "inspections/campaign.html"

    def get_extra_context(self):
        campaign = self.object
        user = self.request.user
        today = timezone.localdate()
        phases = list(campaign.phases.all())
        current = campaign.current_phase(today)
        figures = selectors.campaign_progress(campaign, user, today=today)
        orders = figures["orders"]
        inspections = Inspection.objects.restrict(user, "view").filter(campaign=campaign)
        inspected_share = float(figures["inspected_percent"] or 0)
        rectified_share = float(orders["written_off_percent"] or 0)
        order_list = reverse("inspections:rectificationorder_list")

        def orders_link(**params):
            return f"{order_list}?{urlencode({'campaign': campaign.pk, **params})}"

        checklist = services.checklist_counts(
            SimpleNamespace(checklist=c) for c in inspections.values_list("checklist", flat=True)
        )
        problems = sorted(
            ((str(label), checklist.get(item, {}).get(CheckResult.FAIL, 0)) for item, label in ChecklistItem.choices),
            key=lambda row: -row[1],
        )
        draw_form = None
        if user.has_perm("inspections.add_draw"):
            draw_form = DrawForm(campaign=campaign, user=user)
            if not draw_form.fields["region"].queryset.exists():
                draw_form = None
        return {
            "today": today,
            "phases": phases,
            "current_phase": current,
            "progress": {
                "population": figures["population"],
                "inspected": figures["inspected"],
                "inspected_share": inspected_share,
                "inspected_target": figures["target"],
                "inspected_met": figures["population"] > 0 and inspected_share >= float(figures["target"]),
                "inspections": inspections.count(),
                "rectified_share": rectified_share,
                "rectified_target": orders["target"],
                "rectified_met": orders["issued"] > 0 and rectified_share >= float(orders["target"]),
                "issued": orders["issued"], "closed": orders["written_off"], "escalated": orders["escalated"],
                "open": orders["open"], "overdue": orders["overdue"],
            },
            "links": {
                "issued": orders_link(), "closed": orders_link(status=OrderStatus.CLOSED),
                "escalated": orders_link(status=OrderStatus.ESCALATED), "open": orders_link(status=OrderStatus.OPEN),
                "overdue": orders_link(status=OrderStatus.OVERDUE),
                "inspections": f"{reverse('inspections:inspection_list')}?{urlencode({'campaign': campaign.pk})}",
            },
            "problems": [row for row in problems if row[1]],
            "draws": list(Draw.objects.restrict(user, "view").filter(campaign=campaign).select_related("region", "drawn_by")),
            "recent": list(inspections.select_related("project", "order").prefetch_related("inspectors")[:RECENT]),
            "draw_form": draw_form,
            "can_record": user.has_perm("inspections.add_inspection"),
        }


class CampaignEditView(generic.ObjectPermissionRequiredMixin, View):
    """Create (`add`) or edit (`change`, in scope) a campaign with its phases, through services.campaign_save."""

    queryset = Campaign.objects.all()
    template_name = "inspections/campaign_edit.html"

    def get_action(self):
        return "change" if self.kwargs.get("pk") is not None else "add"

    def get_object(self):
        if self.kwargs.get("pk") is not None:
            return get_object_or_404(self.get_restricted_queryset("change").prefetch_related("phases"), pk=self.kwargs["pk"])
        return Campaign()

    def formset_class(self, campaign):
        return phase_formset(extra=1 if campaign.pk else 4)

    def phase_initial(self, campaign):
        if not campaign.pk:
            return None
        return [{"kind": p.kind, "starts_on": p.starts_on, "ends_on": p.ends_on, "note": p.note} for p in campaign.phases.all()]

    def render_form(self, campaign, form, formset):
        context = self.get_common_context()
        context.update({
            "object": campaign, "form": form, "formset": formset, "is_new": campaign._state.adding,
            "cancel_url": campaign.get_absolute_url() if campaign.pk else reverse("inspections:campaign_list"),
        })
        return render(self.request, self.template_name, context)

    def get(self, request, *args, **kwargs):
        campaign = self.get_object()
        initial = {}
        if campaign._state.adding:
            initial = {"region": request.user.jurisdiction_id}
        form = CampaignForm(instance=campaign, user=request.user, initial=initial)
        formset = self.formset_class(campaign)(initial=self.phase_initial(campaign), prefix="phases")
        return self.render_form(campaign, form, formset)

    def post(self, request, *args, **kwargs):
        campaign = self.get_object()
        adding = campaign._state.adding
        form = CampaignForm(request.POST, instance=campaign, user=request.user)
        formset = self.formset_class(campaign)(request.POST, initial=self.phase_initial(campaign), prefix="phases")
        if form.is_valid() and formset.is_valid():
            try:
                with transaction.atomic():
                    saved = services.campaign_save(campaign=form.instance, phases=formset.phases())
                    if not Campaign.objects.restrict(request.user, "change").filter(pk=saved.pk).exists():
                        raise ValidationError(_("This record would lie outside your jurisdiction; it was not saved."))
            except ValidationError as error:
                if adding:
                    campaign.pk = None
                    campaign._state.adding = True
                if hasattr(error, "error_dict"):
                    # The campaign itself was validated by the form: what remains concerns the phases.
                    for messages_ in error.message_dict.values():
                        for message in messages_:
                            form.add_error(None, _("Phases: %(error)s") % {"error": message})
                else:
                    form.add_error(None, error)
            else:
                text = _("Created %(type)s “%(object)s”.") if adding else _("Saved %(type)s “%(object)s”.")
                messages.success(request, text % {"type": Campaign._meta.verbose_name, "object": saved})
                return redirect(saved.get_absolute_url())
        return self.render_form(campaign, form, formset)


# --- Double-random draws ---------------------------------------------------------------------------

class DrawAddView(generic.ObjectPermissionRequiredMixin, View):
    """`/campaigns/<pk>/draw/`: a new draw for the campaign (services.draw_make). GET with
    `?region=` reloads the form with that region's inspector pool (the campaign page does so by htmx)."""

    queryset = Draw.objects.all()
    action = "add"
    template_name = "inspections/draw_add.html"

    def get_campaign(self):
        return get_object_or_404(Campaign.objects.restrict(self.request.user, "view"), pk=self.kwargs["pk"])

    def render_form(self, campaign, form, status=200):
        context = self.get_common_context()
        context.update({"campaign": campaign, "draw_form": form, "cancel_url": campaign.get_absolute_url()})
        template = "inspections/inc/draw_form.html" if self.request.headers.get("HX-Request") else self.template_name
        return render(self.request, template, context, status=status)

    def get(self, request, pk):
        campaign = self.get_campaign()
        initial = {}
        if request.GET.get("region"):
            initial["region"] = request.GET["region"]
        return self.render_form(campaign, DrawForm(campaign=campaign, user=request.user, initial=initial))

    def post(self, request, pk):
        campaign = self.get_campaign()
        form = DrawForm(request.POST, campaign=campaign, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                draw = services.draw_make(
                    campaign=campaign, user=request.user, region=data["region"], count=data["count"],
                    projects=form.project_pool(), inspectors=data["inspectors"], seed=data.get("seed"),
                    pool_filter=form.pool_filter(),
                )
            except InspectionConflict as conflict:
                form.add_error(None, conflict.detail)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The draw was made: %(n)s projects.") % {"n": draw.count})
                return redirect(draw.get_absolute_url())
        return self.render_form(campaign, form)


def draw_rows(draw, user):
    """The draw's result as rows: project (when visible), its inspectors' names, and the inspection
    recorded for it under this draw, if any."""
    codes = [row["project"] for row in draw.result]
    projects = {p.code: p for p in Project.objects.restrict(user, "view").filter(code__in=codes)}
    names = dict(User.objects.filter(username__in=draw.inspector_pool).values_list("username", "full_name"))
    recorded = {}
    for inspection in Inspection.objects.restrict(user, "view").filter(draw=draw).select_related("project").order_by("pk"):
        recorded.setdefault(inspection.project.code, inspection)
    rows = []
    for row in draw.result:
        code = row["project"]
        rows.append({
            "code": code,
            "project": projects.get(code),
            "inspectors": [names.get(u) or u for u in row["inspectors"]],
            "usernames": row["inspectors"],
            "inspection": recorded.get(code),
        })
    return rows, names


class DrawDetailView(generic.ObjectDetailView):
    """A draw: seed, both pools, the result (project → inspectors), whether re-running it gives
    the same result, publication, and a link per drawn project to record its inspection."""

    queryset = Draw.objects.select_related("campaign", "region", "drawn_by")
    template_name = "inspections/draw.html"

    def may(self, action, obj):
        return False  # a draw is never edited or deleted

    def get_extra_context(self):
        draw = self.object
        user = self.request.user
        rows, names = draw_rows(draw, user)
        can_publish = (not draw.published and user.has_perm("inspections.change_draw")
                       and Draw.objects.restrict(user, "change").filter(pk=draw.pk).exists())
        return {
            "rows": rows,
            "verified": services.draw_verify(draw),
            "inspector_pool": [(u, names.get(u) or u) for u in draw.inspector_pool],
            "can_publish": can_publish,
            "can_record": user.has_perm("inspections.add_inspection"),
            "public_url": reverse("public_draws:draw", args=[draw.pk]),
        }


class DrawPublishView(generic.ObjectPermissionRequiredMixin, View):
    queryset = Draw.objects.all()
    action = "change"
    http_method_names = ["post"]

    def post(self, request, pk):
        draw = get_object_or_404(self.get_restricted_queryset(), pk=pk)
        if draw.published:
            messages.info(request, _("The draw is already published."))
        else:
            services.draw_publish(draw=draw, user=request.user)
            messages.success(request, _("The draw's result is published."))
        return redirect(draw.get_absolute_url())


# --- Inspections -----------------------------------------------------------------------------------

class InspectionListView(generic.ObjectListView):
    queryset = Inspection.objects.select_related("project__region", "campaign", "order").prefetch_related("inspectors")
    table_class = InspectionTable
    filterset_class = InspectionFilterSet


class InspectionExportView(generic.ObjectExportView):
    queryset = Inspection.objects.all()


class InspectionAddView(generic.ObjectPermissionRequiredMixin, View):
    """`/inspections/add/`: record an inspection on site. `?project=<code>`, `?campaign=<pk>`,
    `?draw=<pk>` (with the project: method, campaign and the drawn inspectors) and `?clue=<number>`
    pre-fill the form. Saving calls services.inspection_record, which issues a rectification order
    when an item fails."""

    queryset = Inspection.objects.all()
    action = "add"
    template_name = "inspections/inspection_add.html"

    def initial(self):
        user = self.request.user
        params = self.request.GET
        initial = {"method": InspectionMethod.ROUTINE}
        pool = None
        if params.get("project"):
            initial["project"] = params["project"].strip()
        if params.get("campaign", "").isdigit():
            initial["campaign"] = params["campaign"]
        if params.get("draw", "").isdigit():
            draw = Draw.objects.restrict(user, "view").filter(pk=params["draw"]).first()
            if draw is not None:
                initial.update({"draw": draw.pk, "campaign": draw.campaign_id, "method": InspectionMethod.DOUBLE_RANDOM})
                drawn = next((row for row in draw.result if row["project"] == initial.get("project")), None)
                if drawn:
                    pool = list(User.objects.filter(username__in=drawn["inspectors"]))
        if params.get("clue"):
            clue = Clue.objects.restrict(user, "view").select_related("project").filter(number=params["clue"]).first()
            if clue is not None:
                initial.update({"clue": clue.number, "method": InspectionMethod.COMPLAINT})
                if clue.project_id and "project" not in initial:
                    initial["project"] = clue.project.code
        if params.get("method") in InspectionMethod.values:
            initial["method"] = params["method"]
        initial["inspectors"] = pool if pool is not None else [user]
        return initial

    def render_form(self, form):
        context = self.get_common_context()
        context.update({"form": form, "cancel_url": reverse("inspections:inspection_list")})
        return render(self.request, self.template_name, context)

    def get(self, request):
        return self.render_form(InspectionForm(user=request.user, initial=self.initial()))

    def post(self, request):
        form = InspectionForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                inspection = services.inspection_record(user=request.user, **form.service_kwargs())
            except InspectionConflict as conflict:
                messages.error(request, conflict.detail)
            except ValidationError as error:
                add_service_errors(form, error, aliases={"image": "photos"})
            else:
                order = getattr(inspection, "order", None)
                if order is not None:
                    messages.warning(request, _("Inspection recorded. Rectification order %(number)s was issued, to rectify by %(date)s.")
                                     % {"number": order.number, "date": order.rectify_by.isoformat()})
                else:
                    messages.success(request, _("Inspection recorded. Every item passed; no order was issued."))
                return redirect(inspection.get_absolute_url())
        return self.render_form(form)


class InspectionDetailView(generic.ObjectDetailView):
    """An inspection: the checklist with results and notes, inspectors, findings, worker
    interviews, evidence photos and the order it issued."""

    queryset = Inspection.objects.select_related(
        "project__region", "project__general_contractor", "campaign", "draw", "clue", "recorded_by",
    ).prefetch_related("inspectors")
    template_name = "inspections/inspection.html"

    def may(self, action, obj):
        return False  # a record of what was found is not edited

    def get_extra_context(self):
        inspection = self.object
        user = self.request.user
        labels, results = dict(ChecklistItem.choices), dict(CheckResult.choices)
        checklist = [
            {"item": item, "label": labels[item], "result": inspection.checklist.get(item),
             "result_label": results.get(inspection.checklist.get(item), "—"),
             "css": RESULT_CLASSES.get(inspection.checklist.get(item), "light"),
             "note": (inspection.checklist_notes or {}).get(item, "")}
            for item in ChecklistItem.values
        ]
        order = RectificationOrder.objects.restrict(user, "view").filter(inspection=inspection).first()
        # Arrears found on site (monthly full pay failed) open an arrears case carrying the inspection.
        open_case_url = None
        if inspection.checklist.get(ChecklistItem.MONTHLY_FULL_PAY) == CheckResult.FAIL and user.has_perm("complaints.add_arrearscase") \
                and not user.is_bureau:
            open_case_url = reverse("complaints:arrearscase_add") + f"?inspection={inspection.pk}"
        return {
            "open_case_url": open_case_url,
            "checklist": checklist,
            "order": order,
            "order_status": order_status_badge(order) if order else "",
            "photos": list(InspectionPhoto.objects.restrict(user, "view").filter(inspection=inspection)),
            "project_visible": Project.objects.restrict(user, "view").filter(pk=inspection.project_id).exists(),
            "campaign_visible": bool(inspection.campaign_id and Campaign.objects.restrict(user, "view").filter(pk=inspection.campaign_id).exists()),
            "draw_visible": bool(inspection.draw_id and Draw.objects.restrict(user, "view").filter(pk=inspection.draw_id).exists()),
            "clue_visible": bool(inspection.clue_id and Clue.objects.restrict(user, "view").filter(pk=inspection.clue_id).exists()),
        }


class InspectionPhotoView(generic.ObjectPermissionRequiredMixin, View):
    """An evidence photo through the scope (never a raw MEDIA URL)."""

    queryset = InspectionPhoto.objects.all()

    def get(self, request, pk):
        photo = get_object_or_404(self.get_restricted_queryset(), pk=pk)
        try:
            handle = photo.image.open("rb")
        except FileNotFoundError:
            raise Http404
        response = FileResponse(handle, filename=os.path.basename(photo.image.name))
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --- Rectification orders --------------------------------------------------------------------------

ORDER_RELATED = ("project__region", "enterprise")


class RectificationOrderListView(generic.ObjectListView):
    queryset = RectificationOrder.objects.select_related(*ORDER_RELATED)
    table_class = RectificationOrderTable
    filterset_class = RectificationOrderFilterSet


class RectificationOrderExportView(generic.ObjectExportView):
    queryset = RectificationOrder.objects.all()


class RectificationOrderDetailView(generic.ObjectDetailView):
    """An order: failed items, dates, enterprise, the inspection behind it, re-inspections,
    penalty decisions, the PDF, and the re-inspect / penalty forms its state allows."""

    queryset = RectificationOrder.objects.select_related(
        "project__region", "enterprise", "inspection__campaign", "inspection__recorded_by",
    )
    template_name = "inspections/order.html"

    def may(self, action, obj):
        return False  # an order changes through its actions only

    def get_extra_context(self):
        order = self.object
        user = self.request.user
        in_change_scope = (user.has_perm("inspections.change_rectificationorder")
                           and RectificationOrder.objects.restrict(user, "change").filter(pk=order.pk).exists())
        can_reinspect = in_change_scope and order.can_reinspect()
        can_penalise = in_change_scope and order.can_penalise() and user.has_perm("inspections.add_penaltydecision")
        return {
            "status": order_status_badge(order),
            "current_status": order.current_status(),
            "items": item_labels(order.items),
            "inspectors": list(order.inspection.inspectors.order_by("full_name", "username")),
            "reinspections": list(order.reinspections.select_related("user")),
            "penalties": list(PenaltyDecision.objects.restrict(user, "view").filter(order=order)),
            "document_url": reverse("inspections:rectificationorder_document", args=[order.pk]) if order.document else None,
            "reinspect_form": ReinspectForm(order=order, auto_id="id_reinspect_%s") if can_reinspect else None,
            "penalty_form": PenaltyForm(order=order, auto_id="id_penalty_%s") if can_penalise else None,
            "penalty_ranges": PenaltyForm.ranges() if can_penalise else None,
        }


class OrderDocumentView(generic.ObjectPermissionRequiredMixin, View):
    queryset = RectificationOrder.objects.all()

    def get(self, request, pk):
        order = get_object_or_404(self.get_restricted_queryset(), pk=pk)
        return serve_document(order.document, document_filename(order.number, f"order-{order.pk}"))


class OrderActionView(generic.ObjectPermissionRequiredMixin, View):
    """An action on an order on a page of its own (the order's page shows the same form inline)."""

    queryset = RectificationOrder.objects.all()
    action = "change"
    template_name = "inspections/order_action.html"
    form_class = None
    title = ""
    icon = ""

    def get_order(self):
        return get_object_or_404(
            RectificationOrder.objects.restrict(self.request.user, "change").select_related("project", "enterprise"),
            pk=self.kwargs["pk"],
        )

    def available(self, order):
        raise NotImplementedError

    def wrong_state(self, order):
        return _("Order %(number)s is %(status)s; this cannot be done now.") % {
            "number": order.number, "status": OrderStatus(order.current_status()).label}

    def render_form(self, order, form):
        context = self.get_common_context()
        context.update({
            "object": order, "form": form, "title": self.title, "icon": self.icon, "cancel_url": order.get_absolute_url(),
            "penalty_ranges": PenaltyForm.ranges() if self.form_class is PenaltyForm else None,
        })
        return render(self.request, self.template_name, context)

    def get(self, request, pk):
        order = self.get_order()
        if not self.available(order):
            messages.error(request, self.wrong_state(order))
            return redirect(order.get_absolute_url())
        return self.render_form(order, self.form_class(order=order))

    def post(self, request, pk):
        order = self.get_order()
        form = self.form_class(request.POST, order=order)
        if form.is_valid():
            try:
                self.run(order, form.cleaned_data)
            except InspectionConflict as conflict:
                messages.error(request, conflict.detail)
                return redirect(order.get_absolute_url())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect(self.success_url(order))
        return self.render_form(order, form)

    def success_url(self, order):
        return order.get_absolute_url()


class OrderReinspectView(OrderActionView):
    """`/orders/<pk>/reinspect/`: 复查 → written off, still open, or escalated (services.order_reinspect)."""

    form_class = ReinspectForm
    title = gettext_lazy("Re-inspect")
    icon = "arrow-repeat"

    def available(self, order):
        return order.can_reinspect()

    def run(self, order, data):
        order = services.order_reinspect(order=order, user=self.request.user, **data)
        messages.success(self.request, _("The re-inspection was recorded; the order is now: %(status)s.")
                         % {"status": OrderStatus(order.current_status()).label})


class OrderPenaltyView(OrderActionView):
    """`/orders/<pk>/penalty/`: a penalty decision on an escalated order (services.penalty_decide)."""

    form_class = PenaltyForm
    title = gettext_lazy("Penalty decision")
    icon = "hammer"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("inspections.add_penaltydecision"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def available(self, order):
        return order.can_penalise()

    def run(self, order, data):
        self.penalty = services.penalty_decide(order=order, user=self.request.user, **data)
        messages.success(self.request, _("Penalty decision %(number)s was made.") % {"number": self.penalty.number})

    def success_url(self, order):
        return self.penalty.get_absolute_url()


# --- Penalty decisions -----------------------------------------------------------------------------

class PenaltyDecisionListView(generic.ObjectListView):
    queryset = PenaltyDecision.objects.select_related("project__region", "enterprise", "order")
    table_class = PenaltyDecisionTable
    filterset_class = PenaltyDecisionFilterSet


class PenaltyDecisionExportView(generic.ObjectExportView):
    queryset = PenaltyDecision.objects.all()


class PenaltyDecisionDetailView(generic.ObjectDetailView):
    queryset = PenaltyDecision.objects.select_related("project__region", "enterprise", "order", "decided_by")
    template_name = "inspections/penalty.html"

    def may(self, action, obj):
        return False

    def get_extra_context(self):
        penalty = self.object
        return {
            "order_visible": RectificationOrder.objects.restrict(self.request.user, "view").filter(pk=penalty.order_id).exists(),
            "document_url": reverse("inspections:penaltydecision_document", args=[penalty.pk]) if penalty.document else None,
        }


class PenaltyDocumentView(generic.ObjectPermissionRequiredMixin, View):
    queryset = PenaltyDecision.objects.all()

    def get(self, request, pk):
        penalty = get_object_or_404(self.get_restricted_queryset(), pk=pk)
        return serve_document(penalty.document, document_filename(penalty.number, f"penalty-{penalty.pk}"))


# --- Ledger ----------------------------------------------------------------------------------------

class LedgerView(generic.ObjectPermissionRequiredMixin, View):
    """`/inspections/ledger/`: per region (or campaign) found / rectified / written off / escalated,
    with the open and overdue orders; `?format=xlsx` downloads the same as Excel."""

    queryset = RectificationOrder.objects.all()
    template_name = "inspections/ledger.html"

    @staticmethod
    def period_text(form):
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        start, end = data.get("date_from"), data.get("date_to")
        if not (start or end):
            return ""
        return f"{start.isoformat() if start else '…'} – {end.isoformat() if end else '…'}"

    def get(self, request):
        user = request.user
        today = timezone.localdate()
        form = LedgerForm(request.GET or None, user=user)
        orders = RectificationOrder.objects.restrict(user, "view")
        inspections = Inspection.objects.restrict(user, "view")
        group_by = "region"
        if form.is_bound and not form.is_valid():
            orders, inspections = orders.none(), inspections.none()
        elif form.is_bound:
            data = form.cleaned_data
            group_by = data.get("group_by") or "region"
            if data.get("campaign"):
                orders = orders.filter(inspection__campaign=data["campaign"])
                inspections = inspections.filter(campaign=data["campaign"])
            if data.get("region_code"):
                orders = orders.filter(project__region__code__startswith=data["region_code"])
                inspections = inspections.filter(project__region__code__startswith=data["region_code"])
            if data.get("date_from"):
                orders = orders.filter(issued_on__gte=data["date_from"])
                inspections = inspections.filter(inspected_on__gte=data["date_from"])
            if data.get("date_to"):
                orders = orders.filter(issued_on__lte=data["date_to"])
                inspections = inspections.filter(inspected_on__lte=data["date_to"])
        rows = selectors.ledger_rows(orders, inspections, group_by=group_by, today=today)
        lists = selectors.order_lists(orders, today=today)
        title = _("Inspection ledger")
        period_text = self.period_text(form)
        if request.GET.get("format") == "xlsx":
            content = excel.ledger_xlsx(rows, title=title, period_text=period_text, open_orders=lists["open"],
                                        overdue_orders=lists["overdue"], group_by=group_by, today=today)
            response = HttpResponse(content, content_type=XLSX)
            response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=excel.ledger_filename(today))
            response["Cache-Control"] = "private, no-store"
            return response
        query = request.GET.copy()
        query["format"] = "xlsx"
        context = self.get_common_context()
        context.update({
            "form": form, "rows": [row for row in rows if not row.get("is_total")],
            "totals": next((row for row in rows if row.get("is_total")), None), "group_by": group_by, "title": title,
            "period_text": period_text, "today": today, "open_orders": lists["open"], "overdue_orders": lists["overdue"],
            "download_url": f"{request.path}?{query.urlencode()}",
        })
        return render(request, self.template_name, context)
