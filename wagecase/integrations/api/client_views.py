"""API of the caller's own API client (`/api/v1/clients/me/…`): the client, its named tokens
(create, rotate, revoke) and its call log with a daily summary.

Only a bureau account with an API client has one: any other caller gets 404 here. Every query
starts from the models' scope filter and the caller's own client, so no client sees another's."""
import datetime

import django_filters
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from wagecase.core.api.exceptions import Conflict

from .. import services
from ..models import ApiCall, ApiClient, ApiToken
from .client_serializers import (
    ApiCallSerializer, ApiCallSummarySerializer, ApiClientSerializer, ApiTokenCreateSerializer, ApiTokenKeySerializer,
    ApiTokenRotateSerializer, ApiTokenSerializer,
)

TAGS = ["clients"]
SUMMARY_DAYS = 30

ERRORS = {
    400: OpenApiResponse(description="输入无效 Invalid input: `{\"field\": [\"message\", ...]}`。"),
    401: OpenApiResponse(description="未提供凭据，或令牌无效、已吊销、已过期 (No credentials; or the token is invalid, "
                                     "revoked or expired)。"),
    404: OpenApiResponse(description="调用者不是 API 客户端，或令牌不属于本客户端 (Not an API client, or not its token)。"),
    409: OpenApiResponse(description="`{\"detail\", \"code\"}`：令牌已吊销，不能轮换 (The token is revoked)。"),
    429: OpenApiResponse(description="超出本客户端限流，见 `Retry-After` 响应头 (Rate limit exceeded; see Retry-After)。"),
}


def errors(*codes):
    return {code: ERRORS[code] for code in codes}


KEY_EXAMPLE = OpenApiExample(
    "新令牌 New token",
    value={"id": 12, "name": "sync-server", "prefix": "3f9a1c0e", "status": "active", "created": "2026-03-02T09:30:00+08:00",
           "last_used": None, "expires_at": "2027-03-01T00:00:00+08:00", "revoked_at": None,
           "key": "3f9a1c0e7b5d2a4c6e8f0a1b3c5d7e9f1a2b3c4d"},
    response_only=True,
)


class ClientSelfMixin:
    """The caller's own ApiClient as `self.client`; 404 for a caller without one."""

    permission_classes = [IsAuthenticated]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.client = self.get_client()

    def get_client(self):
        user = self.request.user
        client = (
            ApiClient.objects.filter(ApiClient.scope_filter(user), user=user).select_related("user__jurisdiction").first()
            if user.is_bureau else None
        )
        if client is None:
            raise NotFound(_("Only API clients have this resource."))
        return client


class ClientMeView(ClientSelfMixin, GenericAPIView):
    serializer_class = ApiClientSerializer
    queryset = ApiClient.objects.all()
    pagination_class = None
    filter_backends = []

    @extend_schema(
        summary="Get my API client (本客户端信息)",
        operation_id="clients_me_retrieve",
        tags=TAGS,
        description=(
            "调用者自己的 API 客户端：名称、可访问的行业与行政区划前缀、限流、全部命名令牌（不含完整令牌）。\n\n"
            "The caller's own API client: its industries and region prefix (its scope), rate limit and named "
            "tokens (without their keys). Callers that are not API clients get 404."
        ),
        responses={200: ApiClientSerializer, **errors(401, 404)},
    )
    def get(self, request):
        return Response(self.get_serializer(self.client).data)


