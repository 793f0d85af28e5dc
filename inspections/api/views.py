"""API endpoints of inspections: inspection records (list, record, detail, photos), rectification
orders (list by status today, re-inspection, penalty decision, PDF), penalty decisions, campaigns
(with phases and progress) and double-random draws.

Scope everywhere: a record outside the caller's jurisdiction (a bureau client: outside its
industries) is a 404 on every path and absent from lists and counts. Writing needs the role's
`inspections.*` permission (else 403). A wrong state answers 409 `{"detail", "code"}`; bad input
400 by field, nothing saved (each write runs in the request's transaction). Records are never
edited or deleted through the API, except campaigns (PATCH)."""
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from projects.filtersets import ProjectFilterSet
from projects.models import Project
from wagecase.core.api.exceptions import Conflict, django_validation_error_to_drf
from wagecase.core.api.views import errors
from wagecase.core.api.viewsets import WagecaseViewSetMixin

from .. import selectors, services
from ..choices import OrderStatus
from ..filtersets import (
    CampaignFilterSet, DrawFilterSet, InspectionFilterSet, PenaltyDecisionFilterSet, RectificationOrderFilterSet,
)
from ..models import Campaign, CampaignPhase, Draw, Inspection, PenaltyDecision, RectificationOrder, Reinspection
from ..services import InspectionConflict
from .serializers import (
    CampaignProgressSerializer, CampaignSerializer, DrawCreateSerializer, DrawSerializer, InspectionPhotoSerializer,
    InspectionPhotoUploadSerializer, InspectionSerializer, PenaltyDecideSerializer, PenaltyDecisionSerializer,
    RectificationOrderSerializer, ReinspectSerializer,
)

CONFLICT = OpenApiResponse(
    description="Not allowed in the record's current state: `{\"detail\", \"code\"}` with code `wrong_state`, "
                "`not_escalated` or `draw_empty`."
)
PDF = OpenApiResponse(OpenApiTypes.BINARY, description="The PDF document.")


@contextmanager
def service_errors():
    """A service's errors as the API answers them: InspectionConflict → 409 `{detail, code}`, a
    Django ValidationError → 400 by field."""
    try:
        yield
    except InspectionConflict as error:
        raise Conflict(str(error.detail), code=error.error_code)
    except DjangoValidationError as error:
        raise django_validation_error_to_drf(error)


