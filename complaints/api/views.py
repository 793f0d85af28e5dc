"""API endpoints of complaints: clues (list, intake, detail), their workflow actions
(`/clues/{number}/<action>/`, each one service call), their timeline, the live duplicate check of
the intake form, the clue figures, and the caller's own notifications.

Scope everywhere: a clue outside the caller's jurisdiction (or, for a bureau client, its
industries) is a 404 on every path, is never a possible duplicate and is never counted. Actions
need `complaints.change_clue` (else 403) and the clue in the caller's `change` scope (else 404);
a wrong state answers 409 `{"detail", "code"}`. Clues are never edited or deleted through the API
(PUT/PATCH/DELETE → 405)."""
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from projects.models import Project
from wagecase.core.api.exceptions import Conflict, django_validation_error_to_drf
from wagecase.core.api.views import errors
from wagecase.core.api.viewsets import WagecaseViewSetMixin
from wagecase.core.models import Notification

from .. import services
from ..filtersets import ClueFilterSet
from ..models import Clue, ClueDuplicate, ClueEvent
from ..selectors import clue_figures
from ..services import ClueConflict
from .serializers import (
    ClueAcceptSerializer, ClueClassifySerializer, ClueCloseSerializer, ClueEventSerializer, ClueExtensionApproveSerializer,
    ClueExtensionRequestSerializer, ClueFiguresSerializer, ClueHandOverSerializer, ClueMergeSerializer, ClueNoteSerializer,
    ClueRejectSerializer, ClueResolveSerializer, ClueRevisitSerializer, ClueSerializer, ClueTransferReplySerializer,
    ClueTransferSerializer, DuplicateCandidateSerializer, DuplicateQuerySerializer, FiguresQuerySerializer,
    NotificationSerializer, ReadAllResultSerializer, UnreadCountSerializer,
)

CONFLICT = OpenApiResponse(
    description="Not allowed in the clue's current state: `{\"detail\", \"code\"}` with code `wrong_state`, "
                "`already_extended`, `no_department`, `merge_invalid` or `not_receiving_department`."
)
ACTION_ERRORS = {**errors(400, 401, 403, 404), 409: CONFLICT}

# Illustrative data: a clue received in Qinzhou district (620502), Tianshui.
CLUE_REQUEST = {
    "channel": "hotline_12333",
    "received_at": "2026-03-16T09:42:00+08:00",
    "complainant_name": "王建军",
    "complainant_phone": "13993812345",
    "complainant_id_number": "62050219870722123X",
    "project_code": "TS-620502-101",
    "employer_name": "天水华陇劳务有限公司",
    "employer_uscc": "91620502MA73K8H2XA",
    "region_code": "620502",
    "workers_involved": 14,
    "amount_claimed": "186000.00",
    "description": "反映秦州区藉河南岸棚户区改造项目（三期）钢筋班组 14 名农民工 2025 年 11 月至 2026 年 1 月"
                   "工资共 186000.00 元未发放，多次向劳务公司讨要无果。",
}
CLUE_RESPONSE = {
    "number": "620502-2026-000137",
    "url": "https://wagecase.example.gov.cn/api/v1/clues/620502-2026-000137/",
    "page_url": "https://wagecase.example.gov.cn/clues/620502-2026-000137/",
    "timeline_url": "https://wagecase.example.gov.cn/api/v1/clues/620502-2026-000137/events/",
    **CLUE_REQUEST,
    "channel_display": "12333热线",
    "complainant_phone": "139****2345",
    "complainant_id_number": "620502********123X",
    "region_name": "甘肃省天水市秦州区",
    "industry": "housing",
    "status": "received",
    "status_display": "待受理",
    "category": None,
    "category_display": None,
    "owner": {"id": 7, "name": "刘晓燕"},
    "received_by": {"id": 7, "name": "刘晓燕"},
    "accept_due": "2026-03-23",
    "accepted_at": None,
    "resolve_due": None,
    "due_on": "2026-03-23",
    "deadline_state": "normal",
    "overdue": False,
    "extension_requested_at": None, "extension_reason": "", "extended_at": None,
    "classified_at": None, "reject_reason": "",
    "transferred_to": None, "transferred_at": None, "transfer_reason": "", "transfer_due": None,
    "transfer_replied_at": None, "transfer_outcome": "", "transfer_reply": "",
    "workers_paid": None, "amount_recovered": None, "result": "", "result_explanation": "", "resolved_at": None,
    "reply": "", "closed_at": None, "revisited_at": None, "revisit_satisfied": None, "revisit_note": "",
    "merged_into": None,
    "possible_duplicates": ["620502-2026-000121"],
}
CLUE_EXAMPLES = [
    OpenApiExample("登记 12333 热线线索 Register a 12333 clue", request_only=True, value=CLUE_REQUEST,
                   description="登记人即首问负责人；`accept_due` 为收到之日后第 5 个工作日。"),
    OpenApiExample("线索 Clue", response_only=True, value=CLUE_RESPONSE,
                   description="手机号、身份证号默认脱敏；`possible_duplicates` 列出疑似重复线索编号。"),
]


