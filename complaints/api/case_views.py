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
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
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

# Illustrative data: a case in Qinzhou district (620502), Tianshui.
FIVE_HAVES = {
    "responsible_unit": "天水市秦州区住房和城乡建设局",
    "responsible_leader": "陈志刚",
    "responsible_person": "马文博",
    "measures": "约谈施工总承包单位甘肃陇秦建设工程有限公司，责令先行清偿；督促建设单位拨付人工费用至农民工工资专用账户。",
    "deadline": "2026-04-15",
}
CASE_FROM_CLUE = {"source_clue": "620502-2026-000137", **FIVE_HAVES, "supervision_level": "county"}
CASE_STANDALONE = {
    "project_code": "TS-620502-101",
    "enterprise": {"uscc": "91620502MA73K8H2XA", "name": "天水华陇劳务有限公司"},
    "occurred_on": "2026-01-31",
    "workers_owed": 3,
    "amount_owed": "37500.00",
    "description": "2025 年 12 月至 2026 年 1 月钢筋班组工资未足额支付。",
    "workers": [
        {"name": "王建军", "id_number": "62050219870722123X", "amount_owed": "12500.00"},
        {"name": "李红梅", "id_number": "620502199007224565", "amount_owed": "12500.00"},
        {"name": "张志强", "id_number": "620502198503141238", "amount_owed": "12500.00"},
    ],
    **FIVE_HAVES,
}
CASE_RESPONSE = {
    "id": 58,
    "url": "https://wagecase.example.gov.cn/api/v1/cases/58/",
    "page_url": "https://wagecase.example.gov.cn/clues/cases/58/",
    **CASE_STANDALONE,
    "project_name": "秦州区藉河南岸棚户区改造项目（三期）",
    "region_code": "620502",
    "region_name": "甘肃省天水市秦州区",
    "source_clue": None,
    "source_inspection": None,
    "workers": [
        {"id": 201, "name": "王建军", "id_number": "620502********123X", "amount_owed": "12500.00",
         "amount_paid": "0.00", "worker": 3318},
        {"id": 202, "name": "李红梅", "id_number": "620502********4565", "amount_owed": "12500.00",
         "amount_paid": "0.00", "worker": 3319},
        {"id": 203, "name": "张志强", "id_number": "620502********1238", "amount_owed": "12500.00",
         "amount_paid": "0.00", "worker": None},
    ],
    "supervision_level": "none",
    "supervision_level_display": "未挂牌督办",
    "leader_in_charge": "",
    "industry": "housing",
    "amount_paid": "0.00",
    "workers_paid": 0,
    "amount_outstanding": "37500.00",
    "status": "open",
    "status_display": "未结清",
    "cleared_on": None,
    "government_type": True,
    "zero_clearance_due": "2026-12-31",
    "days_left": 290,
    "overdue": False,
    "key_monitoring": False,
    "order_issued_on": None,
    "pay_by": None,
    "order_ignored": False,
    "criminal_threshold_met": True,
    "compensation_percent": None,
    "compensation_ordered_on": None,
    "referral": None,
    "payments": [],
    "incidents": [],
    "opened_by": {"id": 7, "name": "刘晓燕"},
    "created": "2026-03-16T15:20:08+08:00",
    "last_updated": "2026-03-16T15:20:08+08:00",
}
CASE_EXAMPLES = [
    OpenApiExample("由线索立案 From a clue", request_only=True, value=CASE_FROM_CLUE,
                   description="带 `source_clue`（已分类为欠薪的线索）时，企业、项目、人数、金额和事实从线索带入。"),
    OpenApiExample("直接立案 Without a clue", request_only=True, value=CASE_STANDALONE,
                   description="“五个有”：责任单位、责任领导、具体责任人、具体措施、完成时限，均为必填。"
                               "`workers` 为可选的欠薪工人明细，合计等于 `amount_owed`。"),
    OpenApiExample("欠薪案件 Case", response_only=True, value=CASE_RESPONSE,
                   description="政府投资项目的欠薪须于当年 12 月 31 日前清零（`zero_clearance_due`）。"),
]
PAYMENT_EXAMPLES = [
    OpenApiExample("企业支付 Paid by the enterprise", request_only=True,
                   value={"amount": "12500.00", "workers": 1, "paid_on": "2026-03-20", "source": "enterprise"}),
    OpenApiExample("动用工资保证金 Deposit drawdown", request_only=True,
                   value={"amount": "25000.00", "workers": 2, "paid_on": "2026-03-25", "source": "deposit"},
                   description="`source: deposit` 动用项目工资保证金，由银行直接支付给农民工。"),
    OpenApiExample("清偿记录 Payment", response_only=True, value={
        "id": 311, "case": 58, "amount": "12500.00", "workers": 1, "paid_on": "2026-03-20", "source": "enterprise",
        "source_display": "企业支付", "drawdown": None, "recorded_by": {"id": 7, "name": "刘晓燕"},
        "created": "2026-03-20T16:05:41+08:00", "case_status": "open", "case_amount_outstanding": "25000.00",
    }),
]


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
        summary="List arrears cases (欠薪案件列表)",
        description="本辖区（行业主管部门：本行业项目）的欠薪案件，不解决不销账。Cases in the caller's scope (bureau clients: cases on their industries' projects), latest first. "
                    + CASE_FILTERS + " Workers' ID numbers are masked unless the caller may see personal data.",
        responses={200: ArrearsCaseSerializer(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(summary="Get an arrears case (欠薪案件详情)", responses={200: ArrearsCaseSerializer, **errors(401, 403, 404)}),
    create=extend_schema(
        summary="Open an arrears case (登记欠薪案件)",
        description="欠薪案件立案，须填“五个有”（责任单位、责任领导、具体责任人、具体措施、完成时限）。Opens a case with its five haves (responsible unit, leader, person, measures, deadline: all "
                    "required). `enterprise` {uscc, name}: an unknown USCC creates the enterprise. With `source_clue` "
                    "(a wage-arrears clue in the caller's scope) the clue's employer, project, county, workers, amount "
                    "and facts are carried over; a clue that already opened a case → 409 `clue_has_case`, one of "
                    "another category → 409 `clue_not_wage_arrears`. Without project or clue, `region_code` is needed. "
                    "`workers` (optional) must add up to `amount_owed`. Invalid input answers 400 and saves nothing.",
        responses={201: ArrearsCaseSerializer, **WRITE_ERRORS},
        examples=CASE_EXAMPLES,
    ),
    partial_update=extend_schema(
        summary="Change a case's five haves or supervision (修改“五个有”或挂牌督办)",
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
        methods=["GET"], summary="A case's payments (案件清偿记录)", description="Its instalments, oldest first.",
        responses={200: CasePaymentSerializer(many=True), **errors(401, 403, 404)},
    )
    @extend_schema(
        methods=["POST"], summary="Record a payment (登记清偿款)",
        description="登记一笔清偿款（企业支付、动用工资保证金、应急周转金或建设单位垫付）；未兑付金额为零时案件结清。An instalment `{amount, workers, paid_on, source}`; `source` `deposit` draws the project's wage "
                    "deposit down. More than outstanding → 400 on `amount`; a cleared case → 409 `cleared`. When "
                    "nothing is outstanding the case becomes `cleared`. Answers the payment.",
        request=CasePaymentSerializer, responses={201: CasePaymentSerializer, **WRITE_ERRORS},
        examples=PAYMENT_EXAMPLES,
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
        summary="Issue the order to pay (下达限期支付指令)",
        description="下达书面限期支付指令。Records the written order to pay (限期支付指令) `{issued_on, pay_by}`. Once per case (again → 409 "
                    "`order_exists`); a cleared case → 409 `cleared`. `order_ignored` becomes true once `pay_by` has "
                    "passed with less than the amount owed paid by that day.",
        request=CaseOrderSerializer, responses={200: ArrearsCaseSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def order(self, request, pk=None):
        return self.run(services.case_order, CaseOrderSerializer)

    @extend_schema(
        summary="Order extra compensation (责令加付赔偿金)",
        description="Extra compensation of `percent` (50–100) % of the amount owed, on an order to pay that was ignored "
                    "(no order → 409 `no_order`; not ignored → 409 `order_not_ignored`).",
        request=CaseCompensationSerializer, responses={200: ArrearsCaseSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def compensation(self, request, pk=None):
        return self.run(services.case_compensation, CaseCompensationSerializer)

    @extend_schema(methods=["GET"], summary="A case's criminal referral (查询移送公安情况)",
                   responses={200: CriminalReferralSerializer, **errors(401, 403, 404)},
                   description="404 when the case was not referred.")
    @extend_schema(
        methods=["POST"], summary="Refer a case to the police (移送公安机关（行刑衔接）)",
        description="行刑衔接 `{referred_on, police_unit, status, outcome}`: only when the order to pay was ignored and "
                    "`criminal_threshold_met` (else 409 `no_order` / `referral_not_allowed`); once (→ 409 "
                    "`referral_exists`).",
        request=CriminalReferralSerializer, responses={201: CriminalReferralSerializer, **WRITE_ERRORS},
    )
    @extend_schema(
        methods=["PATCH"], summary="Update a case's referral (更新移送进展)", description="`{status, outcome}`; 404 when not referred.",
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

    @extend_schema(summary="A case's timeline (案件办理记录)",
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

    @extend_schema(summary="Add a note to a case's timeline (添加案件备注)", request=CaseNoteSerializer,
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

    @extend_schema(summary="Open key-monitoring cases (重点监控清单)",
                   description="欠薪 100 万元以上或 30 人以上的未结清案件。Open cases owing ≥ ¥1,000,000 or ≥ 30 workers, biggest outstanding amount first. "
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
        summary="List emergency incidents (突发事件列表)",
        description="Incidents in the caller's scope, latest first. Filters: `kind`, `serious`, `region_code` (prefix), "
                    "`closed`, `occurred_after`/`occurred_before`, `project_code`, `case`, `q`.",
        responses={200: IncidentSerializer(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(summary="Get an incident (突发事件详情)", responses={200: IncidentSerializer, **errors(401, 403, 404)}),
    create=extend_schema(
        summary="Report an emergency incident (报告突发事件)",
        description="突发事件须在 10 分钟内（重大事件 5 分钟内）报告。`report_late` is true when reported more than 10 minutes after it occurred (5 if `serious`). A "
                    "linked `case` must lie in the same county; the incident goes on the case's timeline.",
        responses={201: IncidentSerializer, **errors(400, 401, 403)},
    ),
    partial_update=extend_schema(
        summary="Update an incident (续报突发事件)",
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
        summary="Clear-to-zero figures (两清零统计)",
        description="政府投资、国企和 PPP 项目欠薪当年年底前清零，其他欠薪春节前动态清零。As of `as_of` (default today), over the open cases in the caller's scope (`region_code` narrows by "
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
