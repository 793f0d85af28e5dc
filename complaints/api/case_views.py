"""API endpoints of arrears cases (`/cases/`), their payments, order to pay, extra compensation,
criminal referral, timeline and notes; emergency incidents (`/incidents/`); and the clear-to-zero
figures (`/stats/zero-clearance/`).

Scope everywhere: a case or incident outside the caller's jurisdiction (or, for a bureau client, its
industries) is a 404 on every path and is never listed or counted. Bureau clients read the cases,
payments, timelines and incidents of their industries' projects; every write is the labour office's
(403). Each write is one service call in one transaction: invalid input answers 400 and saves
nothing; an action the case's state does not allow answers 409 `{"detail", "code"}`."""
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import DecimalField, ExpressionWrapper, F, Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from wagecase.core.api.exceptions import Conflict, django_validation_error_to_drf
from wagecase.core.api.views import errors
from wagecase.core.api.viewsets import WagecaseViewSetMixin

from .. import services
from ..case_filtersets import ArrearsCaseFilterSet, IncidentFilterSet
from ..case_selectors import zero_clearance
from ..models import ArrearsCase, CaseEvent, CasePayment, CaseWorker, CriminalReferral, Incident
from .case_serializers import (
    CASE_FIELD_MAP, INCIDENT_FIELD_MAP, ArrearsCaseSerializer, ArrearsCaseUpdateSerializer, CaseCompensationSerializer,
    CaseEventSerializer, CaseNoteSerializer, CaseOrderSerializer, CasePaymentSerializer, CaseReferralUpdateSerializer,
    CriminalReferralSerializer, IncidentSerializer, IncidentUpdateSerializer, ZeroClearanceQuerySerializer,
    ZeroClearanceSerializer,
)
from .views import request_data

CASE_CONFLICT = OpenApiResponse(
    description="Not allowed in the case's current state: `{\"detail\", \"code\"}` with code `cleared`, `order_exists`, "
                "`no_order`, `order_not_ignored`, `referral_not_allowed`, `referral_exists`, `clue_has_case` or `clue_not_wage_arrears`."
)
WRITE_ERRORS = {**errors(400, 401, 403, 404), 409: CASE_CONFLICT}


@contextmanager
def case_service_errors(field_map=None):
    """A service's errors as the API answers them: CaseConflict → 409 `{detail, code}`, a Django
    ValidationError → 400 by field (named as the client names it), PermissionDenied → 403."""
    try:
        yield
    except (services.CaseConflict, services.ClueConflict) as error:
        raise Conflict(str(error.detail), code=error.error_code)
    except DjangoValidationError as error:
        raise django_validation_error_to_drf(error, field_map=field_map or CASE_FIELD_MAP)
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error) or None)


def _body(serializer_class, request, **kwargs):
    body = serializer_class(data=request_data(request), context={"request": request}, **kwargs)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


# --- Arrears cases --------------------------------------------------------------------------------

CASE_FILTERS = ("Filters: `status` (`open`/`cleared`), `region_code` (prefix), `key_monitoring`, `government_type`, "
                "`supervision_level`, `overdue=true` (open and past its clear-to-zero date), `project_code`, "
                "`enterprise_uscc`, `occurred_after`/`occurred_before` (inclusive dates), `source_clue`, `q`.")


