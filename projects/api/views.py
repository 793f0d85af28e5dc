"""API endpoints of projects: the ledger (with bulk upsert), each project's five core systems as
sub-resources (`/projects/{code}/account/`, `allocations/`, `workers/`, `payrolls/`, `deposit/`,
`notice-board/`), its compliance report and arrears, and the early warnings.

Every write goes through projects.services inside the request's transaction (WagecaseViewSetMixin);
a sub-resource finds its project in the caller's scope (another county's project is a 404 on
every sub-path) and writing to it needs `projects.change_project` (else 403)."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from wagecase.core.api.exceptions import Conflict, django_validation_error_to_drf
from wagecase.core.api.permissions import ModelActionPermission
from wagecase.core.api.views import errors
from wagecase.core.api.viewsets import WagecaseModelViewSet, WagecaseReadOnlyModelViewSet, WagecaseViewSetMixin
from wagecase.core.choices import EnterpriseRole
from wagecase.core.models import Enterprise
from wagecase.core.validators import normalize_uscc

from .. import services
from ..compliance import compliance_report, evaluation_prefetch
from ..deposit import required_deposit
from ..filtersets import EmploymentFilterSet, ProjectFilterSet, ProjectWarningFilterSet
from ..models import Allocation, Employment, Payroll, PayrollLine, Project, ProjectWarning, WageDeposit
from ..selectors import project_arrears
from ..models import Attendance, ProjectSubcontractor, WorkTeam
from .serializers import (
    AccountCloseSerializer, AttendanceMonthSerializer, DepositReturnNoticeSerializer, DepositReturnSerializer,
    SubcontractorSerializer, WorkTeamSerializer,
)
from .serializers import (
    AllocationSerializer, ArrearsSerializer, AsOfSerializer, BulkErrorSerializer, BulkResultSerializer,
    ComplianceSerializer, DedicatedAccountSerializer, EmploymentSerializer, NoticeBoardSerializer, PARTY_ROLES,
    PayrollSerializer, ProjectSerializer, ProjectWarningSerializer, WageDepositSerializer,
)

BULK_LIMIT = 1000
CONFLICT = OpenApiResponse(description="Not allowed in the project's current state: `{\"detail\", \"code\"}`.")

AS_OF = OpenApiParameter(
    "as_of", OpenApiTypes.DATE, description="Evaluate on this day, YYYY-MM-DD (default today)."
)

# --- Examples (illustrative data: Tianshui 6205, Qinzhou district 620502) ------------------------

PROJECT_REQUEST = {
    "code": "TS-620502-101",
    "name": "秦州区藉河南岸棚户区改造项目（三期）",
    "region_code": "620502",
    "address": "甘肃省天水市秦州区藉河南路 88 号",
    "investment_type": "government",
    "industry": "housing",
    "contract_amount": "48600000.00",
    "contract_signed_on": "2026-02-20",
    "start_date": "2026-03-10",
    "planned_end_date": "2027-10-31",
    "status": "in_progress",
    "builder": {"uscc": "916205022243012348", "name": "天水市秦州区城市建设投资有限公司"},
    "general_contractor": {"uscc": "91620502MA71ABCD1D", "name": "甘肃陇秦建设工程有限公司"},
    "regulator": 12,
    "wage_officer_name": "赵立新",
    "wage_officer_phone": "13893801234",
    "injury_insurance": True,
    "payment_guarantee": True,
}
PROJECT_RESPONSE = {
    **PROJECT_REQUEST,
    "region_name": "甘肃省天水市秦州区",
    "township_code": None,
    "completed_on": None,
    "regulator_name": "天水市秦州区住房和城乡建设局",
    "wage_officer_phone": "138****1234",
    "monitoring_required": True,
    "compliance_score": 60,
    "compliance_evaluated_on": "2026-03-12",
    "active_warnings": 1,
}
PROJECT_EXAMPLES = [
    OpenApiExample("新建项目 Create a project", request_only=True, value=PROJECT_REQUEST,
                   description="建设单位、施工总承包单位按统一社会信用代码关联；代码未登记时按 `name` 新建企业。"),
    OpenApiExample("项目 Project", response_only=True, value=PROJECT_RESPONSE,
                   description="手机号默认脱敏；`monitoring_required`、`compliance_score` 由系统计算。"),
]
PROJECT_BULK_EXAMPLES = [
    OpenApiExample("批量新增 New project", request_only=True, value=PROJECT_REQUEST,
                   description="请求体为项目数组（最多 1,000 个），此处为其中一项。"),
    OpenApiExample("批量更新 Update an existing project", request_only=True,
                   value={"code": "TS-620502-087", "status": "completed", "completed_on": "2026-03-05"},
                   description="已存在的项目编号只更新所给字段。"),
    OpenApiExample("结果 Result", response_only=True, status_codes=["200"], value={"created": 1, "updated": 1}),
    OpenApiExample("校验失败 Invalid item", response_only=True, status_codes=["400"], value={"errors": [
        {"index": 1, "code": "TS-620502-102",
         "errors": {"general_contractor": {"uscc": ["统一社会信用代码校验位不正确。"]}}},
    ]}, description="任一项无效则全部不保存。"),
]
WORKER_REQUEST = {
    "id_number": "62050219870722123X",
    "name": "王建军",
    "phone": "13993812345",
    "trade": "钢筋工",
    "employer_uscc": "91620502MA73K8H2XA",
    "team": "钢筋一班",
    "daily_wage": "260.00",
    "contract_signed_on": "2026-03-08",
    "entered_on": "2026-03-10",
}
WORKER_RESPONSE = {
    **WORKER_REQUEST,
    "id_number": "620502********123X",
    "phone": "139****2345",
    "employer_name": "天水华陇劳务有限公司",
    "exited_on": None,
    "entered_before_contract": False,
}
WORKER_EXAMPLES = [
    OpenApiExample("实名制登记 Register a worker", request_only=True, value=WORKER_REQUEST,
                   description="先签合同后进场：`contract_signed_on` 不晚于 `entered_on`。用工单位须已登记，班组须已添加。"),
    OpenApiExample("花名册条目 Roster entry", response_only=True, value=WORKER_RESPONSE,
                   description="身份证号、手机号默认脱敏。"),
]
WORKER_BULK_EXAMPLES = [
    OpenApiExample("批量登记 Bulk roster", request_only=True, value=WORKER_REQUEST,
                   description="请求体为工人数组（最多 1,000 人），此处为其中一人。"),
    OpenApiExample("结果 Result", response_only=True, status_codes=["200"], value={"created": 1, "updated": 0}),
    OpenApiExample("校验失败 Invalid item", response_only=True, status_codes=["400"], value={"errors": [
        {"index": 0, "code": "620502198807161571", "errors": {"id_number": ["居民身份证号码校验位不正确。"]}},
    ]}, description="`code` 为该项所填身份证号；任一项无效则全部不保存。"),
]
PAYROLL_REQUEST = {
    "period": "2026-03",
    "paid_on": "2026-04-10",
    "paid_via": "contractor_bank",
    "lines": [
        {"id_number": "62050219870722123X", "amount_due": "6760.00", "amount_paid": "6760.00"},
        {"id_number": "620502199007224565", "amount_due": "5740.00", "amount_paid": "5740.00"},
    ],
}
PAYROLL_EXAMPLES = [
    OpenApiExample("月度工资发放 Monthly payroll", request_only=True, value=PAYROLL_REQUEST,
                   description="总包单位通过农民工工资专用账户按月代发；每行身份证号须在本项目实名制花名册中。"),
    OpenApiExample("工资发放表 Payroll", response_only=True, value={
        "period": "2026-03", "paid_on": "2026-04-10", "paid_via": "contractor_bank",
        "amount_due": "12500.00", "amount_paid": "12500.00",
        "lines": [
            {"id_number": "620502********123X", "name": "王建军", "amount_due": "6760.00", "amount_paid": "6760.00",
             "owed": "0.00"},
            {"id_number": "620502********4565", "name": "李红梅", "amount_due": "5740.00", "amount_paid": "5740.00",
             "owed": "0.00"},
        ],
    }),
]


def active_warning_count():
    return Coalesce(
        Subquery(
            ProjectWarning.objects.filter(project=OuterRef("pk"), active=True)
            .order_by().values("project").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def evaluation_queryset():
    """Projects with what the compliance rules and the deposit requirement read, in few queries.

    One project at a time: the one-to-ones are joined, the short per-month lists (allocations,
    payrolls, drawdowns) prefetched, and the roster and payroll lines left to the rules' own
    aggregate queries (evaluation_prefetch(rows=False)), so the query count and the time do not
    grow with the roster."""
    return Project.objects.select_related("general_contractor", "account", "notice_board", "deposit").prefetch_related(
        *evaluation_prefetch(rows=False)
    )


def as_of_param(request):
    """`?as_of=YYYY-MM-DD` (400 on `as_of` when invalid), default today."""
    params = AsOfSerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data.get("as_of") or timezone.localdate()


# --- Projects -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List projects (项目列表)",
        description="本辖区（行业主管部门：本行业）的在建项目。Projects in the caller's scope (bureau clients: their industries). `region_code` filters by code "
                    "prefix (`62` = the province); `q` searches code, name, address and parties.",
        responses={200: ProjectSerializer(many=True), **errors(401, 403)},
    ),
    retrieve=extend_schema(summary="Get a project by code (按项目编号查询项目)", responses={200: ProjectSerializer, **errors(401, 403, 404)}),
    create=extend_schema(
        summary="Create a project (新建项目)",
        description="登记在建项目（开工一个、录入一个、监管一个）；建设单位和施工总承包单位按统一社会信用代码关联。`builder` and `general_contractor` are `{\"uscc\", \"name\"}`; an unknown USCC registers the "
                    "enterprise under that name. `monitoring_required` and `compliance_score` are computed.",
        responses={201: ProjectSerializer, **errors(400, 401, 403)},
        examples=PROJECT_EXAMPLES,
    ),
    partial_update=extend_schema(
        summary="Change a project (修改项目)", description="The code cannot be changed.",
        responses={200: ProjectSerializer, **errors(400, 401, 403, 404)},
    ),
    update=extend_schema(exclude=True),
)
class ProjectViewSet(WagecaseModelViewSet):
    """Construction projects, looked up by code, with their five core systems."""

    queryset = Project.objects.select_related("region", "builder", "general_contractor", "regulator").annotate(
        active_warnings_count=active_warning_count()
    )
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    paginate_by_ids = True  # the page's 50 ids first: 2,284 in-progress projects of a city joined 4 tables each
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    permission_action_map = {
        "bulk": "change",
        "compliance": "view",
        "arrears": "view",
        "account": "view",
        "set_account": "change",
        "deposit": "view",
        "set_deposit": "change",
        "notice_board": "view",
        "set_notice_board": "change",
        "close_account": "change",
        "deposit_return_notice": "change",
        "deposit_return": "change",
    }

    # What a list row shows of its related rows, as annotations read by the row's fields (RowColumnField,
    # PartyField): the county's full name, the two parties' USCC and name, the regulator's name. The
    # list joins the same tables but builds one model instance a row instead of five (43 rows made 215,
    # each enterprise with its twelve columns and its roles' JSON decoded): issue 10. The detail and
    # the writes keep the related rows.
    list_row_columns = {
        "row_region_name": "region__full_name", "row_builder_uscc": "builder__uscc", "row_builder_name": "builder__name",
        "row_general_contractor_uscc": "general_contractor__uscc",
        "row_general_contractor_name": "general_contractor__name", "row_regulator_name": "regulator__name",
    }

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            # PATCH only: a PUT would silently blank what the client left out.
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().update(request, *args, **kwargs)

    def _reloaded(self, project):
        """The saved project as a list row shows it (derived fields, warning count)."""
        return type(self).queryset.all().get(pk=project.pk)

    def perform_create(self, serializer):
        super().perform_create(serializer)
        serializer.instance = self._reloaded(serializer.instance)

    def perform_update(self, serializer):
        super().perform_update(serializer)
        serializer.instance = self._reloaded(serializer.instance)

    # --- Bulk upsert -------------------------------------------------------------------------------

    @extend_schema(
        summary="Create or update projects in bulk (批量新增或更新项目)",
        description=f"行业主管部门批量同步项目：按项目编号新增或更新，全部成功或全部不保存。A JSON list (at most {BULK_LIMIT:,}) of project objects, upserted by `code`: an existing project "
                    "takes the fields given, a new one needs them all. All or nothing: any invalid item answers 400 "
                    "`{\"errors\": [{\"index\", \"code\", \"errors\"}]}` and nothing is saved.",
        request=ProjectSerializer(many=True),
        responses={
            200: BulkResultSerializer,
            400: OpenApiResponse(BulkErrorSerializer, description="Invalid items, or not a list of at most 1,000."),
            **errors(401, 403),
        },
        examples=PROJECT_BULK_EXAMPLES,
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        items = request.data
        if not isinstance(items, list):
            raise ValidationError({"non_field_errors": [_("Send a JSON list of projects.")]})
        if len(items) > BULK_LIMIT:
            raise ValidationError({"non_field_errors": [
                _("At most %(limit)s projects per request; this one has %(n)s.") % {"limit": f"{BULK_LIMIT:,}", "n": f"{len(items):,}"}
            ]})
        user = request.user
        codes = {item["code"] for item in items if isinstance(item, dict) and isinstance(item.get("code"), str)}
        existing = {p.code: p for p in Project.objects.filter(code__in=codes).select_related("builder", "general_contractor")}
        changeable = set(Project.objects.restrict(user, "change").filter(code__in=codes).values_list("code", flat=True))
        enterprises, names = self._bulk_parties(items)
        context = {**self.get_serializer_context(), "enterprises": enterprises, "enterprise_names": names, "refresh": False}
        may_add = user.has_perm("projects.add_project")

        failures, valid, seen = [], [], {}
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                failures.append({"index": index, "code": None, "errors": {"non_field_errors": [_("Give a project object.")]}})
                continue
            code = item.get("code") if isinstance(item.get("code"), str) else None
            instance = existing.get(code)
            refusal = None
            if code in seen:
                refusal = _("This project code is also at index %(index)d.") % {"index": seen[code]}
            elif instance is not None and code not in changeable:
                # Said alike whether the project lies outside the caller's scope or the role may
                # not change it; its other fields are not checked against a project not theirs.
                refusal = _("This project code is taken by a project you may not change.")
            elif instance is None and not may_add:
                refusal = _("You may not create projects.")
            if code is not None:
                seen.setdefault(code, index)
            if refusal:
                failures.append({"index": index, "code": code, "errors": {"code": [refusal]}})
                continue
            serializer = ProjectSerializer(instance, data=item, partial=instance is not None, context=context)
            if serializer.is_valid():
                valid.append((index, code, instance is None, serializer))
            else:
                failures.append({"index": index, "code": item.get("code"), "errors": serializer.errors})
        if failures:
            return Response({"errors": failures}, status=status.HTTP_400_BAD_REQUEST)

        created = updated = 0
        saved = []
        for index, code, creating, serializer in valid:
            try:
                with transaction.atomic():
                    saved.append(serializer.save())
            except IntegrityError:
                raise Conflict(_("A project conflicts with one saved at the same time; try again."), code="integrity_error")
            except ValidationError as error:
                failures.append({"index": index, "code": code, "errors": error.detail})
                continue
            if creating:
                created += 1
            else:
                updated += 1
        if failures:
            # The dispatch's transaction is rolled back for any 4xx answer: nothing stays saved.
            return Response({"errors": failures}, status=status.HTTP_400_BAD_REQUEST)
        pks = [project.pk for project in saved]
        if Project.objects.restrict(user, "change").filter(pk__in=pks).count() != len(set(pks)):
            raise PermissionDenied(_("A project would lie outside your jurisdiction."))
        # Derived fields and warnings once per project, after every row is in.
        for project in saved:
            services.project_refresh(project=project)
        return Response({"created": created, "updated": updated})

    @staticmethod
    def _bulk_parties(items):
        """The registered enterprises the items name ({uscc: Enterprise}), in one query, and the
        names given for new ones ({uscc: name}), so that a name given once serves every item."""
        usccs, names = set(), {}
        for item in items:
            if not isinstance(item, dict):
                continue
            for field in PARTY_ROLES:
                party = item.get(field)
                if isinstance(party, dict) and isinstance(party.get("uscc"), str):
                    uscc = normalize_uscc(party["uscc"])
                    usccs.add(uscc)
                    if isinstance(party.get("name"), str) and party["name"].strip():
                        names.setdefault(uscc, party["name"].strip())
        enterprises = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=usccs)}
        return enterprises, names

    # --- Compliance and arrears -------------------------------------------------------------------

    def get_queryset(self):
        if self.action == "compliance":
            # The report reads the evaluation's joins, not the list row's: one query for both the
            # scope check (404 outside it) and what the rules read.
            return evaluation_queryset().restrict(self.request.user, self.get_model_action())
        queryset = super().get_queryset()
        if self.action == "list":
            # (Cursor pages read these rows directly: the related rows narrowed to what a row shows.)
            queryset = queryset.only(*(f.name for f in Project._meta.concrete_fields),
                                     *(path for path in self.list_row_columns.values()))
        return queryset

    def page_rows(self, queryset):
        return queryset.select_related(None).only(*(f.name for f in Project._meta.concrete_fields)).annotate(
            **{name: F(path) for name, path in self.list_row_columns.items()})

    def _project_for_evaluation(self):
        return self.get_object()

    @extend_schema(
        summary="Compliance with the five core systems (五项核心制度落实情况)",
        description="农民工工资专用账户、实名制管理、总包代发、工资保证金、维权信息告示牌五项制度的落实情况及评分。Each system's status (`ok`, `deficient`, `missing`, `not_applicable`) and problems, evaluated on "
                    "`as_of`; score 20 per system `ok`/`not_applicable`, 10 per `deficient`.",
        parameters=[AS_OF],
        responses={200: ComplianceSerializer, **errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["get"])
    def compliance(self, request, code=None):
        as_of = as_of_param(request)
        project = self._project_for_evaluation()
        return Response(ComplianceSerializer(compliance_report(project, as_of)).data)

    @extend_schema(
        summary="Wage arrears of a project (项目欠薪情况)",
        description="按工资发放表（应发 − 实发）计算的欠薪人数和金额。Workers owed and the amount owed (due − paid on the payroll lines), in total and by month; "
                    "`as_of` counts months up to that day.",
        parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE, description="Count payrolls of months up to this day.")],
        responses={200: ArrearsSerializer, **errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["get"])
    def arrears(self, request, code=None):
        as_of = as_of_param(request) if "as_of" in request.query_params else None
        project = self.get_object()
        return Response(ArrearsSerializer(project_arrears(project, as_of)).data)

    # --- Dedicated account ----------------------------------------------------------------------------

    @extend_schema(summary="Get the dedicated wage account (查询农民工工资专用账户)", responses={200: DedicatedAccountSerializer, **errors(401, 403, 404)})
    @action(detail=True, methods=["get"])
    def account(self, request, code=None):
        project = self.get_object()
        account = getattr(project, "account", None)
        if account is None:
            raise Http404(_("No dedicated wage account has been opened."))
        return Response(DedicatedAccountSerializer(account).data)

    @extend_schema(
        summary="Set the dedicated wage account (登记农民工工资专用账户)",
        request=DedicatedAccountSerializer, responses={200: DedicatedAccountSerializer, **errors(400, 401, 403, 404)},
    )
    @account.mapping.put
    def set_account(self, request, code=None):
        project = self.get_object()
        serializer = DedicatedAccountSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account = services.account_set(project=project, **serializer.validated_data)
        return Response(DedicatedAccountSerializer(account).data)

    # --- Wage deposit -----------------------------------------------------------------------------------

    def _deposit_response(self, project, deposit):
        project = evaluation_queryset().get(pk=project.pk)
        requirement = required_deposit(project)
        return Response(WageDepositSerializer(deposit, context={"requirement": requirement}).data)

    @extend_schema(
        summary="Get the wage deposit (查询工资保证金)",
        description="已存工资保证金及按地区比例应存金额。The deposit held (zero when none is recorded) and `required_amount` with its reasons.",
        responses={200: WageDepositSerializer, **errors(401, 403, 404)},
    )
    @action(detail=True, methods=["get"])
    def deposit(self, request, code=None):
        project = self.get_object()
        deposit = getattr(project, "deposit", None) or WageDeposit(project=project)
        return self._deposit_response(project, deposit)

    @extend_schema(
        summary="Set the wage deposit (登记工资保证金)",
        description="登记工资保证金（现金存储或银行保函等）。The response adds `required_amount`: the region's rate on the contract amount, with the exemption, "
                    "record-based reductions and increases applied (`required_reasons`).",
        request=WageDepositSerializer, responses={200: WageDepositSerializer, **errors(400, 401, 403, 404)},
    )
    @deposit.mapping.put
    def set_deposit(self, request, code=None):
        project = self.get_object()
        serializer = WageDepositSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        deposit = services.deposit_set(project=project, **serializer.validated_data)
        return self._deposit_response(project, deposit)

    # --- Account closing and deposit return (409 when the project's state does not allow it) -------------

    @staticmethod
    def _transition(call, **kwargs):
        try:
            return call(**kwargs)
        except services.StateConflict as error:
            raise Conflict(error.messages[0], code=error.code)

    @extend_schema(
        summary="Close the dedicated wage account (注销农民工工资专用账户)",
        description="项目完工、无拖欠且公示满 30 日后注销专用账户。Only for a completed project without wage arrears, at least 30 days after completion (the public "
                    "notice, Regulation art. 27). A state that does not allow it answers 409 `{\"detail\", \"code\"}` "
                    "(`no_account`, `already_closed`, `not_completed`, `arrears`, `notice_period`).",
        request=AccountCloseSerializer, responses={200: DedicatedAccountSerializer, **errors(400, 401, 403, 404), 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="account/close")
    def close_account(self, request, code=None):
        project = self.get_object()
        serializer = AccountCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account = self._transition(services.account_close, project=project, **serializer.validated_data)
        return Response(DedicatedAccountSerializer(account).data)

    @extend_schema(
        summary="Publish the wage deposit's return notice (发布工资保证金返还公示)",
        description="Only for a completed project without wage arrears; 409 `{\"detail\", \"code\"}` otherwise "
                    "(`no_deposit`, `exempt`, `already_returned`, `not_completed`, `arrears`).",
        request=DepositReturnNoticeSerializer, responses={200: WageDepositSerializer, **errors(400, 401, 403, 404), 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="deposit/return-notice")
    def deposit_return_notice(self, request, code=None):
        project = self.get_object()
        serializer = DepositReturnNoticeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        deposit = self._transition(services.deposit_return_notice, project=project, **serializer.validated_data)
        return self._deposit_response(project, deposit)

    @extend_schema(
        summary="Return the wage deposit (返还工资保证金)",
        description="返还公示满 30 日后返还工资保证金。At least 30 days after the return notice, the project completed without wage arrears; 409 "
                    "`{\"detail\", \"code\"}` otherwise (`no_notice`, `notice_period`, ...).",
        request=DepositReturnSerializer, responses={200: WageDepositSerializer, **errors(400, 401, 403, 404), 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="deposit/return")
    def deposit_return(self, request, code=None):
        project = self.get_object()
        serializer = DepositReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        deposit = self._transition(services.deposit_return, project=project, **serializer.validated_data)
        return self._deposit_response(project, deposit)

    # --- Notice board -----------------------------------------------------------------------------------

    @extend_schema(summary="Get the rights notice board (查询维权信息告示牌)", responses={200: NoticeBoardSerializer, **errors(401, 403, 404)})
    @action(detail=True, methods=["get"], url_path="notice-board")
    def notice_board(self, request, code=None):
        project = self.get_object()
        board = getattr(project, "notice_board", None)
        if board is None:
            raise Http404(_("No rights notice board has been recorded."))
        return Response(NoticeBoardSerializer(board, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Set the rights notice board (登记维权信息告示牌)",
        description="登记施工现场维权信息告示牌及其公示内容。`items`: the codes of what the board shows, among `builder` `general_contractor` `subcontractors` "
                    "`regulator` `wage_officer` `minimum_wage` `payday` `complaint_hotlines` `arbitration_legal_aid`.",
        request=NoticeBoardSerializer, responses={200: NoticeBoardSerializer, **errors(400, 401, 403, 404)},
    )
    @notice_board.mapping.put
    def set_notice_board(self, request, code=None):
        project = self.get_object()
        serializer = NoticeBoardSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        board = services.notice_board_set(project=project, **serializer.validated_data)
        return Response(NoticeBoardSerializer(board, context=self.get_serializer_context()).data)


# --- Rows of one project: /projects/{code}/<rows>/ -------------------------------------------------


class ProjectRecordsPermission(BasePermission):
    """Reading a project's records needs projects.view_project; writing them projects.change_project."""

    message = gettext_lazy("Your role may not change this project's records.")

    def has_permission(self, request, view):
        action = "view" if request.method in SAFE_METHODS else "change"
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(f"projects.{action}_project"))


