"""Outbound events: `emit()` queues one signed webhook delivery per subscription whose client's scope
covers the event; the `*_data()` helpers build what a bureau may see of each record.

Scope is the bureau's API scope: the event's region code starts with the client user's jurisdiction
and the event's industry is one of the user's industries. An event without an industry (an arrears
case with neither a project nor a clue with one) goes to no bureau, exactly as such a case is
invisible to every bureau in the API (`scope_industry_field` matches only listed industries)."""
import json
import logging
import uuid
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from wagecase.core.choices import Role
from wagecase.core.models.regions import ancestor_codes

from .choices import DeliveryStatus, WebhookEvent
from .models import WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

# Sent only by `POST /api/v1/webhooks/{id}/test/`; not subscribable.
PING = "ping"

__all__ = ["PING", "WebhookEvent", "emit", "enqueue", "warning_data", "order_data", "case_data"]


def _money(value):
    return None if value is None else f"{Decimal(value):.2f}"


def _json(data):
    """Decimals as strings ("96000.00"), dates and datetimes in ISO 8601: as the API renders them."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))


def make_payload(event, data, occurred_at=None, event_id=None):
    occurred_at = timezone.localtime(occurred_at or timezone.now())
    return {"id": str(event_id or uuid.uuid4()), "event": str(event), "occurred_at": occurred_at.isoformat(),
            "data": _json(data)}


def subscriptions_for(event, *, region_code, industry):
    """Active subscriptions to `event` whose client may see a record of this region and industry."""
    if not industry or not region_code:
        return []
    candidates = (
        WebhookSubscription.objects.filter(
            active=True, client__active=True, client__user__is_active=True, client__user__role=Role.BUREAU,
            client__user__jurisdiction_id__in=ancestor_codes(region_code),
        )
        .select_related("client__user")
        .order_by("pk")
    )
    # Industries and events are JSON lists (no `__contains` on SQLite); the candidates are few.
    return [s for s in candidates if industry in (s.client.user.industries or []) and str(event) in (s.events or [])]


def enqueue(delivery_id):
    """Hand the delivery to a worker once the surrounding transaction has committed. If the broker
    cannot be reached, the delivery stays due and `integrations.retry_webhooks` sends it."""
    from .tasks import deliver_webhook

    def send():
        try:
            deliver_webhook.delay(delivery_id)
        except Exception:  # broker down: the periodic task picks the due delivery up
            logger.exception("Could not queue webhook delivery %s; the periodic retry will send it.", delivery_id)

    transaction.on_commit(send)


def emit(event, *, region_code, industry, data, occurred_at=None):
    """Queue `event` for every subscribed client in scope. Call it inside the service's transaction,
    after the state change: the deliveries are saved with it and sent only when it commits (a
    rolled-back change notifies no one). Returns the deliveries created."""
    subscriptions = subscriptions_for(event, region_code=region_code, industry=industry)
    if not subscriptions:
        return []
    payload = make_payload(event, data, occurred_at)
    now = timezone.now()
    deliveries = []
    with transaction.atomic():
        for subscription in subscriptions:
            delivery = WebhookDelivery.objects.create(
                subscription=subscription, event=str(event), event_id=payload["id"], payload=payload,
                status=DeliveryStatus.PENDING, next_attempt_at=now, created=now,
            )
            enqueue(delivery.pk)
            deliveries.append(delivery)
    return deliveries


# --- What a bureau sees of each record (the API serializers' field names) ---------------------------------------------


def warning_data(warning):
    """An early warning (cf. ProjectWarningSerializer)."""
    project = warning.project
    return {
        "id": warning.pk, "project": project.code, "project_name": project.name, "region_code": project.region_id,
        "industry": project.industry, "rule": warning.rule, "severity": warning.severity, "message": warning.message,
        "raised_on": warning.raised_on,
    }


def order_data(order):
    """A rectification order (cf. RectificationOrderSerializer)."""
    project = order.project
    enterprise = order.enterprise
    return {
        "id": order.pk, "number": order.number, "inspection": order.inspection_id, "project_code": project.code,
        "project_name": project.name, "region_code": project.region_id, "industry": project.industry,
        "enterprise": {"uscc": enterprise.uscc, "name": enterprise.name} if enterprise else None,
        "items": list(order.items or []), "issued_on": order.issued_on, "rectify_by": order.rectify_by,
        "status": str(order.current_status()), "closed_on": order.closed_on, "escalated_on": order.escalated_on,
    }


def case_data(case):
    """An arrears case (cf. ArrearsCaseSerializer), without personal data (no workers, no names)."""
    enterprise = case.enterprise
    return {
        "id": case.pk, "project_code": case.project.code if case.project_id else None, "region_code": case.region_id,
        "industry": case.industry, "enterprise": {"uscc": enterprise.uscc, "name": enterprise.name},
        "source_clue": case.source_clue.number if case.source_clue_id else None,
        "source_inspection": case.source_inspection_id, "occurred_on": case.occurred_on,
        "workers_owed": case.workers_owed, "amount_owed": _money(case.amount_owed), "workers_paid": case.workers_paid,
        "amount_paid": _money(case.amount_paid), "amount_outstanding": _money(case.amount_outstanding),
        "status": case.status,
        "cleared_on": case.cleared_on, "government_type": case.government_type,
        "zero_clearance_due": case.zero_clearance_due, "key_monitoring": case.key_monitoring,
    }
