"""Webhooks: signing, sending and retrying deliveries, and the services behind `/api/v1/webhooks/`.

Signature: `X-Wagecase-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`,
computed over the exact bytes sent; receivers should also reject a `t` more than 5 minutes away
from their clock (replays).

Retries are kept in the database, not in Celery: a failed attempt records `next_attempt_at` (30 s,
2 min, 8 min, 32 min, 2 h, 6 h after it; after the 6th retry the delivery is `failed`), and the
periodic task `integrations.retry_webhooks` (every minute) queues the deliveries that are due. So
a retry survives a worker restart or a lost broker message, and eager tasks (tests, the embedded
default) never recurse. The cost: a retry leaves up to a minute after its time.

Each attempt first claims the delivery with a conditional UPDATE (it moves `next_attempt_at` a
lease ahead): of two workers given the same delivery only one sends, a `delivered` or `failed`
delivery is never sent again, and no database lock is held while waiting for the receiver."""
import datetime
import hashlib
import hmac
import http.client
import json
import logging
import secrets
import time
import urllib.error
import urllib.request

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import DeliveryStatus
from .events import PING, enqueue, make_payload
from .models import WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

BACKOFF = (30, 120, 480, 1920, 7200, 21600)  # seconds before retry 1, 2, … 6
TIMEOUT = 5  # seconds to connect and to wait for the answer
LEASE = datetime.timedelta(seconds=60)  # a claimed attempt not recorded by then (worker died) is due again
BODY_LIMIT = 2000  # characters of the receiver's answer kept
READ_LIMIT = 64 * 1024  # bytes read of the answer at most
SIGNATURE_TOLERANCE = 300  # seconds; advice to receivers, and what verify_signature() applies
USER_AGENT = "wagecase-webhooks/1"
FINAL = (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED)
OPEN = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)


# --- Signing -----------------------------------------------------------------------------------------


def generate_secret():
    return "whsec_" + secrets.token_hex(24)


def encode(payload):
    """The body as sent: compact UTF-8 JSON (Chinese text as is)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signature(secret, timestamp, body):
    message = f"{int(timestamp)}.".encode("ascii") + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret, body, timestamp=None):
    timestamp = int(time.time() if timestamp is None else timestamp)
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify_signature(secret, header, body, *, tolerance=SIGNATURE_TOLERANCE, now=None):
    """What a receiver does (and the tests): the header's HMAC matches and its time is recent."""
    try:
        parts = dict(item.split("=", 1) for item in (header or "").split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), parts.get("v1", ""))


# --- HTTP --------------------------------------------------------------------------------------------


