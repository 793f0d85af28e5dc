"""API endpoints of webhooks: an API client's own subscriptions, their secret, a test ping, the
deliveries log and redelivery. See webhooks.py for signing and retries."""
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from wagecase.core.api.views import errors

from ..choices import DeliveryStatus, WebhookEvent
from ..models import ApiClient, WebhookDelivery, WebhookSubscription
from ..webhooks import (
    BACKOFF, delivery_redeliver, subscription_create, subscription_ping, subscription_rotate_secret, subscription_update,
)
from .webhook_serializers import (
    WebhookDeliverySerializer, WebhookSubscriptionSecretSerializer, WebhookSubscriptionSerializer,
)

EVENT_NAMES_ZH = {
    WebhookEvent.PROJECT_WARNING_RAISED: "项目产生预警",
    WebhookEvent.ORDER_ISSUED: "下达限期整改指令书",
    WebhookEvent.ORDER_ESCALATED: "整改指令逾期未改、升级处理",
    WebhookEvent.CASE_OPENED: "欠薪案件立案（含由线索、检查转立）",
    WebhookEvent.CASE_CLEARED: "欠薪案件清偿销账",
}
with translation.override("en"):  # the English half of a bilingual text, whatever the default language
    EVENTS_DOC = "\n".join(f"- `{value}`: {EVENT_NAMES_ZH.get(value, '')} / {label}" for value, label in WebhookEvent.choices)


def _wait(seconds):
    return f"{seconds // 3600} h" if seconds % 3600 == 0 else f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds} s"


BACKOFF_DOC = ", ".join(_wait(s) for s in BACKOFF)

WEBHOOK_GUIDE = f"""
**事件推送（Webhook）**：API 客户端（住建、交通等行业主管部门）订阅其管辖范围内（区划代码前缀 + 行业）的事件，
事件发生（事务提交）后系统向 `url` 发送 `POST`，JSON 正文 `{{"id", "event", "occurred_at", "data"}}`。
An API client (a bureau) subscribes to events in its scope (region prefix and industries); when one happens,
the receiver gets a `POST` with the JSON body `{{"id", "event", "occurred_at", "data"}}`. `data` carries codes,
numbers and amounts (as the API's own fields), no personal data. Events:

{EVENTS_DOC}
- `ping`: sent by `POST /api/v1/webhooks/{{id}}/test/` only.

**请求头 / Headers**: `Content-Type: application/json`, `X-Wagecase-Event: <event>`,
`X-Wagecase-Delivery: <delivery id>`, `X-Wagecase-Signature: t=<unix seconds>,v1=<hex>` where
`v1 = HMAC-SHA256(secret, "<t>.<raw body>")` in lowercase hex.

**验签 / Verifying** — 用原始字节计算，不要重新序列化 JSON；拒绝时间差超过 5 分钟的请求（防重放）。
Compute over the raw bytes received (never re-serialised JSON) and reject timestamps more than 5 minutes off:

```python
import hashlib, hmac, time

def verify(secret: str, header: str, raw_body: bytes, tolerance: int = 300) -> bool:
    parts = dict(item.split("=", 1) for item in header.split(","))
    t = int(parts["t"])
    if abs(time.time() - t) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{{t}}.".encode() + raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])

# Flask:  verify(SECRET, request.headers["X-Wagecase-Signature"], request.get_data())
# Django: verify(SECRET, request.headers["X-Wagecase-Signature"], request.body)
```

**应答与重试 / Answer and retries**: 5 秒内返回 2xx 即为送达（不跟随 3xx 重定向）；否则按
{BACKOFF_DOC} 之后重试，共重试 {len(BACKOFF)} 次，
仍失败则标记 `failed`（可手动 `redeliver`）。同一事件的各次投递 `id` 相同，请按 `id` 去重。
Answer 2xx within 5 s (redirects are not followed); otherwise the delivery is retried after
{BACKOFF_DOC} (each up to a minute late),
then marked `failed`. Every delivery of one event carries the same `id`: deduplicate on it.

**权限 / Access**: 只有 API 客户端账号可以创建订阅，其他角色 → 403；只能看到自己的订阅，
别人的订阅 → 404。管理员可查看其辖区内客户端的订阅，但不能代为创建。
Only API-client accounts may create subscriptions (others → 403). A client sees only its own
subscriptions (another's → 404); an administrator sees those of the clients in its jurisdiction but
creates none.
"""

SUBSCRIPTION_ERRORS = errors(401, 403, 404)


def client_of(user):
    """The user's ApiClient, or None."""
    try:
        return user.api_client
    except ApiClient.DoesNotExist:
        return None