@extend_schema_view(
    list=extend_schema(
        summary="List arrears cases",
        description="Cases in the caller's scope (bureau clients: cases on their industries' projects), latest first. "
                    + CASE_FILTERS + " Workers' ID numbers are masked unless the caller may see personal data.",
        responses={200: ArrearsCaseSerializer(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(summary="Get an arrears case", responses={200: ArrearsCaseSerializer, **errors(401, 403, 404)}),
    create=extend_schema(
        summary="Open an arrears case",
        description="Opens a case with its five haves (responsible unit, leader, person, measures, deadline: all "
                    "required). `enterprise` {uscc, name}: an unknown USCC creates the enterprise. With `source_clue` "
                    "(a wage-arrears clue in the caller's scope) the clue's employer, project, county, workers, amount "
                    "and facts are carried over; a clue that already opened a case → 409 `clue_has_case`, one of "
                    "another category → 409 `clue_not_wage_arrears`. Without project or clue, `region_code` is needed. "
                    "`workers` (optional) must add up to `amount_owed`. Invalid input answers 400 and saves nothing.",
        responses={201: ArrearsCaseSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change a case's five haves or supervision",
        description="Only the five haves, `description`, `supervision_level` and `leader_in_charge` (with an optional "
                    "`comment`); any other field → 400. Each change is on the timeline.",
        request=ArrearsCaseUpdateSerializer,
        responses={200: ArrearsCaseSerializer, **errors(400, 401, 403, 404)},
    ),
)
class ArrearsCaseViewSet(WagecaseViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Arrears cases (欠薪案件): kept until nothing is outstanding (不解决不销账)."""

    queryset = ArrearsCase.objects.select_related("region", "project", "enterprise", "opened_by", "source_clue",
                                                  "referral").prefetch_related(
        Prefetch("payments", queryset=CasePayment.objects.select_related("recorded_by").order_by("paid_on", "pk")),
        Prefetch("workers", queryset=CaseWorker.objects.order_by("pk")),
        Prefetch("incidents", queryset=Incident.objects.only("pk", "case_id").order_by("pk")),
    )
    serializer_class = ArrearsCaseSerializer
    filterset_class = ArrearsCaseFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_action_map = {
        # payments/ and referral/ are read (GET) and written (POST/PATCH): the role check of a write
        # is the services' office_only (403), its scope the change scope (get_model_action).
        "payments": "view", "referral": "view", "events": "view", "key_monitoring": "view",
        **{name: "change" for name in ("order", "compensation", "notes")},
    }

    def get_model_action(self):
        # POST payments/referral change the case; GET reads it.
        if self.action in ("payments", "referral") and self.request.method not in ("GET", "HEAD", "OPTIONS"):
            return "change"
        return super().get_model_action()

    def office_only(self):
        """Writes are the labour office's: a bureau client is told 403 before anything else."""
        with case_service_errors():
            services.office_only(self.request.user)

    def reloaded(self, case):
        return type(self).queryset.all().restrict(self.request.user, "view").get(pk=case.pk)

    def perform_create(self, serializer):
        instance = self.save_in_scope(serializer, "add")
        serializer.instance = self.reloaded(instance)

    def partial_update(self, request, *args, **kwargs):
        case = self.get_object()
        with case_service_errors():
            services.office_only(request.user)
            data = _body(ArrearsCaseUpdateSerializer, request)
            services.case_update(case=case, user=request.user, **data)
        return Response(self.get_serializer(self.reloaded(case)).data)

    def run(self, service, body_serializer, *, result_status=status.HTTP_200_OK):
        case = self.get_object()
        with case_service_errors():
            services.office_only(self.request.user)
            data = _body(body_serializer, self.request)
            service(case=case, user=self.request.user, **data)
        return Response(self.get_serializer(self.reloaded(case)).data, status=result_status)

    # --- Payments ------------------------------------------------------------------------------

    @extend_schema(
        methods=["GET"], summary="A case's payments", description="Its instalments, oldest first.",
        responses={200: CasePaymentSerializer(many=True), **errors(401, 403, 404)},
    )
    @extend_schema(
        methods=["POST"], summary="Record a payment",
        description="An instalment `{amount, workers, paid_on, source}`; `source` `deposit` draws the project's wage "
                    "deposit down. More than outstanding → 400 on `amount`; a cleared case → 409 `cleared`. When "
                    "nothing is outstanding the case becomes `cleared`. Answers the payment.",
        request=CasePaymentSerializer, responses={201: CasePaymentSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def payments(self, request, pk=None):
        if request.method == "POST":
            self.office_only()
        case = self.get_object()
        if request.method == "GET":
            payments = CasePayment.objects.filter(case=case).select_related("recorded_by").order_by("paid_on", "pk")
            page = self.paginate_queryset(payments)
            rows = list(page if page is not None else payments)
            for payment in rows:
                payment.case = case
            data = CasePaymentSerializer(rows, many=True, context=self.get_serializer_context()).data
            return self.get_paginated_response(data) if page is not None else Response(data)
        with case_service_errors():
            services.office_only(request.user)
            data = _body(CasePaymentSerializer, request)
            payment = services.case_payment_add(case=case, user=request.user, **data)
        payment = CasePayment.objects.select_related("case", "recorded_by").get(pk=payment.pk)
        return Response(CasePaymentSerializer(payment, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    # --- Order, compensation, referral -----------------------------------------------------------

    @extend_schema(
        summary="Issue the order to pay",
        description="Records the written order to pay (限期支付指令) `{issued_on, pay_by}`. Once per case (again → 409 "
                    "`order_exists`); a cleared case → 409 `cleared`. `order_ignored` becomes true once `pay_by` has "
                    "passed with less than the amount owed paid by that day.",
        request=CaseOrderSerializer, responses={200: ArrearsCaseSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def order(self, request, pk=None):
        return self.run(services.case_order, CaseOrderSerializer)

    @extend_schema(
        summary="Order extra compensation",
        description="Extra compensation of `percent` (50–100) % of the amount owed, on an order to pay that was ignored "
                    "(no order → 409 `no_order`; not ignored → 409 `order_not_ignored`).",
        request=CaseCompensationSerializer, responses={200: ArrearsCaseSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def compensation(self, request, pk=None):
        return self.run(services.case_compensation, CaseCompensationSerializer)

    @extend_schema(methods=["GET"], summary="A case's criminal referral",
                   responses={200: CriminalReferralSerializer, **errors(401, 403, 404)},
                   description="404 when the case was not referred.")
    @extend_schema(
        methods=["POST"], summary="Refer a case to the police",
        description="行刑衔接 `{referred_on, police_unit, status, outcome}`: only when the order to pay was ignored and "
                    "`criminal_threshold_met` (else 409 `no_order` / `referral_not_allowed`); once (→ 409 "
                    "`referral_exists`).",
        request=CriminalReferralSerializer, responses={201: CriminalReferralSerializer, **WRITE_ERRORS},
    )
    @extend_schema(
        methods=["PATCH"], summary="Update a case's referral", description="`{status, outcome}`; 404 when not referred.",
        request=CaseReferralUpdateSerializer, responses={200: CriminalReferralSerializer, **errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["get", "post", "patch"], filter_backends=[])
    def referral(self, request, pk=None):
        if request.method in ("POST", "PATCH"):
            self.office_only()
        case = self.get_object()
        context = self.get_serializer_context()
        if request.method == "POST":
            with case_service_errors():
                services.office_only(request.user)
                data = _body(CriminalReferralSerializer, request)
                referral = services.case_refer(case=case, user=request.user, **data)
            return Response(CriminalReferralSerializer(referral, context=context).data, status=status.HTTP_201_CREATED)
        referral = CriminalReferral.objects.filter(case=case).first()
        if referral is None:
            raise NotFound()
        if request.method == "PATCH":
            with case_service_errors():
                services.office_only(request.user)
                data = _body(CaseReferralUpdateSerializer, request)
                referral = services.case_referral_update(referral=referral, user=request.user, **data)
        return Response(CriminalReferralSerializer(referral, context=context).data)

    # --- Timeline and notes ----------------------------------------------------------------------

    @extend_schema(summary="A case's timeline",
                   description="Its events, oldest first: opening, changes, payments, clearing, order, compensation, "
                               "referral, incidents and notes.",
                   responses={200: CaseEventSerializer(many=True), **errors(401, 403, 404)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def events(self, request, pk=None):
        case = self.get_object()
        events = CaseEvent.objects.filter(case=case).select_related("user").order_by("created", "pk")
        page = self.paginate_queryset(events)
        data = CaseEventSerializer(page if page is not None else events, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(summary="Add a note to a case's timeline", request=CaseNoteSerializer,
                   responses={201: CaseEventSerializer, **errors(400, 401, 403, 404)})
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        case = self.get_object()
        with case_service_errors():
            services.office_only(request.user)
            data = _body(CaseNoteSerializer, request)
            event = services.case_note(case=case, user=request.user, **data)
        return Response(CaseEventSerializer(event).data, status=status.HTTP_201_CREATED)

    # --- Key monitoring --------------------------------------------------------------------------

    @extend_schema(summary="Open key-monitoring cases",
                   description="Open cases owing ≥ ¥1,000,000 or ≥ 30 workers, biggest outstanding amount first. "
                               "The list filters apply.",
                   responses={200: ArrearsCaseSerializer(many=True), **errors(400, 401, 403)})
    @action(detail=False, methods=["get"], url_path="key-monitoring")
    def key_monitoring(self, request):
        outstanding = ExpressionWrapper(F("amount_owed") - F("amount_paid"), output_field=DecimalField(max_digits=14, decimal_places=2))
        queryset = self.filter_queryset(self.get_queryset()).open().filter(key_monitoring=True).annotate(
            outstanding=outstanding).order_by("-outstanding", "-workers_owed", "pk")
        page = self.paginate_queryset(queryset)
        data = self.get_serializer(page if page is not None else queryset, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


# --- Emergency incidents ---------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List emergency incidents",
        description="Incidents in the caller's scope, latest first. Filters: `kind`, `serious`, `region_code` (prefix), "
                    "`closed`, `occurred_after`/`occurred_before`, `project_code`, `case`, `q`.",
        responses={200: IncidentSerializer(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(summary="Get an incident", responses={200: IncidentSerializer, **errors(401, 403, 404)}),
    create=extend_schema(
        summary="Report an emergency incident",
        description="`report_late` is true when reported more than 10 minutes after it occurred (5 if `serious`). A "
                    "linked `case` must lie in the same county; the incident goes on the case's timeline.",
        responses={201: IncidentSerializer, **errors(400, 401, 403)},
    ),
    partial_update=extend_schema(
        summary="Update an incident",
        description="Measures, cause, damage, public reaction, place, people involved; the closing report closes it "
                    "(`closed_at` default now). Other fields → 400.",
        request=IncidentUpdateSerializer, responses={200: IncidentSerializer, **errors(400, 401, 403, 404)},
    ),
)
class IncidentViewSet(WagecaseViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Emergency incidents over wages (突发事件)."""

    queryset = Incident.objects.select_related("region", "project", "case", "reported_by")
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        instance = self.save_in_scope(serializer, "add")
        serializer.instance = type(self).queryset.get(pk=instance.pk)

    def partial_update(self, request, *args, **kwargs):
        incident = self.get_object()
        with case_service_errors(INCIDENT_FIELD_MAP):
            services.office_only(request.user)
            data = _body(IncidentUpdateSerializer, request)
            services.incident_update(incident=incident, user=request.user, **data)
        return Response(self.get_serializer(type(self).queryset.get(pk=incident.pk)).data)


# --- Clear-to-zero figures --------------------------------------------------------------------------


class ZeroClearanceViewSet(WagecaseViewSetMixin, viewsets.GenericViewSet):
    """两清零 figures over the caller's cases."""

    queryset = ArrearsCase.objects.all()
    filter_backends = []
    pagination_class = None
    serializer_class = ZeroClearanceSerializer

    @extend_schema(
        summary="Clear-to-zero figures",
        description="As of `as_of` (default today), over the open cases in the caller's scope (`region_code` narrows by "
                    "prefix): for `government` (government-investment, SOE and PPP projects) `due` is 31 December of "
                    "as_of's year; for `other` it is the day before the first lunar New Year's Eve on or after as_of. "
                    "`days_left` = due − as_of. `open_cases` and `amount_outstanding` count the open cases of the "
                    "category that must be cleared by that date: those whose own clear-to-zero date is on or before "
                    "`due` (already overdue ones included; cases due only in the next cycle left out). Extras: "
                    "`overdue_cases` (open, past their own date) per category and in all, and `by_county`.",
        parameters=[ZeroClearanceQuerySerializer],
        responses={200: ZeroClearanceSerializer, **errors(400, 401, 403)},
    )
    def list(self, request):
        params = ZeroClearanceQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        region_code = params.validated_data.get("region_code") or ""
        queryset = self.get_queryset()
        if region_code:
            queryset = queryset.filter(region__code__startswith=region_code)
        figures = zero_clearance(queryset, params.validated_data.get("as_of"))
        return Response(ZeroClearanceSerializer({**figures, "region_code": region_code}).data)