@extend_schema_view(
    list=extend_schema(
        summary="List my tokens (令牌列表)",
        description="本客户端的全部命名令牌（有效、已过期、已吊销），不含完整令牌。\n\nAll named tokens of the caller's client.",
        responses={200: ApiTokenSerializer(many=True), **errors(401, 404)},
    ),
    retrieve=extend_schema(summary="Get one of my tokens (令牌详情)", responses={200: ApiTokenSerializer, **errors(401, 404)}),
    create=extend_schema(
        summary="Create a named token (新建命名令牌)",
        description=(
            "新建一个命名令牌。响应中的 `key` 是完整令牌，**只显示这一次**，服务器只保存其 SHA-256 摘要。"
            "调用时使用请求头 `Authorization: Token <key>`。\n\n"
            "Creates a named token; the response's `key` is shown this once only."
        ),
        request=ApiTokenCreateSerializer,
        responses={201: ApiTokenKeySerializer, **errors(400, 401, 404)},
        examples=[
            OpenApiExample("新建令牌 Create", value={"name": "sync-server", "expires_at": "2027-03-01T00:00:00+08:00"},
                           request_only=True),
            KEY_EXAMPLE,
        ],
    ),
    rotate=extend_schema(
        summary="Rotate a token (轮换令牌)",
        description=(
            "轮换令牌：生成同名新令牌（响应中的 `key` 只显示一次），原令牌立即失效（再用返回 401）。"
            "新令牌沿用原过期时间，除非另给 `expires_at`。已吊销的令牌不能轮换（409 `token_revoked`）。\n\n"
            "Rotates a token: a new key of the same name; the old key stops working at once."
        ),
        request=ApiTokenRotateSerializer,
        responses={201: ApiTokenKeySerializer, **errors(400, 401, 404, 409)},
        examples=[KEY_EXAMPLE],
    ),
    revoke=extend_schema(
        summary="Revoke a token (吊销令牌)",
        description="吊销令牌，立即生效；再次吊销不改变吊销时间。\n\nRevokes a token at once (repeating it changes nothing).",
        request=None,
        responses={200: ApiTokenSerializer, **errors(401, 404)},
    ),
)
class ApiTokenViewSet(ClientSelfMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Named tokens of the caller's API client."""

    queryset = ApiToken.objects.all()
    serializer_class = ApiTokenSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return ApiToken.objects.filter(ApiToken.scope_filter(self.request.user), client=self.client).order_by("-created", "-pk")

    def get_serializer_class(self):
        if self.action == "create":
            return ApiTokenCreateSerializer
        if self.action == "rotate":
            return ApiTokenRotateSerializer
        return ApiTokenSerializer

    def key_response(self, token, key):
        data = ApiTokenKeySerializer(token, context={**self.get_serializer_context(), "key": key}).data
        return Response(data, status=status.HTTP_201_CREATED)

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = services.token_create(client=self.client, **serializer.validated_data)
        return self.key_response(token, key)

    @action(detail=True, methods=["post"])
    def rotate(self, request, pk=None):
        token = self.get_object()
        if token.revoked_at is not None:
            raise Conflict(_("This token is revoked; create a new one instead."), code="token_revoked")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        new_token, key = services.token_rotate(token, expires_at=serializer.validated_data.get("expires_at"))
        return self.key_response(new_token, key)

    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        token = services.token_revoke(self.get_object())
        return Response(ApiTokenSerializer(token, context=self.get_serializer_context()).data)


class ApiCallFilterSet(django_filters.FilterSet):
    since = django_filters.DateTimeFilter(field_name="time", lookup_expr="gte",
                                          label="起始时间（含），ISO 8601 日期或日期时间 · calls at or after")
    until = django_filters.DateTimeFilter(field_name="time", lookup_expr="lt",
                                          label="截止时间（不含）· calls before")
    status = django_filters.NumberFilter(field_name="status", label="HTTP 状态码 · status code")
    errors = django_filters.BooleanFilter(method="filter_errors", label="true：仅状态码 ≥ 400 · only errors")
    method = django_filters.CharFilter(field_name="method", lookup_expr="iexact", label="HTTP 方法 · method")

    class Meta:
        model = ApiCall
        fields = ["since", "until", "status", "errors", "method"]

    def filter_errors(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(status__gte=400) if value else queryset.filter(status__lt=400)


@extend_schema_view(
    list=extend_schema(
        summary="List my API calls (调用日志)",
        description=(
            "本客户端的调用日志（新的在前）：时间、方法、路径、状态码、耗时、请求/响应字节数、列表返回条数。"
            "可按 `since`/`until`（ISO 8601）、`status`、`errors=true`、`method` 过滤。\n\n"
            "The caller's call log, newest first, with filters."
        ),
        responses={200: ApiCallSerializer(many=True), **errors(400, 401, 404)},
    ),
    summary=extend_schema(
        summary="Daily summary of my API calls (调用日汇总)",
        description=(
            f"按天（北京时间）汇总调用次数、错误数（状态码 ≥ 400）与字节数。默认最近 {SUMMARY_DAYS} 天；"
            "可用 `since`/`until` 及列表的其他过滤条件。\n\n"
            "Calls, errors and bytes per day (Asia/Shanghai), by default over the last "
            f"{SUMMARY_DAYS} days."
        ),
        responses={200: ApiCallSummarySerializer, **errors(400, 401, 404)},
        examples=[OpenApiExample("汇总 Summary", response_only=True, value={
            "since": "2026-02-01T00:00:00+08:00", "until": None, "calls": 1520, "errors": 12, "bytes": 4812345,
            "days": [{"date": "2026-03-01", "calls": 760, "errors": 5, "request_bytes": 12034, "response_bytes": 2400100,
                      "bytes": 2412134}],
        })],
    ),
)
class ApiCallViewSet(ClientSelfMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The call log of the caller's API client."""

    queryset = ApiCall.objects.all()
    serializer_class = ApiCallSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApiCallFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiCall.objects.none()
        return (
            ApiCall.objects.filter(ApiCall.scope_filter(self.request.user), client=self.client)
            .select_related("token")
            .order_by("-time", "-pk")
        )

    @action(detail=False, methods=["get"], pagination_class=None)
    def summary(self, request):
        filterset = self.filterset_class(request.query_params, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        queryset = filterset.qs
        since, until = filterset.form.cleaned_data.get("since"), filterset.form.cleaned_data.get("until")
        if since is None:
            start = timezone.localtime() - datetime.timedelta(days=SUMMARY_DAYS - 1)
            since = start.replace(hour=0, minute=0, second=0, microsecond=0)
            queryset = queryset.filter(time__gte=since)
        rows = list(
            queryset.order_by()
            .annotate(date=TruncDate("time"))
            .values("date")
            .annotate(
                calls=Count("pk"),
                errors=Count("pk", filter=Q(status__gte=400)),
                request_bytes=Coalesce(Sum("request_bytes"), 0),
                response_bytes=Coalesce(Sum("response_bytes"), 0),
            )
            .order_by("date")
        )
        for row in rows:
            row["bytes"] = row["request_bytes"] + row["response_bytes"]
        data = {
            "since": since,
            "until": until,
            "calls": sum(r["calls"] for r in rows),
            "errors": sum(r["errors"] for r in rows),
            "bytes": sum(r["bytes"] for r in rows),
            "days": rows,
        }
        return Response(ApiCallSummarySerializer(data).data)
