"""API endpoints of blacklist (credit punishment, DOMAIN.md §7): listings (`/blacklist/`) with their
objections, decision, removal, timeline, notes and advance notice; the public list
(`/public/blacklist/`, no login); quarterly publication batches (`/publications/`); labour-compliance
ratings (`/ratings/`); pushes to the credit-information platform (`/credit-exports/`).

Scope everywhere: a listing, batch, rating or export outside the caller's jurisdiction (or, for a
bureau client, its industries) is a 404 on every path and is never listed. Bureau clients read the
listings of their industries' cases; every write is the labour office's (403). Each write is one
service call in one transaction: invalid input answers 400 and saves nothing; an action the record's
state does not allow answers 409 `{"detail", "code"}`.

An arrears case (or incident) named in a body but outside the caller's jurisdiction is a 400 on
that field ("no such case"), as `source_clue` is in the cases API: the body is invalid, the URL's
object exists."""
import io
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from wagecase.core.api.exceptions import Conflict, django_validation_error_to_drf
from wagecase.core.api.views import errors
from wagecase.core.api.viewsets import WagecaseViewSetMixin
from wagecase.core.models import Enterprise
from wagecase.core.pii import can_view_pii, pii_log_access
from wagecase.core.validators import normalize_uscc

from .. import services
from ..filtersets import (
    CreditExportFilterSet, EnterpriseRatingFilterSet, ListingFilterSet, PublicationBatchFilterSet, PublicListingFilterSet,
)
from ..models import (
    CreditExport, CreditExportEntry, EnterpriseRating, Listing, ListingEvent, Objection, PublicationBatch, PublicationEntry,
)
from .serializers import (
    CreditExportCreateSerializer, CreditExportDetailSerializer, CreditExportSerializer, EnterpriseRatingDetailSerializer,
    EnterpriseRatingSerializer, ListingCreateSerializer, ListingDecideSerializer, ListingEventSerializer,
    ListingNoteSerializer, ListingRemoveSerializer, ListingSerializer, ObjectionCreateSerializer,
    ObjectionReviewSerializer, ObjectionSerializer, PublicationBatchCreateSerializer, PublicationBatchDetailSerializer,
    PublicationBatchSerializer, PublicationEntryAddSerializer, PublicationEntrySerializer, PublicationPublishSerializer,
    PublicListingSerializer, RatingAdjustSerializer,
)

LISTING_CONFLICT = OpenApiResponse(
    description="Not allowed in the listing's current state: `{\"detail\", \"code\"}` with code `wrong_state`, "
                "`order_not_ignored`, `basis_not_met`, `already_listed`, `objection_period`, `objection_pending` or "
                "`repair_not_allowed`."
)
BATCH_CONFLICT = OpenApiResponse(
    description="Not allowed in the batch's current state: `{\"detail\", \"code\"}` with code `wrong_state`, `empty`, "
                "`same_person`, `batch_exists`; adding a case: `basis_not_met` (not a major violation) or "
                "`already_listed` (already in a batch)."
)
EXPORT_CONFLICT = OpenApiResponse(description="`{\"detail\", \"code\": \"nothing_to_export\"}`: nothing new since the "
                                              "office's previous push.")
WRITE_ERRORS = {**errors(400, 401, 403, 404), 409: LISTING_CONFLICT}
BATCH_ERRORS = {**errors(400, 401, 403, 404), 409: BATCH_CONFLICT}
PDF = OpenApiResponse(OpenApiTypes.BINARY, description="The PDF document.")
XLSX = OpenApiResponse(OpenApiTypes.BINARY, description="The Excel workbook.")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Model fields named as the client names them.
FIELD_MAP = {"region": "region_code"}