class DeliveryError(Exception):
    """No HTTP answer: refused, timed out, bad address, TLS failure."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect is an answer, not a delivery: a 3xx is recorded and retried, never followed
    # (following would turn the POST into a GET, or send the signed body somewhere else).
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def http_post(url, body, headers, timeout=None):
    """POST `body`; (status, text of the answer). Raises DeliveryError when there is no answer.
    (The venv has no `requests`; the standard library does this well enough.)"""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=timeout or TIMEOUT) as response:
            return response.status, response.read(READ_LIMIT).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        try:
            text = error.read(READ_LIMIT).decode("utf-8", "replace")
        except Exception:
            text = ""
        return error.code, text
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise DeliveryError(f"{type(error).__name__}: {reason}") from error


# --- Attempts ----------------------------------------------------------------------------------------


def _claim(delivery_id, now):
    delivery = WebhookDelivery.objects.select_related("subscription__client").filter(pk=delivery_id).first()
    if delivery is None or delivery.status in FINAL:
        return None
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
        return None  # not due yet, or another worker holds the lease
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=delivery.status, attempts=delivery.attempts, next_attempt_at=delivery.next_attempt_at,
    ).update(next_attempt_at=now + LEASE)
    return delivery if claimed else None


def delivery_attempt(*, delivery_id):
    """Send one due delivery once and record the outcome. Returns the delivery, or None when there
    was nothing to send (unknown, already delivered or failed, not due, or taken by another worker)."""
    now = timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    subscription = delivery.subscription
    if not (subscription.active and subscription.client.active):
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        delivery.error = _("The subscription or its API client is inactive.")
        delivery.save(update_fields=["status", "next_attempt_at", "error"])
        return delivery

    body = encode(delivery.payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Wagecase-Event": delivery.event,
        "X-Wagecase-Delivery": str(delivery.pk),
        "X-Wagecase-Signature": signature_header(subscription.secret, body),
    }
    started = time.monotonic()
    try:
        status, text = http_post(subscription.url, body, headers)
        error = ""
    except DeliveryError as exc:
        status, text, error = None, "", str(exc)
    elapsed_ms = int((time.monotonic() - started) * 1000)

    previous_attempts = delivery.attempts
    delivery.attempts += 1
    delivery.response_status = status
    delivery.response_body = text[:BODY_LIMIT]
    delivery.error = error[:BODY_LIMIT]
    done = timezone.now()
    retries = 0 if delivery.event == PING else len(BACKOFF)
    if status is not None and 200 <= status < 300:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.DELIVERED, done, None
    elif delivery.attempts > retries:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        delivery.status = DeliveryStatus.RETRYING
        delivery.next_attempt_at = done + datetime.timedelta(seconds=BACKOFF[delivery.attempts - 1])
    fields = ["attempts", "response_status", "response_body", "error", "status", "delivered_at", "next_attempt_at"]
    # Recorded only if nobody changed the delivery meanwhile (a redelivery superseding it keeps its word).
    WebhookDelivery.objects.filter(pk=delivery.pk, attempts=previous_attempts, status__in=OPEN).update(
        **{name: getattr(delivery, name) for name in fields})
    logger.info("Webhook delivery %s (%s) attempt %s → %s %s in %s ms", delivery.pk, delivery.event, delivery.attempts,
                status or "-", delivery.status, elapsed_ms)
    return delivery


def deliveries_due(*, now=None, limit=500):
    """Ids of the deliveries whose (first or next) attempt is due, oldest first."""
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(status__in=OPEN, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]
    )


# --- Subscriptions (the API's services) --------------------------------------------------------------


def subscription_create(*, client, url, events, active=True):
    with transaction.atomic():
        subscription = WebhookSubscription(client=client, url=url, events=list(events), active=active,
                                           secret=generate_secret())
        subscription.full_clean()
        subscription.save()
    return subscription


def subscription_update(*, subscription, **fields):
    with transaction.atomic():
        for name, value in fields.items():
            setattr(subscription, name, value)
        subscription.full_clean()
        subscription.save()
    return subscription


def subscription_rotate_secret(*, subscription):
    """A new secret at once; the old one signs nothing more (retries of earlier events included)."""
    with transaction.atomic():
        subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        subscription.secret = generate_secret()
        subscription.save()
    return subscription


def _new_delivery(subscription, payload):
    now = timezone.now()
    return WebhookDelivery.objects.create(
        subscription=subscription, event=payload["event"], event_id=payload["id"], payload=payload,
        status=DeliveryStatus.PENDING, next_attempt_at=now, created=now,
    )


def subscription_ping(*, subscription):
    """Send a `ping` event now, in this process, and return its delivery (one attempt, no retries),
    so that the caller sees the receiver's answer at once."""
    payload = make_payload(PING, {"subscription": subscription.pk, "url": subscription.url,
                                  "events": list(subscription.events or [])})
    delivery = _new_delivery(subscription, payload)
    return delivery_attempt(delivery_id=delivery.pk) or delivery


def delivery_redeliver(*, delivery, send_now=True):
    """Send an event again as a new delivery (same event `id` in the body, so a receiver that
    already has it can tell; a new `X-Wagecase-Delivery`). An original still being retried stops
    retrying: one event is never in flight twice. The first attempt is made now unless `send_now`
    is false (then it is queued); later ones follow the backoff."""
    with transaction.atomic():
        original = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        if original.status in OPEN:
            WebhookDelivery.objects.filter(pk=original.pk, status__in=OPEN).update(
                status=DeliveryStatus.FAILED, next_attempt_at=None,
                error=(original.error + "\n" if original.error else "") + _("Superseded by a redelivery."))
        new = _new_delivery(original.subscription, original.payload)
        if not send_now:
            enqueue(new.pk)
    if send_now:
        return delivery_attempt(delivery_id=new.pk) or new
    return new