class IsApiClientOrAdministrator(BasePermission):
    """Webhooks belong to API clients; an administrator may look after them (not create them)."""

    message = _("Only API clients (bureau accounts) and administrators may manage webhooks.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if client_of(user) is not None:
            return True
        if view.action == "create":
            self.message = _("Only API clients (bureau accounts) may subscribe to webhooks.")
            return False
        return user.is_superuser or user.role == "admin"


@extend_schema_view(
    list=extend_schema(summary="List webhook subscriptions (事件订阅列表)", description=WEBHOOK_GUIDE,
                       responses={200: WebhookSubscriptionSerializer(many=True), **errors(401, 403)}),
    create=extend_schema(
        summary="Subscribe to events (创建事件订阅)",
        description="Creates a subscription of the calling API client. The answer (201) carries `secret`, the signing "
                    "key, **only this once** (rotate it to get a new one). Invalid `url` (not http/https) or unknown "
                    "`events` → 400 by field; a caller that is not an API client → 403.\n\n" + WEBHOOK_GUIDE,
        request=WebhookSubscriptionSerializer,
        responses={201: WebhookSubscriptionSecretSerializer, **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(summary="Get a webhook subscription (事件订阅详情)", responses={200: WebhookSubscriptionSerializer,
                                                                             **SUBSCRIPTION_ERRORS}),
    partial_update=extend_schema(summary="Change a webhook subscription (修改事件订阅: url, events, active)",
                                 description="`active: false` pauses it: nothing more is sent, and deliveries waiting "
                                             "for a retry fail when their time comes.",
                                 responses={200: WebhookSubscriptionSerializer, **errors(400, 401, 403, 404)}),
    destroy=extend_schema(summary="Delete a webhook subscription (删除事件订阅)",
                          description="Deletes the subscription with its deliveries log.",
                          responses={204: None, **SUBSCRIPTION_ERRORS}),
)
class WebhookSubscriptionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                                 mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """事件订阅（Webhook）: an API client's subscriptions to events in its scope."""

    queryset = WebhookSubscription.objects.select_related("client")
    serializer_class = WebhookSubscriptionSerializer
    permission_classes = [IsApiClientOrAdministrator]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        # The scope (WebhookSubscription.scope_filter) without the role-permission check of
        # restrict(): the bureau role's permissions are about the domain, not its own webhooks.
        condition = WebhookSubscription.scope_filter(self.request.user)
        if condition is None:
            return WebhookSubscription.objects.none()
        return self.queryset.filter(condition)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        client = client_of(request.user)
        if client is None:
            raise PermissionDenied(_("Only API clients (bureau accounts) may subscribe to webhooks."))
        subscription = subscription_create(client=client, **serializer.validated_data)
        return Response(WebhookSubscriptionSecretSerializer(subscription, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        subscription_update(subscription=serializer.instance, **serializer.validated_data)

    @extend_schema(summary="Rotate the signing secret (更换签名密钥)",
                   description="A new `secret`, returned only now; from this moment every delivery (retries of earlier "
                               "events included) is signed with it, the old one with nothing.",
                   request=None, responses={200: WebhookSubscriptionSecretSerializer, **SUBSCRIPTION_ERRORS})
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        subscription = subscription_rotate_secret(subscription=self.get_object())
        return Response(WebhookSubscriptionSecretSerializer(subscription, context=self.get_serializer_context()).data)

    @extend_schema(summary="Send a test ping (发送测试事件)",
                   description="Sends a `ping` event to the subscription's `url` now and answers with the delivery: "
                               "`status` `delivered` on a 2xx, else `failed` with the receiver's `response_status`, "
                               "`response_body` or `error`. A ping is not retried.\n\n" + WEBHOOK_GUIDE,
                   request=None, responses={200: WebhookDeliverySerializer, **SUBSCRIPTION_ERRORS})
    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        delivery = subscription_ping(subscription=self.get_object())
        return Response(WebhookDeliverySerializer(delivery).data)

    @extend_schema(summary="List a subscription's deliveries (投递记录)",
                   description="Newest first, each with its attempts, the receiver's last answer (status and the first "
                               "2,000 characters of its body) or error, and the next attempt's time.",
                   parameters=[
                       OpenApiParameter("status", OpenApiTypes.STR, enum=DeliveryStatus.values, description="Filter."),
                       OpenApiParameter("event", OpenApiTypes.STR, description="Filter by event type."),
                   ],
                   request=None, responses={200: WebhookDeliverySerializer(many=True), **SUBSCRIPTION_ERRORS})
    @action(detail=True, methods=["get"], serializer_class=WebhookDeliverySerializer, filter_backends=[])
    def deliveries(self, request, pk=None):
        subscription = self.get_object()
        deliveries = WebhookDelivery.objects.filter(subscription=subscription).order_by("-created", "-pk")
        for name in ("status", "event"):
            value = request.query_params.get(name)
            if value:
                deliveries = deliveries.filter(**{name: value})
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(summary="Redeliver an event (重新投递)",
                   description="Sends the delivery's event again now, as a new delivery (same body and event `id`, new "
                               "`X-Wagecase-Delivery`), retried with backoff if it fails. An original still waiting for a "
                               "retry is marked `failed` (superseded), so one event is never in flight twice. Another "
                               "subscription's delivery → 404.",
                   parameters=[OpenApiParameter("delivery_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
                   request=None, responses={200: WebhookDeliverySerializer, **SUBSCRIPTION_ERRORS})
    @action(detail=True, methods=["post"], url_path=r"deliveries/(?P<delivery_id>[0-9]+)/redeliver",
            serializer_class=WebhookDeliverySerializer)
    def redeliver(self, request, pk=None, delivery_id=None):
        subscription = self.get_object()
        original = WebhookDelivery.objects.filter(subscription=subscription, pk=delivery_id).first()
        if original is None:
            raise NotFound(_("No such delivery."))
        delivery = delivery_redeliver(delivery=original)
        return Response(WebhookDeliverySerializer(delivery).data)