@contextmanager
def service_errors():
    """A service's errors as the API answers them: ListingConflict → 409 `{detail, code}`, a Django
    ValidationError → 400 by field, PermissionDenied → 403."""
    try:
        yield
    except services.ListingConflict as error:
        raise Conflict(str(error.detail), code=error.error_code)
    except DjangoValidationError as error:
        raise django_validation_error_to_drf(error, field_map=FIELD_MAP)
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error) or None)


def body(serializer_class, request):
    """The request body checked by a serializer (400 by field); an empty body counts as `{}`."""
    data = request.data
    if data is None or data == "":
        data = {}
    if not isinstance(data, dict) and not hasattr(data, "getlist"):
        raise ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    serializer = serializer_class(data=data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def paginated(view, queryset, serializer_class, **kwargs):
    page = view.paginate_queryset(queryset)
    data = serializer_class(page if page is not None else queryset, many=True, **kwargs).data
    return view.get_paginated_response(data) if page is not None else Response(data)


class BinaryRenderer(BaseRenderer):
    """Lets a client ask for a file's type; the file itself is a FileResponse, errors stay JSON."""

    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return JSONRenderer().render(data)


class PDFRenderer(BinaryRenderer):
    media_type = "application/pdf"
    format = "pdf"


class XLSXRenderer(BinaryRenderer):
    media_type = XLSX_TYPE
    format = "xlsx"


class JSONFileRenderer(BinaryRenderer):
    media_type = "application/octet-stream"
    format = "file"


def document_function(name):
    """A generator of blacklist.documents (PDF) or blacklist.excel (xlsx), imported when used: 404 without it."""
    import importlib

    for module_name in ("blacklist.documents", "blacklist.excel"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        function = getattr(module, name, None)
        if function is not None:
            return function
    raise NotFound(_("This document is not available."))


def file_response(data, content_type, filename):
    return FileResponse(io.BytesIO(data), content_type=content_type, filename=filename)


# --- Listings -----------------------------------------------------------------------------------

LISTING_FILTERS = ("Filters: `status` (repeatable), `subject_type`, `person_role`, `basis`, `region_code` (prefix), "
                   "`industry`, `case`, `enterprise_uscc`, `id_number` (exact), `listed_after`/`listed_before` "
                   "(inclusive), `expires_before`, `in_force` (listed and not expired), `q` (name, USCC, notice or "
                   "decision number, enterprise).")


@extend_schema_view(
    list=extend_schema(
        summary="List credit-punishment listings (失信联合惩戒名单)",
        description="Listings (失信联合惩戒名单) in the caller's scope (bureau clients: those of their industries' cases), "
                    "latest notice first. " + LISTING_FILTERS + " Persons' ID numbers are masked unless the caller may "
                    "see personal data.",
        responses={200: ListingSerializer(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(summary="Get a listing (名单详情)", description="With its objections. An unmasked ID number is logged.",
                           responses={200: ListingSerializer, **errors(401, 403, 404)}),
    create=extend_schema(
        summary="Propose a listing (advance notice) (拟列入名单（告知）)",
        description="拟将欠薪案件的用人单位或责任人员列入失信联合惩戒名单，先书面告知，5 个工作日内可陈述申辩。Proposes the case's enterprise (`uscc`) or a person (`id_number`, `name`, `person_role`) for the "
                    "list and records the written advance notice (失信告知书) served on `notified_on` (default today): "
                    "status `notified`, a `notice_number`, and `objection_due`, the 5th working day after the notice "
                    "(on the working-day calendar with its holidays and make-up days). Criteria (Decree 45 art. 5) not "
                    "met → 409 `order_not_ignored` (no order to pay, or it was not ignored) or `basis_not_met` "
                    "(`threshold` without `criminal_threshold_met`, `incident` without an incident linked to the case); "
                    "the same subject already notified or listed for the case → 409 `already_listed`. An invalid USCC "
                    "or ID number → 400 on `uscc`/`id_number`; a case outside the caller's jurisdiction → 400 on "
                    "`case`. Nothing is saved on an error.",
        request=ListingCreateSerializer,
        responses={201: ListingSerializer, **WRITE_ERRORS},
    ),
)
class ListingViewSet(WagecaseViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     viewsets.GenericViewSet):
    """Credit-punishment listings (失信联合惩戒名单): advance notice, objections, decision for 3 years, removal."""

    queryset = Listing.objects.select_related("region", "enterprise", "proposed_by", "decided_by").prefetch_related(
        Prefetch("objections", queryset=Objection.objects.select_related("reviewed_by").order_by("received_on", "pk")),
    )
    serializer_class = ListingSerializer
    filterset_class = ListingFilterSet
    http_method_names = ["get", "post", "head", "options"]
    permission_action_map = {
        "events": "view", "notice_pdf": "view", "decision_pdf": "view",
        **{name: "change" for name in ("decide", "remove", "objections", "objection_review", "notes")},
    }

    def get_model_action(self):
        if self.action == "objections" and self.request.method in ("GET", "HEAD", "OPTIONS"):
            return "view"
        return super().get_model_action()

    def reloaded(self, listing):
        return type(self).queryset.all().restrict(self.request.user, "view").get(pk=listing.pk)

    def respond(self, listing, result_status=status.HTTP_200_OK):
        return Response(self.get_serializer(self.reloaded(listing)).data, status=result_status)

    def create(self, request, *args, **kwargs):
        data = body(ListingCreateSerializer, request)
        with service_errors():
            listing = services.listing_propose(user=request.user, **data)
        if not self.in_scope(listing, "view"):
            raise PermissionDenied(_("The record would lie outside your jurisdiction."))
        return self.respond(listing, status.HTTP_201_CREATED)

    def run(self, service, body_serializer):
        listing = self.get_object()
        data = body(body_serializer, self.request)
        with service_errors():
            service(listing=listing, user=self.request.user, **data)
        return self.respond(listing)

    @extend_schema(
        summary="Decide a listing (作出列入决定)",
        description="The decision (列入决定) `{decided_on (default today), comment}`: `listed` from `decided_on`, "
                    "`expires_on` 3 years later, published the same day, with a `decision_number`. Only a `notified` "
                    "listing (else 409 `wrong_state`), only after `objection_due` has passed (on or before it → 409 "
                    "`objection_period`) and with every objection reviewed (409 `objection_pending`). The enterprise's "
                    "deposit rate and rating follow.",
        request=ListingDecideSerializer, responses={200: ListingSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        return self.run(services.listing_decide, ListingDecideSerializer)

    @extend_schema(
        summary="Remove a listing early (credit repair) (提前移出（信用修复）)",
        description="信用修复 `{\"reason\": \"credit_repair\", \"pledge\", \"removed_on\" (default today)}` → `removed`. "
                    "Only a listing in force (else 409 `wrong_state`), only when the case is cleared and at least 6 "
                    "months have passed since it was cleared (else 409 `repair_not_allowed`); the written pledge is "
                    "required (400 on `pledge`).",
        request=ListingRemoveSerializer, responses={200: ListingSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        return self.run(services.listing_remove, ListingRemoveSerializer)

    @extend_schema(methods=["GET"], summary="A listing's objections (陈述申辩列表)", description="Oldest first.",
                   responses={200: ObjectionSerializer(many=True), **errors(401, 403, 404)})
    @extend_schema(
        methods=["POST"], summary="Record an objection (登记陈述申辩)",
        description="An objection (陈述申辩) `{text, received_on (default today)}` received during the objection period: "
                    "after `objection_due` → 409 `objection_period`; a listing no longer `notified` → 409 `wrong_state`. "
                    "Answers the objection; the decision waits until it is reviewed.",
        request=ObjectionCreateSerializer, responses={201: ObjectionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def objections(self, request, pk=None):
        listing = self.get_object()
        if request.method == "GET":
            return paginated(self, Objection.objects.filter(listing=listing).select_related("reviewed_by")
                             .order_by("received_on", "pk"), ObjectionSerializer)
        data = body(ObjectionCreateSerializer, request)
        with service_errors():
            objection = services.listing_object(listing=listing, user=request.user, **data)
        return Response(ObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Review an objection (复核陈述申辩)",
        description="`{\"outcome\": \"upheld\"|\"rejected\", \"review\"}`: `upheld` withdraws the listing (`withdrawn`); "
                    "`rejected` lets the decision go ahead. An objection already reviewed → 409 `wrong_state`. "
                    "Answers the listing.",
        request=ObjectionReviewSerializer, responses={200: ListingSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path=r"objections/(?P<objection_id>\d+)/review")
    def objection_review(self, request, pk=None, objection_id=None):
        listing = self.get_object()
        objection = Objection.objects.filter(listing=listing, pk=objection_id).first()
        if objection is None:
            raise NotFound()
        data = body(ObjectionReviewSerializer, request)
        with service_errors():
            services.objection_review(objection=objection, user=request.user, **data)
        return self.respond(listing)

    @extend_schema(summary="A listing's timeline (名单办理记录)",
                   description="Its events, oldest first: proposal and notice, objections and reviews, decision, "
                               "publication, pushes to the credit platform, removal or expiry (by the daily job: "
                               "`user` null, `job` set), notes.",
                   responses={200: ListingEventSerializer(many=True), **errors(401, 403, 404)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def events(self, request, pk=None):
        listing = self.get_object()
        events = ListingEvent.objects.filter(listing=listing).select_related("user").order_by("created", "pk")
        return paginated(self, events, ListingEventSerializer)

    @extend_schema(summary="Add a note to a listing's timeline (添加名单备注)", description="`{comment}`; answers the timeline entry.",
                   request=ListingNoteSerializer,
                   responses={201: ListingEventSerializer, **errors(400, 401, 403, 404)})
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        listing = self.get_object()
        data = body(ListingNoteSerializer, request)
        with service_errors():
            event = services.listing_note(listing=listing, user=request.user, **data)
        return Response(ListingEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Download the advance notice as PDF (下载列入告知书（PDF）)",
                   description="The numbered advance notice (失信联合惩戒对象名单列入告知书) served on the subject, in "
                               "Chinese; a person's ID number is printed masked.",
                   responses={(200, "application/pdf"): PDF, **errors(401, 403, 404)})
    @action(detail=True, methods=["get"], url_path="notice-pdf", renderer_classes=[JSONRenderer, PDFRenderer],
            filter_backends=[])
    def notice_pdf(self, request, pk=None):
        listing = self.get_object()
        data = document_function("listing_notice_pdf")(listing)
        return file_response(data, "application/pdf", f"{listing.notice_number}.pdf")

    @extend_schema(summary="Download the listing decision as PDF (下载列入决定书（PDF）)",
                   description="The decision (失信联合惩戒对象名单列入决定书) of a decided listing, in Chinese; 404 before "
                               "the decision.",
                   responses={(200, "application/pdf"): PDF, **errors(401, 403, 404)})
    @action(detail=True, methods=["get"], url_path="decision-pdf", renderer_classes=[JSONRenderer, PDFRenderer],
            filter_backends=[])
    def decision_pdf(self, request, pk=None):
        listing = self.get_object()
        if not listing.decision_number:
            raise NotFound(_("The listing has not been decided."))
        data = document_function("listing_decision_pdf")(listing)
        return file_response(data, "application/pdf", f"{listing.decision_number}.pdf")


# --- The public list ----------------------------------------------------------------------------


class PublicListRateThrottle(BaseThrottle):
    """Requests per IP address on the public list (django-ratelimit, setting PUBLIC_BLACKLIST_RATE_PER_IP),
    counted in the same cache as the public pages' limits."""

    group = "public-blacklist-ip"

    def allow_request(self, request, view):
        rate = getattr(settings, "PUBLIC_BLACKLIST_RATE_PER_IP", "300/h")
        self.usage = get_usage(request._request, group=self.group, key="ip", rate=rate, increment=True)
        return not (self.usage is not None and self.usage["should_limit"])

    def wait(self):
        return max(int(self.usage.get("time_left", 60)), 1) if self.usage else None


@extend_schema_view(
    list=extend_schema(
        summary="Public list of serious wage-arrears violators (no login) (失信名单公开查询（无需登录）)",
        description="公开查询: the entries listed and not expired (in force today) — never notified, withdrawn, removed or "
                    "expired ones. Only what is published: the subject's name, USCC (enterprises), ID number always "
                    "masked (persons), the enterprise, basis, facts, deciding office, decision number and term. "
                    "`q` searches names and USCCs; `region_code` narrows by the deciding office (prefix). No login; "
                    "requests per IP address are limited (429 with Retry-After when over).",
        responses={200: PublicListingSerializer(many=True), **errors(400),
                   429: OpenApiResponse(description="Too many requests from this address; retry after `Retry-After` s.")},
    ),
)
class PublicListingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The public list (失信联合惩戒对象名单公开查询), without login."""

    serializer_class = PublicListingSerializer
    filterset_class = PublicListingFilterSet
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicListRateThrottle]

    def get_queryset(self):
        return Listing.objects.in_force().select_related("region", "enterprise").order_by("-listed_on", "-pk")


# --- Publication batches ------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List major-violation publication batches (重大违法行为社会公布批次列表)",
        description="Quarterly batches (重大劳动保障违法行为社会公布) of the offices in the caller's jurisdiction, latest "
                    "quarter first. Filters: `status` (repeatable), `region_code` (prefix), `year`, `quarter`, `q` "
                    "(title, enterprise name or USCC of an entry).",
        responses={200: PublicationBatchSerializer(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(summary="Get a publication batch (公布批次详情)", description="With its entries and download links.",
                           responses={200: PublicationBatchDetailSerializer, **errors(401, 403, 404)}),
    create=extend_schema(
        summary="Prepare a quarter's publication batch (新建季度公布批次)",
        description="按季度准备重大劳动保障违法行为社会公布批次。`{region_code, year, quarter}` (a city or county office in the caller's jurisdiction): a `draft` "
                    "with every case of the office's region that qualifies by the quarter's end and was never "
                    "published (referred for prosecution, or an ignored order on arrears over the criminal threshold). "
                    "The office's batch for that quarter exists → 409 `batch_exists`.",
        request=PublicationBatchCreateSerializer,
        responses={201: PublicationBatchDetailSerializer, **BATCH_ERRORS},
    ),
)
class PublicationBatchViewSet(WagecaseViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                              mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Quarterly publications of major labour-law violations (Decree 29): draft → reviewed → approved → published."""

    queryset = PublicationBatch.objects.select_related("region", "created_by", "reviewed_by", "approved_by").annotate(
        entry_count=Count("entries")).order_by("-year", "-quarter", "region_id", "pk")  # an aggregate drops Meta.ordering
    serializer_class = PublicationBatchSerializer
    filterset_class = PublicationBatchFilterSet
    http_method_names = ["get", "post", "delete", "head", "options"]
    permission_action_map = {
        "xlsx": "view", "pdf": "view",
        **{name: "change" for name in ("review", "approve", "publish", "entries", "entry_remove")},
    }

    def get_serializer_class(self):
        return PublicationBatchSerializer if self.action == "list" else PublicationBatchDetailSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action != "list":
            queryset = queryset.prefetch_related(
                Prefetch("entries", queryset=PublicationEntry.objects.order_by("pk")))
        return queryset

    def respond(self, batch, result_status=status.HTTP_200_OK):
        batch = (type(self).queryset.all().restrict(self.request.user, "view")
                 .prefetch_related(Prefetch("entries", queryset=PublicationEntry.objects.order_by("pk"))).get(pk=batch.pk))
        return Response(PublicationBatchDetailSerializer(batch, context=self.get_serializer_context()).data,
                        status=result_status)

    def create(self, request, *args, **kwargs):
        data = body(PublicationBatchCreateSerializer, request)
        with service_errors():
            batch = services.batch_create(user=request.user, region=data["region_code"], year=data["year"],
                                          quarter=data["quarter"])
        return self.respond(batch, status.HTTP_201_CREATED)

    def run(self, service, body_serializer=None):
        batch = self.get_object()
        data = body(body_serializer, self.request) if body_serializer else {}
        with service_errors():
            service(batch=batch, user=self.request.user, **data)
        return self.respond(batch)

    @extend_schema(summary="Review a batch (审核公布批次)", request=None,
                   description="`draft` → `reviewed` (else 409 `wrong_state`); a batch without entries → 409 `empty`.",
                   responses={200: PublicationBatchDetailSerializer, **BATCH_ERRORS})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self.run(services.batch_review)

    @extend_schema(summary="Approve a batch (批准公布批次)", request=None,
                   description="`reviewed` → `approved`, by the office head (else 403) who is not the reviewer (409 "
                               "`same_person`).",
                   responses={200: PublicationBatchDetailSerializer, **BATCH_ERRORS})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self.run(services.batch_approve)

    @extend_schema(summary="Publish a batch (公布)", description="`approved` → `published` on `published_on` (default today).",
                   request=PublicationPublishSerializer, responses={200: PublicationBatchDetailSerializer, **BATCH_ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self.run(services.batch_publish, PublicationPublishSerializer)

    @extend_schema(summary="Add a case to a batch (批次添加案件)",
                   description="`{case}` while the batch is a `draft` (else 409 `wrong_state`): a major violation of the "
                               "office's region (400 on `case` when outside it; 409 `basis_not_met` when it does not "
                               "qualify; 409 `already_listed` when it is in a batch already). Answers the entry, its "
                               "content frozen from the case.",
                   request=PublicationEntryAddSerializer, responses={201: PublicationEntrySerializer, **BATCH_ERRORS})
    @action(detail=True, methods=["post"], filter_backends=[])
    def entries(self, request, pk=None):
        batch = self.get_object()
        data = body(PublicationEntryAddSerializer, request)
        with service_errors():
            entry = services.batch_entry_add(batch=batch, user=request.user, **data)
        return Response(PublicationEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Take an entry out of a batch (从批次移除条目)", request=None,
                   description="While the batch is a `draft` (else 409 `wrong_state`).",
                   responses={204: None, **BATCH_ERRORS})
    @action(detail=True, methods=["delete"], url_path=r"entries/(?P<entry_id>\d+)", filter_backends=[])
    def entry_remove(self, request, pk=None, entry_id=None):
        batch = self.get_object()
        entry = PublicationEntry.objects.filter(batch=batch, pk=entry_id).select_related("batch").first()
        if entry is None:
            raise NotFound()
        with service_errors():
            services.batch_entry_remove(entry=entry, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Download a batch as Excel (下载公布批次（Excel）)", description="The publication table (name, USCC, address, legal "
                   "representative, facts, handling). 404 when the document cannot be made.",
                   responses={(200, XLSX_TYPE): XLSX, **errors(401, 403, 404)})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, XLSXRenderer], filter_backends=[])
    def xlsx(self, request, pk=None):
        batch = self.get_object()
        data = document_function("publication_xlsx")(batch)
        return file_response(data, XLSX_TYPE, f"{batch.title}.xlsx")

    @extend_schema(summary="Download a batch as PDF (下载公布批次（PDF）)", description="The publication as a Chinese document. 404 when the "
                   "document cannot be made.", responses={(200, "application/pdf"): PDF, **errors(401, 403, 404)})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PDFRenderer], filter_backends=[])
    def pdf(self, request, pk=None):
        batch = self.get_object()
        data = document_function("publication_pdf")(batch)
        return file_response(data, "application/pdf", f"{batch.title}.pdf")


# --- Ratings ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List labour-compliance ratings (守法诚信等级列表)",
        description="Ratings (守法诚信等级 A/B/C) of the enterprises in the caller's scope. Filters: `rating` (the one in "
                    "force, repeatable), `computed`, `adjusted` (bool), `region_code` (the enterprise's, prefix), "
                    "`enterprise_uscc`, `q` (name, USCC). `listed`: on the credit-punishment list in force.",
        responses={200: EnterpriseRatingSerializer(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="Get an enterprise's rating (企业守法诚信等级)",
        description="By the enterprise's USCC (18 characters) or the rating's id: `computed` with its `reasons`, "
                    "`adjusted` and its reason, `rating` in force, and the documented `rules`.",
        responses={200: EnterpriseRatingDetailSerializer, **errors(401, 403, 404)},
    ),
)
class EnterpriseRatingViewSet(WagecaseViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                              viewsets.GenericViewSet):
    """Labour-compliance ratings of enterprises, computed by documented rules and adjustable by the office head."""

    queryset = EnterpriseRating.objects.select_related("enterprise", "adjusted_by").order_by("enterprise__name", "pk")
    serializer_class = EnterpriseRatingSerializer
    filterset_class = EnterpriseRatingFilterSet
    lookup_value_regex = r"[0-9A-Za-z]+"
    http_method_names = ["get", "post", "head", "options"]
    permission_action_map = {"adjust": "change", "recompute": "change"}

    def get_serializer_class(self):
        return EnterpriseRatingSerializer if self.action == "list" else EnterpriseRatingDetailSerializer

    def lookup(self):
        value = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, "")
        if len(value) == 18:
            return {"enterprise__uscc": normalize_uscc(value)}
        if value.isdigit():
            return {"pk": int(value)}
        raise NotFound()

    def get_object(self):
        rating = self.get_queryset().filter(**self.lookup()).first()
        if rating is None:
            raise NotFound()
        self.check_object_permissions(self.request, rating)
        return rating

    def enterprise(self):
        """The enterprise named in the URL, rated or not yet (a USCC in the caller's scope), for the writes."""
        lookup = self.lookup()
        rating = self.get_queryset().filter(**lookup).select_related("enterprise").first()
        if rating is not None:
            return rating.enterprise
        if "enterprise__uscc" in lookup:
            enterprise = Enterprise.objects.restrict(self.request.user, "view").filter(
                uscc=lookup["enterprise__uscc"]).first()
            if enterprise is not None:
                return enterprise
        raise NotFound()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context.setdefault("listed_ids", set())
        return context

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        context = {**self.get_serializer_context(),
                   "listed_ids": services.listed_enterprise_ids(r.enterprise_id for r in rows)}
        data = EnterpriseRatingSerializer(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def respond(self, rating):
        rating = type(self).queryset.all().get(pk=rating.pk)
        context = {**self.get_serializer_context(), "listed_ids": services.listed_enterprise_ids([rating.enterprise_id])}
        return Response(EnterpriseRatingDetailSerializer(rating, context=context).data)

    def retrieve(self, request, *args, **kwargs):
        return self.respond(self.get_object())

    @extend_schema(summary="Adjust a rating (调整等级)",
                   description="`{\"rating\": \"A\"|\"B\"|\"C\"|\"\", \"reason\"}` by the office head (else 403), the reason "
                               "recorded; an empty rating returns to the computed one. The enterprise's rating in force "
                               "follows.",
                   request=RatingAdjustSerializer, responses={200: EnterpriseRatingDetailSerializer, **errors(400, 401, 403, 404)})
    @action(detail=True, methods=["post"])
    def adjust(self, request, pk=None):
        enterprise = self.enterprise()
        data = body(RatingAdjustSerializer, request)
        with service_errors():
            rating = services.rating_adjust(enterprise=enterprise, user=request.user, **data)
        return self.respond(rating)

    @extend_schema(summary="Recompute a rating (重新评定等级)", request=None,
                   description="Recomputes the enterprise's rating today by the rules (also for an enterprise in scope "
                               "not rated yet, named by USCC); an adjustment stays in force.",
                   responses={200: EnterpriseRatingDetailSerializer, **errors(401, 403, 404)})
    @action(detail=True, methods=["post"])
    def recompute(self, request, pk=None):
        enterprise = self.enterprise()
        with service_errors():
            rating = services.rating_compute(enterprise=enterprise)
        return self.respond(rating)


# --- Credit-platform exports --------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List pushes to the credit-information platform (信用信息共享平台推送记录)",
        description="Exports (信用信息共享平台推送) of the offices in the caller's jurisdiction, latest first. Filters: "
                    "`region_code` (prefix), `created_after`/`created_before` (dates).",
        responses={200: CreditExportSerializer(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(summary="Get a credit-platform export (推送记录详情)", description="With the listings and actions it sent.",
                           responses={200: CreditExportDetailSerializer, **errors(401, 403, 404)}),
    create=extend_schema(
        summary="Push to the credit-information platform (推送至信用信息共享平台)",
        description="将列入、移出和到期信息推送至信用信息共享平台。`{region_code}` (optional, default the caller's office): one JSON file with every decision, "
                    "removal and expiry of the office's listings not sent before (each sent once). Needs the "
                    "personal-data permission (the file carries full ID numbers; else 403). Nothing new → 409 "
                    "`nothing_to_export`.",
        request=CreditExportCreateSerializer,
        responses={201: CreditExportDetailSerializer, **errors(400, 401, 403), 409: EXPORT_CONFLICT},
    ),
)
class CreditExportViewSet(WagecaseViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Pushes of listings to the credit-information platform, as structured JSON files."""

    queryset = CreditExport.objects.select_related("region", "created_by")
    serializer_class = CreditExportSerializer
    filterset_class = CreditExportFilterSet
    http_method_names = ["get", "post", "head", "options"]
    permission_action_map = {"file": "view"}

    def get_serializer_class(self):
        return CreditExportSerializer if self.action == "list" else CreditExportDetailSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action != "list":
            queryset = queryset.prefetch_related(
                Prefetch("entries", queryset=CreditExportEntry.objects.select_related("listing").order_by("pk")))
        return queryset

    def create(self, request, *args, **kwargs):
        data = body(CreditExportCreateSerializer, request)
        with service_errors():
            export = services.credit_export_create(user=request.user, region=data.get("region_code"))
        export = self.get_queryset().get(pk=export.pk)
        return Response(CreditExportDetailSerializer(export, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary="Download an export's JSON file (下载推送文件（JSON）)",
                   description="The file as sent (format `wagecase.credit-export/1`, full identifiers): needs the "
                               "personal-data permission (else 403); the access to persons' ID numbers is logged.",
                   responses={(200, "application/json"): OpenApiResponse(OpenApiTypes.BINARY, description="The JSON file."),
                              **errors(401, 403, 404)})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, JSONFileRenderer], filter_backends=[])
    def file(self, request, pk=None):
        export = self.get_object()
        if not can_view_pii(request.user):
            raise PermissionDenied(_("The export carries full ID numbers: it needs the personal-data permission."))
        if not export.file:
            raise Http404(_("No file has been stored."))
        try:
            with export.file.open("rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            raise Http404(_("No file has been stored."))
        persons = [(entry.listing, "id_number") for entry in export.entries.all() if entry.listing.id_number]
        if persons:
            pii_log_access(user=request.user, objects_fields=persons, channel="export")
        name = export.file.name.rsplit("/", 1)[-1]
        return file_response(data, "application/json", name)
