"""Celery tasks of inspections. A task takes ids, loads, and calls a service."""
from celery import shared_task

from wagecase.core.choices import ChangeSource
from wagecase.core.context import change_context


@shared_task(name="inspections.orders_mark_overdue")
def orders_mark_overdue(today=None):
    """Daily: rectification orders past their deadline become overdue."""
    import datetime

    from .services import orders_mark_overdue as mark

    day = datetime.date.fromisoformat(today) if today else None
    with change_context(source=ChangeSource.TASK, label="inspections.orders_mark_overdue"):
        return mark(today=day)
