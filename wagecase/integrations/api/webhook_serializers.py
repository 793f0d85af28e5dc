"""Serializers of `/api/v1/webhooks/`: subscriptions (the secret shown on create and rotation only)
and their deliveries."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from ..choices import DeliveryStatus, WebhookEvent
from ..models import WebhookDelivery, WebhookSubscription


def _http_url(value):
    if not value.lower().startswith(("http://", "https://")):
        raise serializers.ValidationError(_("Give an http:// or https:// address."))
    return value


@extend_schema_serializer(examples=[
    OpenApiExample(
        "订阅住建项目预警和案件 / subscribe", request_only=True,
        value={"url": "https://zjj.example.gov.cn/hooks/wagecase",
               "events": ["project.warning_raised", "rectification_order.issued", "case.opened", "case.cleared"]},
    ),
])
class WebhookSubscriptionSerializer(serializers.ModelSerializer):
    """A webhook subscription (事件订阅) of the calling API client: events in the client's scope
    (its region prefix and industries) are POSTed, signed, to `url`."""

    url = serializers.URLField(max_length=500, validators=[_http_url],
                               help_text="Receiver address, http:// or https://; answer 2xx within 5 s.")
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices), allow_empty=False,
                                   help_text="Events to receive (at least one).")
    active = serializers.BooleanField(required=False, default=True,
                                      help_text="false pauses the subscription: nothing is sent, pending retries fail.")
    client = serializers.CharField(source="client.name", read_only=True, help_text="Name of the API client.")

    class Meta:
        model = WebhookSubscription
        fields = ["id", "client", "url", "events", "active", "created", "last_updated"]
        read_only_fields = ["id", "client", "created", "last_updated"]

    def validate_events(self, value):
        if len(set(value)) != len(value):
            raise serializers.ValidationError(_("An event is listed twice."))
        return value


class WebhookSubscriptionSecretSerializer(WebhookSubscriptionSerializer):
    """A subscription with its signing secret — returned only when created and when the secret is rotated."""

    secret = serializers.CharField(read_only=True, help_text="HMAC-SHA256 signing key. Shown only now: store it.")

    class Meta(WebhookSubscriptionSerializer.Meta):
        fields = [*WebhookSubscriptionSerializer.Meta.fields, "secret"]
        read_only_fields = [*WebhookSubscriptionSerializer.Meta.read_only_fields, "secret"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    """One delivery of one event to one subscription, with the receiver's last answer."""

    status = serializers.ChoiceField(choices=DeliveryStatus.choices, read_only=True,
                                     help_text="`pending` → `delivered` on a 2xx; else `retrying` (see `next_attempt_at`) "
                                               "and, after the 6th retry, `failed`.")
    event = serializers.CharField(read_only=True, help_text="Event type, or `ping` for a test.")
    event_id = serializers.UUIDField(read_only=True, help_text="The body's `id`: the same for every delivery of one event "
                                                               "(redeliveries included) — deduplicate on it.")
    attempts = serializers.IntegerField(read_only=True, help_text="Attempts made so far.")
    next_attempt_at = serializers.DateTimeField(read_only=True, allow_null=True,
                                                help_text="When the next attempt is due (null when delivered or failed).")
    response_status = serializers.IntegerField(read_only=True, allow_null=True,
                                               help_text="HTTP status of the last answer; null when none came.")
    response_body = serializers.CharField(read_only=True, help_text="The last answer's body (first 2,000 characters).")
    error = serializers.CharField(read_only=True, help_text="Why the last attempt got no answer (timeout, refused…).")
    payload = serializers.JSONField(read_only=True, help_text="The body sent: `{id, event, occurred_at, data}`.")

    class Meta:
        model = WebhookDelivery
        fields = ["id", "event", "event_id", "status", "attempts", "next_attempt_at", "response_status", "response_body",
                  "error", "created", "delivered_at", "payload"]
        read_only_fields = fields