def body(serializer_class, request, context=None):
    """The request body checked by a serializer (400 by field); an empty body counts as `{}`."""
    data = request.data
    if data is None or data == "":
        data = {}
    if not isinstance(data, dict) and not hasattr(data, "getlist"):
        raise ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    serializer = serializer_class(data=data, context=context or {"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class PDFRenderer(BaseRenderer):
    """Lets a client ask for `application/pdf`; the document itself is a FileResponse, errors stay JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return JSONRenderer().render(data)


def pdf_response(field_file, name):
    if not field_file:
        raise Http404(_("No document has been stored."))
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404(_("No document has been stored."))
    return FileResponse(handle, content_type="application/pdf", filename=f"{name}.pdf")


# --- Inspections ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List inspections (执法检查记录列表)",
        description="本辖区的执法检查记录，最新在前。Inspection records in the caller's scope (bureau clients: their industries' projects), newest "
                    "first. Filters: `region_code` (prefix), `project_code`, `industry`, `method`, `campaign`, "
                    "`inspected_after`/`inspected_before` (inclusive), `inspector` (username), `failed_item`, "
                    "`has_failures`, `q`.",
        responses={200: InspectionSerializer(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(summary="Get an inspection (执法检查记录详情)", responses={200: InspectionSerializer, **errors(401, 403, 404)}),
    create=extend_schema(
        summary="Record an inspection (登记执法检查)",
        description="登记执法检查（至少两名监察员），逐项检查五项核心制度，可同时下达限期整改指令。At least two inspectors (usernames) responsible for the project's county; a result (`pass`, "
                    "`fail`, `na`) for every checklist item; `inspected_on` not in the future. Any `fail` issues a "
                    "numbered rectification order (`order`) for the failed items, due `rectify_by` (default: the "
                    "policy's working days, 15 unless configured). Invalid input answers 400 and saves nothing.",
        responses={201: InspectionSerializer, **errors(400, 401, 403)},
    ),
)
class InspectionViewSet(WagecaseViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        viewsets.GenericViewSet):
    """Inspection records (检查记录) with their checklist, the order they issued and evidence photos."""

    queryset = Inspection.objects.select_related("project", "campaign", "clue", "order", "recorded_by").prefetch_related(
        "inspectors", "photos"
    )
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilterSet
    http_method_names = ["get", "post", "head", "options"]
    permission_action_map = {"photos": "change"}

    def reloaded(self, inspection):
        return type(self).queryset.all().get(pk=inspection.pk)

    def perform_create(self, serializer):
        instance = self.save_in_scope(serializer, "add")
        serializer.instance = self.reloaded(instance)

    @extend_schema(
        summary="Add an evidence photo (上传现场照片)",
        description="multipart/form-data with `image` (JPEG, PNG or WebP, at most 5 MB; anything else → 400) and an "
                    "optional `caption`.",
        request={"multipart/form-data": InspectionPhotoUploadSerializer},
        responses={201: InspectionPhotoSerializer, **errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def photos(self, request, pk=None):
        inspection = self.get_object()
        data = body(InspectionPhotoUploadSerializer, request)
        with service_errors():
            photo = services.inspection_photo_add(inspection=inspection, user=request.user, **data)
        return Response(InspectionPhotoSerializer(photo, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


# --- Rectification orders ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List rectification orders (限期整改指令列表)",
        description="限期整改指令书，从下达到销号或移送处罚。Orders in the caller's scope, newest first. `status` (repeatable) is today's: `open` (within the "
                    "deadline), `overdue` (open past `rectify_by`, whether or not the daily job has run), `closed` "
                    "(written off), `escalated`. Also `region_code`, `project_code`, `campaign`, "
                    "`issued_after`/`issued_before`, `item`, `q`.",
        responses={200: RectificationOrderSerializer(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(summary="Get a rectification order (限期整改指令详情)",
                           responses={200: RectificationOrderSerializer, **errors(401, 403, 404)}),
)
class RectificationOrderViewSet(WagecaseViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                                viewsets.GenericViewSet):
    """Rectification orders (限期整改指令书), from issue to write-off or escalation."""

    queryset = RectificationOrder.objects.select_related("project", "enterprise").prefetch_related(
        Prefetch("reinspections", queryset=Reinspection.objects.select_related("user")),
        Prefetch("penalties", queryset=PenaltyDecision.objects.order_by("decided_on", "pk")),
    )
    serializer_class = RectificationOrderSerializer
    filterset_class = RectificationOrderFilterSet
    http_method_names = ["get", "post", "head", "options"]
    permission_action_map = {"reinspect": "change", "penalty": "change", "document": "view"}

    def reloaded(self, order):
        return type(self).queryset.all().get(pk=order.pk)

    @extend_schema(
        summary="Re-inspect an order (复查整改情况)",
        description="复查：整改到位即销号，逾期未整改移送处罚。`rectified: true` → `closed` (written off, 销号); not rectified after `rectify_by` → `escalated`; "
                    "not rectified before it → stays `open`, recorded. A `closed` or `escalated` order → 409 "
                    "`wrong_state`; a future date → 400.",
        request=ReinspectSerializer,
        responses={200: RectificationOrderSerializer, **errors(400, 401, 403, 404), 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def reinspect(self, request, pk=None):
        order = self.get_object()
        data = body(ReinspectSerializer, request)
        with service_errors():
            services.order_reinspect(order=order, user=request.user, **data)
        return Response(self.get_serializer(self.reloaded(order)).data)

    @extend_schema(
        summary="Decide a penalty on an escalated order (作出行政处罚决定)",
        description="Only after escalation (else 409 `not_escalated`) and on or after the deadline; the amount must lie "
                    "in the article's legal range (art. 54 unit ¥20,000–50,000, person ¥10,000–30,000; arts. 55–57 "
                    "¥50,000–100,000), else 400 on `amount`; `work_stoppage` only under arts. 55 and 57.",
        request=PenaltyDecideSerializer,
        responses={201: PenaltyDecisionSerializer, **errors(400, 401, 403, 404), 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def penalty(self, request, pk=None):
        order = self.get_object()
        data = body(PenaltyDecideSerializer, request)
        with service_errors():
            penalty = services.penalty_decide(order=order, user=request.user, **data)
        penalty = PenaltyDecision.objects.select_related("order", "project", "enterprise", "decided_by").get(pk=penalty.pk)
        return Response(PenaltyDecisionSerializer(penalty, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary="Download the order as PDF (下载限期整改指令书（PDF）)", description="404 when no document is stored.",
                   responses={(200, "application/pdf"): PDF, **errors(401, 403, 404)})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PDFRenderer], filter_backends=[])
    def document(self, request, pk=None):
        order = self.get_object()
        return pdf_response(order.document, order.number)


# --- Penalty decisions ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List penalty decisions (行政处罚决定列表)",
        description="Decisions in the caller's scope, newest first. Filters: `region_code`, `article` (repeatable), "
                    "`decided_after`/`decided_before`, `work_stoppage`, `q`.",
        responses={200: PenaltyDecisionSerializer(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(summary="Get a penalty decision (行政处罚决定详情)",
                           responses={200: PenaltyDecisionSerializer, **errors(401, 403, 404)}),
)
class PenaltyDecisionViewSet(WagecaseViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             viewsets.GenericViewSet):
    """Penalty decisions (行政处罚决定书); made through `POST /rectifications/{id}/penalty/`."""

    queryset = PenaltyDecision.objects.select_related("order", "project", "enterprise", "decided_by")
    serializer_class = PenaltyDecisionSerializer
    filterset_class = PenaltyDecisionFilterSet
    http_method_names = ["get", "head", "options"]
    permission_action_map = {"document": "view"}

    @extend_schema(summary="Download the penalty decision as PDF (下载行政处罚决定书（PDF）)", description="404 when no document is stored.",
                   responses={(200, "application/pdf"): PDF, **errors(401, 403, 404)})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PDFRenderer], filter_backends=[])
    def document(self, request, pk=None):
        penalty = self.get_object()
        return pdf_response(penalty.document, penalty.number)


# --- Campaigns ------------------------------------------------------------------------------------------


def percent(part, whole):
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def campaign_progress(campaign, user, today=None):
    """Progress of a campaign in the caller's scope, in the API's shape; the figures come from
    inspections.selectors.campaign_progress, which the campaign page shows too."""
    figures = selectors.campaign_progress(campaign, user, today=today)
    orders = figures["orders"]
    inspected_percent = figures["inspected_percent"] if figures["inspected_percent"] is not None else percent(0, 1)
    return {
        "campaign": campaign.pk,
        "projects_in_population": figures["population"],
        "projects_inspected": figures["inspected"],
        "inspected_percent": inspected_percent,
        "target_inspected_percent": campaign.target_inspected_percent,
        "inspected_target_met": figures["population"] > 0 and inspected_percent >= campaign.target_inspected_percent,
        "orders": {"issued": orders["issued"], "open": orders["open"], "overdue": orders["overdue"],
                   "closed": orders["written_off"], "escalated": orders["escalated"]},
        "rectified_percent": percent(orders["written_off"], orders["issued"]),
        "target_rectified_percent": campaign.target_rectified_percent,
    }


@extend_schema_view(
    list=extend_schema(
        summary="List campaigns (专项行动列表)",
        description="冬季专项行动等专项行动，含阶段和目标。Campaigns of the caller's region and below, and those organised above it. Filters: `kind`, "
                    "`region_code`, `active_on` (a date), `q`.",
        responses={200: CampaignSerializer(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(summary="Get a campaign (专项行动详情)", responses={200: CampaignSerializer, **errors(401, 403, 404)}),
    create=extend_schema(
        summary="Create a campaign (部署专项行动)",
        description="Inspectors and office heads, for a region within their jurisdiction (else 400 on `region_code`). "
                    "`phases` lie within the campaign's dates.",
        responses={201: CampaignSerializer, **errors(400, 401, 403)},
    ),
    partial_update=extend_schema(
        summary="Change a campaign (修改专项行动)", description="`phases`, when sent, replaces the campaign's phases.",
        responses={200: CampaignSerializer, **errors(400, 401, 403, 404)},
    ),
)
class CampaignViewSet(WagecaseViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Special enforcement campaigns (专项行动) with their phases and targets."""

    queryset = Campaign.objects.select_related("region").prefetch_related(
        Prefetch("phases", queryset=CampaignPhase.objects.order_by("starts_on", "pk"))
    )
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_action_map = {"progress": "view"}

    def reloaded(self, campaign):
        return type(self).queryset.all().get(pk=campaign.pk)

    def perform_create(self, serializer):
        serializer.instance = self.reloaded(self.save_in_scope(serializer, "add"))

    def perform_update(self, serializer):
        serializer.instance = self.reloaded(self.save_in_scope(serializer, "change"))

    @extend_schema(
        summary="A campaign's progress (专项行动进度)",
        description="Counted in the caller's scope: the projects of the campaign's population, those inspected (an "
                    "inspection in the campaign or within its dates), the share against the target, and the orders of "
                    "those inspections by today's status.",
        responses={200: CampaignProgressSerializer, **errors(401, 403, 404)},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def progress(self, request, pk=None):
        campaign = self.get_object()
        return Response(CampaignProgressSerializer(campaign_progress(campaign, request.user)).data)


# --- Draws ----------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List double-random draws (双随机抽查列表)",
        description="Draws in the caller's scope, newest first. Filters: `campaign`, `region_code`, `published`.",
        responses={200: DrawSerializer(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(summary="Get a draw (双随机抽查详情)", description="With its seed and pools; `verified` re-runs it.",
                           responses={200: DrawSerializer, **errors(401, 403, 404)}),
    create=extend_schema(
        summary="Make a double-random draw (双随机抽取)",
        description="双随机一公开：随机抽取检查项目和执法检查人员。Project pool: the campaign's population in the caller's scope and the region, narrowed by "
                    "`project_filter` (the project list's parameters). Inspector pool: `inspectors` or the region's "
                    "active inspectors. The seed (given or random) and both pools are stored, so anyone can re-run the "
                    "draw. Pools too small → 409 `draw_empty`.",
        request=DrawCreateSerializer,
        responses={201: DrawSerializer, **errors(400, 401, 403), 409: CONFLICT},
    ),
)
class DrawViewSet(WagecaseViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  viewsets.GenericViewSet):
    """Double-random draws (双随机): projects and inspector pairs drawn reproducibly from a seed."""

    queryset = Draw.objects.select_related("drawn_by")
    serializer_class = DrawSerializer
    filterset_class = DrawFilterSet
    http_method_names = ["get", "post", "head", "options"]
    permission_action_map = {"publish": "change"}

    def create(self, request, *args, **kwargs):
        data = body(DrawCreateSerializer, request, self.get_serializer_context())
        campaign, region = data["campaign"], data["region"]
        project_filter = data.get("project_filter") or {}
        query = QueryDict(mutable=True)
        for key, value in project_filter.items():
            query.setlist(key, [str(v).lower() if isinstance(v, bool) else str(v)
                                for v in (value if isinstance(value, list) else [value])])
        projects = campaign.projects().filter(region__code__startswith=region.code).filter(
            pk__in=Project.objects.restrict(request.user, "view").values("pk"))
        filterset = ProjectFilterSet(data=query, queryset=projects, request=request)
        if not filterset.is_valid():
            raise ValidationError({"project_filter": filterset.errors})
        inspectors = data.get("inspectors")
        if inspectors is None:
            inspectors = services.inspector_pool_for(region.code)
        with service_errors():
            draw = services.draw_make(
                campaign=campaign, user=request.user, region=region, count=data["count"], projects=filterset.qs,
                inspectors=inspectors, seed=data.get("seed"), pool_filter=project_filter,
            )
        if not self.in_scope(draw, "add"):
            raise ValidationError({"region_code": [_("The region lies outside your jurisdiction.")]})
        serializer = self.get_serializer(type(self).queryset.all().get(pk=draw.pk))
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Publish a draw (公开抽查结果)", description="Shows the draw on the campaign's public result page.",
                   request=None, responses={200: DrawSerializer, **errors(401, 403, 404)})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        draw = self.get_object()
        draw = services.draw_publish(draw=draw, user=request.user)
        return Response(self.get_serializer(type(self).queryset.all().get(pk=draw.pk)).data)
