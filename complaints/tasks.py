"""Celery tasks of complaints. A task takes ids, loads, and calls a service."""
from celery import shared_task

from wagecase.core.choices import ChangeSource
from wagecase.core.context import change_context


@shared_task(name="complaints.deadline_notifications")
def deadline_notifications(today=None):
    """Daily: notify officers, departments and office heads of clues in warning or overdue."""
    import datetime

    from .services import clue_deadline_notifications

    day = datetime.date.fromisoformat(today) if today else None
    with change_context(source=ChangeSource.TASK, label="complaints.deadline_notifications"):
        return clue_deadline_notifications(today=day)
