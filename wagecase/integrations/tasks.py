"""Celery tasks of integrations: send a webhook delivery; queue the deliveries whose retry is due.
A task takes ids, loads, and calls a service (webhooks.py)."""
from celery import shared_task

from .idempotency import purge_idempotency  # noqa: F401  (registers integrations.purge_idempotency with the worker)


@shared_task(name="integrations.deliver_webhook", ignore_result=True)
def deliver_webhook(delivery_id):
    """One attempt of one delivery. A failure is not retried by Celery (no `self.retry`): the
    attempt records `next_attempt_at` and `integrations.retry_webhooks` queues it when due."""
    from .webhooks import delivery_attempt

    delivery = delivery_attempt(delivery_id=delivery_id)
    return None if delivery is None else {"delivery": delivery.pk, "status": delivery.status, "attempts": delivery.attempts}


@shared_task(name="integrations.retry_webhooks", ignore_result=True)
def retry_webhooks():
    """Every minute (django-celery-beat, migration webhook_schedule): queue each due delivery —
    retries whose time has come, and first attempts whose queueing was lost."""
    from .webhooks import deliveries_due

    due = deliveries_due()
    for delivery_id in due:
        deliver_webhook.delay(delivery_id)
    return len(due)
