"""Summary figures for any region prefix and period (API.md "Figures and reports", DOMAIN.md §9).

Every figure family is one aggregate query over a queryset restricted to the caller's scope
(`Model.objects.restrict(user)`), narrowed by region prefix and the period; never a loop over rows.
Definitions (the period is [date_from, date_to], inclusive, Beijing dates):

- projects_monitored: projects under monitoring (monitoring_required) that were under construction
  at some time in the period: started by date_to, not completed before date_from, not merely planned.
- projects_inspected: distinct projects with at least one inspection in the period.
- clues_received: clues received in the period (a duplicate merged into another counts once);
  clues_closed: those of them closed by now; closure_rate = closed ÷ received, percent, 1 decimal.
- workers_paid / amount_recovered: what the clues received in the period recovered (recorded on
  the clue at resolution) plus the payments recorded in the period on arrears cases that did not come
  from a clue (a case opened from a clue reports its recovery through that clue, so nothing counts twice).
- violations_published: entries of major-violation publications published in the period.
- blacklisted: subjects put on the credit-punishment list (decided) in the period."""
import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from wagecase.core.workdays import within_days

CENT = Decimal("0.01")


def default_period(today=None):
    today = today or timezone.localdate()
    return datetime.date(today.year, 1, 1), today


def rate(part, whole):
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def _in_region(queryset, field, region_code):
    return queryset.filter(**{f"{field}__startswith": region_code}) if region_code else queryset


def summary(user, *, region_code="", date_from=None, date_to=None):
    from blacklist.models import Listing, PublicationEntry
    from complaints.choices import ClueStatus
    from complaints.models import CasePayment, Clue
    from inspections.models import Inspection
    from projects.choices import ProjectStatus
    from projects.models import Project

    if date_from is None or date_to is None:
        default_from, default_to = default_period()
        date_from, date_to = date_from or default_from, date_to or default_to

    projects = _in_region(Project.objects.restrict(user), "region__code", region_code).order_by()
    monitored = projects.filter(monitoring_required=True, start_date__lte=date_to).exclude(status=ProjectStatus.PLANNED).filter(
        Q(completed_on__isnull=True) | Q(completed_on__gte=date_from)).count()
    inspected = (_in_region(Inspection.objects.restrict(user), "project__region__code", region_code)
                 .filter(inspected_on__gte=date_from, inspected_on__lte=date_to)
                 .order_by().aggregate(n=Count("project", distinct=True))["n"])

    clues = (_in_region(Clue.objects.restrict(user).counted(), "region__code", region_code)
             .filter(within_days("received_at", date_from, date_to)).order_by()
             .aggregate(received=Count("pk"), closed=Count("pk", filter=Q(status=ClueStatus.CLOSED)),
                        workers=Coalesce(Sum("workers_paid"), 0), amount=Coalesce(Sum("amount_recovered"), Decimal("0"))))
    payments = (_in_region(CasePayment.objects.restrict(user), "case__region__code", region_code)
                .filter(paid_on__gte=date_from, paid_on__lte=date_to, case__source_clue__isnull=True).order_by()
                .aggregate(workers=Coalesce(Sum("workers"), 0), amount=Coalesce(Sum("amount"), Decimal("0"))))

    published = (_in_region(PublicationEntry.objects.restrict(user), "batch__region__code", region_code)
                 .filter(batch__status="published", batch__published_on__gte=date_from, batch__published_on__lte=date_to)
                 .count())
    blacklisted = (_in_region(Listing.objects.restrict(user), "region__code", region_code)
                   .filter(listed_on__gte=date_from, listed_on__lte=date_to).count())
    return {
        "region_code": region_code,
        "date_from": date_from,
        "date_to": date_to,
        "projects_monitored": monitored,
        "projects_inspected": inspected,
        "clues_received": clues["received"],
        "clues_closed": clues["closed"],
        "closure_rate": rate(clues["closed"], clues["received"]),
        "workers_paid": clues["workers"] + payments["workers"],
        "amount_recovered": (Decimal(clues["amount"]) + Decimal(payments["amount"])).quantize(CENT),
        "violations_published": published,
        "blacklisted": blacklisted,
    }
