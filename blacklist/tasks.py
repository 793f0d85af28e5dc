"""Celery tasks of blacklist. A task takes ids or dates, and calls a service."""
import datetime

from celery import shared_task

from wagecase.core.choices import ChangeSource
from wagecase.core.context import change_context


@shared_task(name="blacklist.expire_listings")
def expire_listings(today=None):
    """Daily: listings whose 3-year term ended leave the list (and their effects end)."""
    from .services import listings_expire

    day = datetime.date.fromisoformat(today) if today else None
    with change_context(source=ChangeSource.TASK, label="blacklist.expire_listings"):
        return listings_expire(today=day)


@shared_task(name="blacklist.recompute_ratings")
def recompute_ratings(today=None):
    """Daily: labour-compliance ratings follow the enterprises' records."""
    from .services import ratings_recompute

    day = datetime.date.fromisoformat(today) if today else None
    with change_context(source=ChangeSource.TASK, label="blacklist.recompute_ratings"):
        return ratings_recompute(today=day)