class ProjectRecordsViewSet(WagecaseViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    # List and upsert the rows of one project. The project is looked up in the caller's scope
    # (viewing, or changing for writes): outside it, or missing, is a 404 on every sub-path.

    permission_classes = [ModelActionPermission, ProjectRecordsPermission]

    def get_project(self):
        if not hasattr(self, "_project"):
            action = "view" if self.request.method in SAFE_METHODS else "change"
            # Answered as the project's own detail answers a missing or hidden project.
            self._project = get_object_or_404(
                Project.objects.restrict(self.request.user, action).select_related("general_contractor"),
                code=self.kwargs["code"],
            )
        return self._project

    def get_queryset(self):
        return super().get_queryset().filter(project=self.get_project())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "code" in getattr(self, "kwargs", {}):
            context["project"] = self.get_project()
        return context

    def upsert(self, request, save, exists):
        """Validate, save through `save(project, validated_data)`, answer 201 if new else 200."""
        project = self.get_project()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        existed = exists(project, serializer.validated_data)
        instance = save(project, serializer.validated_data)
        data = self.get_serializer(self.reload(instance)).data
        return Response(data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def reload(self, instance):
        return self.get_queryset().get(pk=instance.pk)


@extend_schema_view(
    list=extend_schema(summary="List a project's labour-cost allocations (人工费用拨付记录)",
                       responses={200: AllocationSerializer(many=True), **errors(401, 403, 404)}),
    create=extend_schema(
        summary="Record a labour-cost allocation (登记人工费用拨付)",
        description="建设单位按月拨付人工费用至农民工工资专用账户（拨付周期不超过 1 个月）。Upserted by `period` (YYYY-MM, not in the future): 201 when new, 200 when it replaced one.",
        responses={201: AllocationSerializer, 200: AllocationSerializer, **errors(400, 401, 403, 404)},
    ),
)
class ProjectAllocationViewSet(ProjectRecordsViewSet):
    """Labour costs the construction unit paid into the project's dedicated account, by month."""

    queryset = Allocation.objects.order_by("-period")
    serializer_class = AllocationSerializer

    def create(self, request, code=None):
        return self.upsert(
            request,
            save=lambda project, data: services.allocation_upsert(project=project, **data),
            exists=lambda project, data: Allocation.objects.filter(project=project, period=data["period"]).exists(),
        )


@extend_schema_view(
    list=extend_schema(
        summary="List a project's real-name roster (实名制花名册)",
        description="项目实名制花名册。ID numbers and phones are masked unless the caller may see personal data.",
        responses={200: EmploymentSerializer(many=True), **errors(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Put a worker on the roster (实名制登记工人)",
        description="先签合同后进场：按身份证号登记或更新工人。Upserted by `id_number` (201 when new to the project, 200 when updated). A worker who entered "
                    "the site before signing the contract is accepted and shows as a real-name problem.",
        responses={201: EmploymentSerializer, 200: EmploymentSerializer, **errors(400, 401, 403, 404)},
        examples=WORKER_EXAMPLES,
    ),
)
class ProjectWorkerViewSet(ProjectRecordsViewSet):
    """The project's real-name roster."""

    queryset = Employment.objects.select_related("worker", "employer", "team").order_by("worker__name", "pk")
    serializer_class = EmploymentSerializer
    filterset_class = EmploymentFilterSet

    def create(self, request, code=None):
        def save(project, data):
            worker = data["worker"]
            return services.worker_register(
                project=project, id_number=worker["id_number"], name=worker["name"], phone=worker.get("phone") or "",
                trade=data.get("trade") or "", employer=data["employer"], team=data["team"],
                contract_signed_on=data.get("contract_signed_on"), entered_on=data["entered_on"],
                exited_on=data.get("exited_on"), daily_wage=data.get("daily_wage"),
            )

        return self.upsert(
            request, save=save,
            exists=lambda project, data: Employment.objects.filter(
                project=project, worker__id_number=data["worker"]["id_number"]
            ).exists(),
        )

    @extend_schema(
        summary="Put workers on the roster in bulk (批量实名制登记)",
        description=f"A JSON list (at most {BULK_LIMIT:,}) of roster entries as for one worker, upserted by `id_number`. "
                    "All or nothing: any invalid item answers 400 `{\"errors\": [{\"index\", \"code\", \"errors\"}]}` "
                    "(`code` = the item's `id_number` as sent) and nothing is saved; else 200 `{\"created\", \"updated\"}`. "
                    "批量登记实名花名册（按身份证号更新或新增），全部成功或全部不保存。",
        request=EmploymentSerializer(many=True),
        responses={
            200: BulkResultSerializer,
            400: OpenApiResponse(BulkErrorSerializer, description="Invalid items, or not a list of at most 1,000."),
            **errors(401, 403, 404),
        },
        examples=WORKER_BULK_EXAMPLES,
    )
    def bulk(self, request, code=None):
        items = request.data
        if not isinstance(items, list) or len(items) > BULK_LIMIT:
            raise ValidationError({"non_field_errors": [
                _("Send a JSON list of at most %(limit)s workers.") % {"limit": f"{BULK_LIMIT:,}"}
            ]})
        project = self.get_project()
        context = self.get_serializer_context()
        failures, valid, seen = [], [], {}
        for index, item in enumerate(items):
            sent = item.get("id_number") if isinstance(item, dict) else None
            serializer = EmploymentSerializer(data=item, context=context) if isinstance(item, dict) else None
            if serializer is None:
                failures.append({"index": index, "code": None, "errors": {"non_field_errors": [_("Give a worker object.")]}})
            elif not serializer.is_valid():
                failures.append({"index": index, "code": sent, "errors": serializer.errors})
            elif serializer.validated_data["worker"]["id_number"] in seen:
                failures.append({"index": index, "code": sent, "errors": {"id_number": [
                    _("This ID number is also at index %(index)d.") % {"index": seen[serializer.validated_data["worker"]["id_number"]]}
                ]}})
            else:
                seen[serializer.validated_data["worker"]["id_number"]] = index
                valid.append((index, sent, serializer.validated_data))
        if failures:
            return Response({"errors": failures}, status=status.HTTP_400_BAD_REQUEST)
        # Checked item by item (the models' own rules, no query), then written in a few statements
        # by the roster import's service: one by one, 1,000 workers cost ~12,000 queries.
        entries = []
        for index, sent, data in valid:
            worker = data["worker"]
            entry = {
                "id_number": worker["id_number"], "name": worker["name"], "phone": worker.get("phone") or "",
                "trade": data.get("trade") or "", "employer": data["employer"], "team": data["team"],
                "contract_signed_on": data.get("contract_signed_on"), "entered_on": data["entered_on"],
                "exited_on": data.get("exited_on"), "daily_wage": data.get("daily_wage"),
            }
            try:
                services.roster_entry_check(project=project, entry=entry)
            except DjangoValidationError as error:
                failures.append({"index": index, "code": sent, "errors": django_validation_error_to_drf(error).detail})
            entries.append(entry)
        if failures:
            return Response({"errors": failures}, status=status.HTTP_400_BAD_REQUEST)
        created, updated = services.roster_register_many(project=project, entries=entries, refresh=False)
        services.project_refresh(project=project)
        return Response({"created": created, "updated": updated})


@extend_schema_view(
    list=extend_schema(
        summary="List a project's payrolls (工资发放记录)",
        description="总包单位按月代发的工资发放表，最新月份在前。Newest month first, each with its lines; ID numbers masked unless the caller may see personal data.",
        responses={200: PayrollSerializer(many=True), **errors(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Record a month's payroll (登记月度工资发放（总包代发）)",
        description="总包单位按月代发工资：按月份登记或替换工资发放表。Upserted by `period` (YYYY-MM, not in the future): posting a month again replaces its lines. "
                    "Every line's `id_number` must be on the project's roster; errors name the line "
                    "(`{\"lines\": [{}, {\"id_number\": [...]}]}`).",
        responses={201: PayrollSerializer, 200: PayrollSerializer, **errors(400, 401, 403, 404)},
        examples=PAYROLL_EXAMPLES,
    ),
)
class ProjectPayrollViewSet(ProjectRecordsViewSet):
    """Monthly pay sheets paid by the general contractor."""

    queryset = Payroll.objects.prefetch_related(
        Prefetch("lines", queryset=PayrollLine.objects.select_related("employment__worker").order_by("employment__worker__name", "pk"))
    ).order_by("-period")
    serializer_class = PayrollSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request is not None and self.request.method == "POST" and "project" in context:
            context["roster"] = set(
                Employment.objects.filter(project=context["project"]).values_list("worker__id_number", flat=True)
            )
        return context

    def create(self, request, code=None):
        def save(project, data):
            lines = [
                {"id_number": line["employment"]["worker"]["id_number"], "amount_due": line["amount_due"],
                 "amount_paid": line["amount_paid"]}
                for line in data["lines"]
            ]
            return services.payroll_upsert(
                project=project, period=data["period"], paid_on=data.get("paid_on"),
                paid_via=data.get("paid_via") or Payroll._meta.get_field("paid_via").default, lines=lines,
            )

        return self.upsert(
            request, save=save,
            exists=lambda project, data: Payroll.objects.filter(project=project, period=data["period"]).exists(),
        )


@extend_schema_view(
    list=extend_schema(summary="List a project's subcontractors (分包单位列表)",
                       responses={200: SubcontractorSerializer(many=True), **errors(401, 403, 404)}),
    create=extend_schema(
        summary="Add a subcontractor (添加分包单位)",
        description="Upserted by `uscc` (201 when new to the project, 200 when its scope of work was updated); an unknown "
                    "USCC registers the enterprise under `name` with the subcontractor role.",
        responses={201: SubcontractorSerializer, 200: SubcontractorSerializer, **errors(400, 401, 403, 404)},
    ),
)
class ProjectSubcontractorViewSet(ProjectRecordsViewSet):
    """The project's subcontractors (分包单位)."""

    queryset = ProjectSubcontractor.objects.select_related("enterprise").order_by("enterprise__name", "pk")
    serializer_class = SubcontractorSerializer

    def create(self, request, code=None):
        def save(project, data):
            # Registers an unknown USCC, and gives a registered enterprise the subcontractor role.
            enterprise = services.enterprise_get_or_create(
                uscc=data["uscc"], name=data["name"], region_code=project.region_id, role=EnterpriseRole.SUBCONTRACTOR
            )
            return services.subcontractor_add(project=project, enterprise=enterprise, scope_of_work=data.get("scope_of_work") or "")

        return self.upsert(
            request, save=save,
            exists=lambda project, data: ProjectSubcontractor.objects.filter(project=project, enterprise__uscc=data["uscc"]).exists(),
        )


@extend_schema_view(
    list=extend_schema(
        summary="List a project's work teams (班组列表)",
        description="Team leaders' phones are masked unless the caller may see personal data.",
        responses={200: WorkTeamSerializer(many=True), **errors(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Add or update a work team (新增或更新班组)",
        description="Upserted by `name` (201 when new, 200 when updated).",
        responses={201: WorkTeamSerializer, 200: WorkTeamSerializer, **errors(400, 401, 403, 404)},
    ),
)
class ProjectTeamViewSet(ProjectRecordsViewSet):
    """The project's work teams (班组) and their leaders."""

    queryset = WorkTeam.objects.select_related("employer").order_by("name", "pk")
    serializer_class = WorkTeamSerializer

    def create(self, request, code=None):
        return self.upsert(
            request,
            save=lambda project, data: services.work_team_save(project=project, **data),
            exists=lambda project, data: WorkTeam.objects.filter(project=project, name=data["name"]).exists(),
        )


@extend_schema_view(
    list=extend_schema(
        summary="List a project's monthly attendance (月度考勤记录)",
        description="One item per month, newest first, with each worker's days; `period=YYYY-MM` gives one month. "
                    "ID numbers are masked unless the caller may see personal data.",
        parameters=[OpenApiParameter("period", OpenApiTypes.STR, description="A month, YYYY-MM.")],
        responses={200: AttendanceMonthSerializer(many=True), **errors(400, 401, 403, 404)},
    ),
    create=extend_schema(
        summary="Record a month's attendance (登记月度考勤)",
        description="按月登记实名制考勤天数。`{\"period\": \"YYYY-MM\", \"days\": [{\"id_number\", \"days\"}]}`: every worker on the roster and on "
                    "site that month, days from 0 to the days of the month, the month not in the future. Posting a month "
                    "again replaces its attendance. All or nothing.",
        request=AttendanceMonthSerializer,
        responses={201: AttendanceMonthSerializer, 200: AttendanceMonthSerializer, **errors(400, 401, 403, 404)},
    ),
)
class ProjectAttendanceViewSet(ProjectRecordsViewSet):
    """Real-name attendance: days worked per worker and month."""

    queryset = Attendance.objects.select_related("employment__worker").order_by("-period", "employment__worker__name", "pk")
    serializer_class = AttendanceMonthSerializer

    def month_data(self, period, rows):
        return self.get_serializer({"period": period, "days": rows}).data

    def list(self, request, code=None):
        rows = self.get_queryset()
        if "period" in request.query_params:
            try:
                period = AttendanceMonthSerializer().fields["period"].to_internal_value(request.query_params["period"])
            except ValidationError as error:
                raise ValidationError({"period": error.detail})
            rows = rows.filter(period=period)
        # `updated_since` picks the months with a changed row; each month is then shown whole.
        changed = self.filter_queryset(rows)
        periods = changed.order_by("-period").values_list("period", flat=True).distinct()
        page = self.paginate_queryset(periods)
        shown = page if page is not None else periods
        by_period = {period: [] for period in shown}
        for row in rows.filter(period__in=shown):
            by_period[row.period].append(row)
        data = [self.month_data(period, by_period[period]) for period in shown]
        return self.get_paginated_response(data) if page is not None else Response(data)

    def create(self, request, code=None):
        project = self.get_project()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        period = serializer.validated_data["period"]
        existed = Attendance.objects.filter(project=project, period=period).exists()
        services.attendance_record(
            project=project, period=period,
            days_by_id_number={line["employment"]["worker"]["id_number"]: line["days"] for line in serializer.validated_data["days"]},
        )
        data = self.month_data(period, list(self.get_queryset().filter(period=period)))
        return Response(data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


# --- Warnings -----------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List early warnings (预警列表)",
                       description="Warnings on projects in the caller's scope; `region_code` filters by prefix, "
                                   "`project` by project code.",
                       responses={200: ProjectWarningSerializer(many=True), **errors(401, 403)}),
    retrieve=extend_schema(summary="Get an early warning (预警详情)", responses={200: ProjectWarningSerializer, **errors(401, 403, 404)}),
)
class ProjectWarningViewSet(WagecaseReadOnlyModelViewSet):
    """Early warnings (预警) raised on projects by the warning rules."""

    queryset = ProjectWarning.objects.select_related("project")
    serializer_class = ProjectWarningSerializer
    filterset_class = ProjectWarningFilterSet
