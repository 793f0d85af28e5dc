"""Reads of complaints: the clue figures for any region and period (DOMAIN.md §4, §9).

One aggregate query for the totals and one per breakdown; never a loop over rows. The caller
passes a queryset already restricted to its scope (`Clue.objects.restrict(user)`)."""
import datetime
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from wagecase.core.workdays import within_days

from .choices import OPEN_STATUSES, ClueCategory, ClueStatus


def _period(queryset, date_from, date_to):
    return queryset.filter(within_days("received_at", date_from, date_to))


def clue_figures(queryset, *, date_from=None, date_to=None, today=None):
    """Figures of the clues received in [date_from, date_to] (inclusive, Beijing dates):

    received, accepted_on_time (acceptance or rejection decided by accept_due), closed, closure_rate
    (closed ÷ received, percent with one decimal), overdue (open and past the running deadline
    today), in_warning, workers_paid, amount_recovered, and the same counts by channel and by
    category. A duplicate merged into another clue counts once, in the one it was merged into."""
    today = today or timezone.localdate()
    qs = _period(queryset.counted(), date_from, date_to).order_by()
    open_q = Q(status__in=OPEN_STATUSES)
    decided_on_time = (
        Q(accepted_at__isnull=False, accepted_at__date__lte=F("accept_due"))
        | Q(category=ClueCategory.NOT_ACCEPTED, closed_at__date__lte=F("accept_due"))
    )
    aggregates = {
        "received": Count("pk"),
        "accepted_on_time": Count("pk", filter=decided_on_time),
        "closed": Count("pk", filter=Q(status=ClueStatus.CLOSED)),
        "overdue": Count("pk", filter=open_q & Q(due_on__lt=today)),
        "in_warning": Count("pk", filter=open_q & Q(warn_on__lte=today, due_on__gte=today)),
        "workers_paid": Coalesce(Sum("workers_paid"), 0),
        "amount_recovered": Coalesce(Sum("amount_recovered"), Decimal("0")),
    }
    totals = qs.aggregate(**aggregates)
    totals["amount_recovered"] = Decimal(totals["amount_recovered"]).quantize(Decimal("0.01"))
    totals["closure_rate"] = _rate(totals["closed"], totals["received"])
    counts = {"received": Count("pk"), "closed": Count("pk", filter=Q(status=ClueStatus.CLOSED)),
              "overdue": aggregates["overdue"]}
    by_channel = {row.pop("channel"): row for row in qs.values("channel").annotate(**counts).order_by("channel")}
    by_category = {(row.pop("category") or "unclassified"): row
                   for row in qs.values("category").annotate(**counts).order_by("category")}
    for row in list(by_channel.values()) + list(by_category.values()):
        row["closure_rate"] = _rate(row["closed"], row["received"])
    totals["by_channel"] = by_channel
    totals["by_category"] = by_category
    totals["date_from"] = date_from
    totals["date_to"] = date_to
    return totals


def _rate(part, whole):
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")))


def clue_weekly_counts(queryset, *, date_from, date_to):
    """Received and closed per day in the period (for charts): [{day, received, closed}]."""
    qs = _period(queryset.counted(), date_from, date_to).order_by()
    received = dict(qs.annotate(day=TruncDate("received_at")).values("day").annotate(n=Count("pk")).values_list("day", "n"))
    closed = dict(
        queryset.counted().filter(within_days("closed_at", date_from, date_to)).order_by()
        .annotate(day=TruncDate("closed_at")).values("day").annotate(n=Count("pk")).values_list("day", "n")
    )
    days, day = [], date_from
    while day <= date_to:
        days.append({"day": day, "received": received.get(day, 0), "closed": closed.get(day, 0)})
        day += datetime.timedelta(days=1)
    return days