def _action_schema(summary, description, request):
    return extend_schema(summary=summary, description=description, request=request,
                         responses={200: ClueSerializer, **ACTION_ERRORS})


def _query(serializer_class, request):
    """Query parameters checked by a serializer: 400 on the parameter when invalid."""
    params = serializer_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    return {key: value for key, value in params.validated_data.items() if value not in ("", None)}


# --- Clues --------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List clues (欠薪线索列表)",
        description="本辖区（行业主管部门：本行业）的欠薪线索，最新在前。Clues in the caller's scope (bureau clients: clues of their industries), newest first. Filters: "
                    "`status`, `category`, `channel` (each repeatable), `region_code` (prefix), `overdue=true`, "
                    "`received_after` (inclusive) and `received_before` (exclusive), each a date or an ISO datetime, "
                    "`q` (number, employer, project, description). Phones and ID numbers are masked unless the caller "
                    "may see personal data.",
        responses={200: ClueSerializer(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(summary="Get a clue by number (按编号查询线索)", responses={200: ClueSerializer, **errors(401, 403, 404)}),
    create=extend_schema(
        summary="Register a clue (登记欠薪线索)",
        description="登记各渠道收到的欠薪线索（首问负责制），5 个工作日内决定是否受理。Registers a clue received through any channel; the caller becomes its first-responsible officer. "
                    "`accept_due` is the 5th working day after the day of receipt; `possible_duplicates` lists earlier "
                    "clues about the same employer, project or complainant. Invalid input answers 400 and saves nothing.",
        responses={201: ClueSerializer, **errors(400, 401, 403)},
        examples=CLUE_EXAMPLES,
    ),
)
class ClueViewSet(WagecaseViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  viewsets.GenericViewSet):
    """Wage-arrears clues (欠薪线索), looked up by number, from intake to closure."""

    # The project's code and the merged-into clue's number come as scalar subqueries, not joins:
    # each of those two joins (a wide table, many indexes) cost PostgreSQL 3-5 ms of planning per
    # list request, more than the page's execution (issue 10).
    queryset = Clue.objects.select_related("region", "owner", "received_by", "transferred_to").annotate(
        project_code_value=Subquery(Project.objects.filter(pk=OuterRef("project_id")).order_by().values("code")[:1]),
        merged_into_number=Subquery(Clue.objects.filter(pk=OuterRef("merged_into_id")).order_by().values("number")[:1]),
    )
    serializer_class = ClueSerializer
    filterset_class = ClueFilterSet
    lookup_field = "number"
    lookup_value_regex = r"[^/]+"
    http_method_names = ["get", "post", "head", "options"]
    permission_action_map = {
        "events": "view",
        "duplicates": "view",
        "figures": "view",
        **{name: "change" for name in (
            "accept", "reject", "classify", "transfer", "resolve", "close", "transfer_reply", "hand_over",
            "extension_request", "extension_approve", "revisit", "merge", "notes",
        )},
    }

    def with_duplicates(self, queryset):
        """Prefetch each clue's possible duplicates among the clues the caller may see (one query per page)."""
        visible = Clue.objects.restrict(self.request.user, "view").values("pk")
        links = ClueDuplicate.objects.filter(candidate__in=visible).select_related("candidate").order_by(
            "-candidate__received_at", "-candidate__pk"
        )
        return queryset.prefetch_related(Prefetch("duplicate_links", queryset=links, to_attr="scoped_duplicates"))

    # Numbered pages in two steps (WagecaseViewSetMixin.paginate_queryset): the page's ids come from an
    # index-only scan of clue_open_region_due_idx (~1 ms) instead of joining the region, the users and
    # the department of every match (3,450 overdue clues of one city with 300,000 clues, ~20 ms).
    # The rows are loaded whole: deferring the seven columns the JSON does not show saved no measurable
    # transfer, and Model.from_db() then matches every column name against the loaded ones (~30 µs a row).
    paginate_by_ids = True

    # What a list row shows of its related rows, as annotations read by the row's fields (RowColumnField,
    # and RowRefMixin for the officer, the registrar and the department): the page's rows are read with
    # the same joins but one model instance a row instead of up to five (issue 10). A user's name is
    # its str(): the full name, else the username. The detail and the actions keep the related rows.
    list_row_columns = {
        "row_region_name": F("region__full_name"),
        "row_owner_name": Coalesce(NullIf(F("owner__full_name"), Value("")), F("owner__username")),
        "row_received_by_name": Coalesce(NullIf(F("received_by__full_name"), Value("")), F("received_by__username")),
        "row_transferred_to_name": F("transferred_to__name"),
        "row_transferred_to_kind": F("transferred_to__kind"),
    }

    def get_queryset(self):
        return self.with_duplicates(super().get_queryset())

    def page_rows(self, queryset):
        return queryset.select_related(None).annotate(**self.list_row_columns)

    def reloaded(self, clue):
        """The clue as the caller now sees it, for the response."""
        queryset = self.with_duplicates(type(self).queryset.all().restrict(self.request.user, "view"))
        return queryset.get(pk=clue.pk)

    def perform_create(self, serializer):
        instance = self.save_in_scope(serializer, "add")
        serializer.instance = self.reloaded(instance)

    # --- Workflow actions ------------------------------------------------------------------------

    def run(self, service, body_serializer=None, *, office_only=True):
        """Validate the body, call the service on the clue (in the change scope), answer the updated clue."""
        clue = self.get_object()
        with service_errors():
            if office_only:
                # The service's own role rule, checked before the body: a bureau client is told 403,
                # not which officers exist.
                services.office_only(self.request.user)
            data = {}
            if body_serializer is not None:
                body = body_serializer(data=request_data(self.request), context=self.get_serializer_context())
                body.is_valid(raise_exception=True)
                data = dict(body.validated_data)
            service(clue=clue, user=self.request.user, **data)
        return Response(self.get_serializer(self.reloaded(clue)).data)

    @_action_schema("Accept a clue (受理线索)", "受理后 60 个工作日内办结。`received` → `accepted`; the 60-working-day handling period (`resolve_due`) starts "
                    "and the caller becomes responsible if nobody is.", ClueAcceptSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, number=None):
        return self.run(services.clue_accept, ClueAcceptSerializer)

    @_action_schema("Do not accept a clue (不予受理)", "`received` → `closed` with category `not_accepted`; `reason` is required.",
                    ClueRejectSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, number=None):
        return self.run(services.clue_reject, ClueRejectSerializer)

    @_action_schema("Classify a clue (分类处置)", "`accepted` → `in_progress` with a category: `wage_arrears`, `project_payment`, "
                    "`dispute`, `unfounded` or `duplicate`.", ClueClassifySerializer)
    @action(detail=True, methods=["post"])
    def classify(self, request, number=None):
        return self.run(services.clue_classify, ClueClassifySerializer)

    @_action_schema("Transfer a clue to a department (转办行业主管部门)",
                    "拖欠工程款等转交行业主管部门办理。`accepted`/`in_progress` → `transferred`: the department of that kind responsible for the clue's "
                    "region receives it and must reply by `transfer_due`. No such department → 409 `no_department`.",
                    ClueTransferSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, number=None):
        return self.run(services.clue_transfer, ClueTransferSerializer)

    @_action_schema("Resolve a clue (录入处理结果)",
                    "`in_progress` → `resolved` with the workers paid, the amount recovered and the result. Figures that "
                    "do not match the clue (more paid than involved or claimed…) need `result_explanation`, else 400.",
                    ClueResolveSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, number=None):
        return self.run(services.clue_resolve, ClueResolveSerializer)

    @_action_schema("Close a clue (办结线索)", "`resolved` → `closed` with the reply given to the complainant.", ClueCloseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, number=None):
        return self.run(services.clue_close, ClueCloseSerializer)

    @_action_schema("Record the department's reply to a transfer (登记转办部门回复)",
                    "`transferred` → `resolved` (`outcome: handled`, with `workers_paid` and `amount_recovered`) or back "
                    "to the office (`outcome: returned`). A bureau client answers only for its own department "
                    "(else 409 `not_receiving_department`).", ClueTransferReplySerializer)
    @action(detail=True, methods=["post"], url_path="transfer-reply")
    def transfer_reply(self, request, number=None):
        return self.run(services.clue_transfer_reply, ClueTransferReplySerializer, office_only=False)

    @_action_schema("Hand a clue over to another officer (移交其他经办人)",
                    "The officer (`to_user`, an id) becomes responsible; the hand-over is on the timeline and notified.",
                    ClueHandOverSerializer)
    @action(detail=True, methods=["post"], url_path="hand-over")
    def hand_over(self, request, number=None):
        return self.run(services.clue_hand_over, ClueHandOverSerializer)

    @_action_schema("Request an extension (申请延期)", "Asks the office head for the one extension of the handling period.",
                    ClueExtensionRequestSerializer)
    @action(detail=True, methods=["post"], url_path="extension-request")
    def extension_request(self, request, number=None):
        return self.run(services.clue_extension_request, ClueExtensionRequestSerializer)

    @_action_schema("Approve an extension (批准延期)",
                    "Office head only (else 403): +30 working days on `resolve_due`, once (again → 409 `already_extended`).",
                    ClueExtensionApproveSerializer)
    @action(detail=True, methods=["post"], url_path="extension-approve")
    def extension_approve(self, request, number=None):
        return self.run(services.clue_extension_approve, ClueExtensionApproveSerializer)

    @_action_schema("Record the return visit (登记回访)", "After resolution: whether the complainant is satisfied, and what they said.",
                    ClueRevisitSerializer)
    @action(detail=True, methods=["post"])
    def revisit(self, request, number=None):
        return self.run(services.clue_revisit, ClueRevisitSerializer)

    @_action_schema("Merge a duplicate into another clue (合并重复线索)",
                    "This clue closes as `duplicate`, `merged_into` the clue numbered `into` (which must be in the "
                    "caller's scope); figures count the pair once. Answers this clue.", ClueMergeSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, number=None):
        return self.run(services.clue_merge, ClueMergeSerializer)

    @extend_schema(summary="Add a note to a clue's timeline (添加线索备注)", request=ClueNoteSerializer,
                   responses={201: ClueEventSerializer, **errors(400, 401, 403, 404)})
    @action(detail=True, methods=["post"])
    def notes(self, request, number=None):
        clue = self.get_object()
        body = ClueNoteSerializer(data=request_data(request))
        body.is_valid(raise_exception=True)
        with service_errors():
            event = services.clue_note(clue=clue, user=request.user, **body.validated_data)
        return Response(ClueEventSerializer(event).data, status=status.HTTP_201_CREATED)

    # --- Timeline ----------------------------------------------------------------------------------

    @extend_schema(summary="A clue's timeline (线索办理记录)",
                   description="Its events, oldest first: transitions, hand-overs, extensions, reminders and notes.",
                   responses={200: ClueEventSerializer(many=True), **errors(401, 403, 404)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def events(self, request, number=None):
        clue = self.get_object()
        events = ClueEvent.objects.filter(clue=clue).select_related("user").order_by("created", "pk")
        page = self.paginate_queryset(events)
        data = ClueEventSerializer(page if page is not None else events, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    # --- Duplicate check and figures -------------------------------------------------------------

    @extend_schema(
        summary="Find possible duplicates of a new clue (查找疑似重复线索)",
        description="For the intake form's live check: earlier clues (in the caller's scope, within the policy's "
                    "window, merged ones left out) with the same employer USCC or name, project or complainant phone, "
                    "newest first, at most 20, each with its reasons.",
        parameters=[DuplicateQuerySerializer],
        responses={200: DuplicateCandidateSerializer(many=True), **errors(400, 401, 403)},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def duplicates(self, request):
        params = _query(DuplicateQuerySerializer, request)
        project_id = None
        if params.get("project_code"):
            projects = Project.objects.restrict(request.user, "view").filter(code=params["project_code"])
            project_id = projects.values_list("pk", flat=True).first()
        found = services.duplicate_candidates(
            received_at=params.get("received_at"), employer_uscc=params.get("employer_uscc", ""),
            employer_name=params.get("employer_name", ""), project_id=project_id,
            complainant_phone=params.get("complainant_phone", "").strip(), region_code=params.get("region_code"),
            queryset=Clue.objects.restrict(request.user, "view"),
        )
        items = [{"clue": clue, "reasons": reasons} for clue, reasons in found]
        return Response(DuplicateCandidateSerializer(items, many=True, context={"request": request}).data)

    @extend_schema(
        summary="Clue figures (线索办理统计)",
        description="本期受理、按期受理、办结、办结率、超期、预警、兑付人数和金额。Received, accepted on time, closed, closure rate, overdue, in warning, workers paid and amount "
                    "recovered for the clues received in the period (Beijing dates, inclusive), with the counts by "
                    "channel and by category. Only clues in the caller's scope count; `region_code` narrows by prefix; "
                    "a duplicate merged into another clue counts once.",
        parameters=[FiguresQuerySerializer],
        responses={200: ClueFiguresSerializer, **errors(400, 401, 403)},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def figures(self, request):
        params = _query(FiguresQuerySerializer, request)
        queryset = Clue.objects.restrict(request.user, "view")
        region_code = params.get("region_code", "")
        if region_code:
            queryset = queryset.filter(region__code__startswith=region_code)
        figures = clue_figures(queryset, date_from=params.get("date_from"), date_to=params.get("date_to"))
        return Response(ClueFiguresSerializer({**figures, "region_code": region_code}).data)


@contextmanager
def service_errors():
    """A service's errors as the API answers them: ClueConflict → 409 `{detail, code}`, a Django
    ValidationError → 400 by field, Django's PermissionDenied → 403 with the service's message."""
    try:
        yield
    except ClueConflict as error:
        raise Conflict(str(error.detail), code=error.error_code)
    except DjangoValidationError as error:
        raise django_validation_error_to_drf(error)
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error) or None)


def request_data(request):
    """The JSON body; an empty body counts as `{}` (e.g. `accept`)."""
    data = request.data
    if data is None or data == "":
        return {}
    if not isinstance(data, dict) and not hasattr(data, "getlist"):
        raise ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    return data


# --- Notifications ------------------------------------------------------------------------------------

UNREAD = OpenApiParameter("unread", OpenApiTypes.BOOL, description="`true`: only unread; `false`: only read.")


@extend_schema_view(
    list=extend_schema(summary="List my notifications (我的提醒)",
                       description="The caller's own notifications, newest first; `unread=true` for the unread only.",
                       parameters=[UNREAD], responses={200: NotificationSerializer(many=True), **errors(400, 401, 403)}),
    retrieve=extend_schema(summary="Get one of my notifications (提醒详情)",
                           responses={200: NotificationSerializer, **errors(401, 403, 404)}),
)
class NotificationViewSet(WagecaseViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's in-app notifications (deadline warnings, hand-overs, transfers). Nobody sees another's."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    filter_backends = []
    permission_action_map = {"read": "change", "read_all": "change", "unread_count": "view"}

    def get_queryset(self):
        queryset = super().get_queryset().order_by("-created", "-pk")
        if self.action == "list" and "unread" in self.request.query_params:
            value = self.request.query_params["unread"].strip().lower()
            if value in ("true", "1", "yes"):
                queryset = queryset.filter(read_at__isnull=True)
            elif value in ("false", "0", "no"):
                queryset = queryset.filter(read_at__isnull=False)
            elif value:
                raise ValidationError({"unread": [_("Use true or false.")]})
        return queryset

    @extend_schema(summary="Mark a notification read (标记提醒已读)", request=None,
                   responses={200: NotificationSerializer, **errors(401, 403, 404)})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        return Response(self.get_serializer(notification).data)

    @extend_schema(summary="Mark all my notifications read (全部标记已读)", request=None,
                   responses={200: ReadAllResultSerializer, **errors(401, 403)})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        marked = self.get_queryset().filter(read_at__isnull=True).update(read_at=timezone.now())
        return Response({"marked": marked})

    @extend_schema(summary="Count my unread notifications (未读提醒数)", responses={200: UnreadCountSerializer, **errors(401, 403)})
    @action(detail=False, methods=["get"], url_path="unread-count", pagination_class=None)
    def unread_count(self, request):
        return Response({"unread": self.get_queryset().filter(read_at__isnull=True).count()})
