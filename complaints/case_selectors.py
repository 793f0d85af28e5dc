"""Reads of arrears cases: the clear-to-zero figures (两清零, DOMAIN.md §6).

The caller passes a queryset already restricted to its scope (`ArrearsCase.objects.restrict(user)`,
narrowed by region if asked); the figures are one aggregate query for the totals and one for the
breakdown by county, never a loop over rows."""
import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from .choices import CaseStatus
from .models import zero_clearance_due

CENT = Decimal("0.01")
_OUTSTANDING = ExpressionWrapper(F("amount_owed") - F("amount_paid"), output_field=DecimalField(max_digits=14, decimal_places=2))


def zero_clearance_dues(as_of):
    """The two clear-to-zero dates that matter on `as_of`: government/SOE/PPP arrears by 31 December
    of as_of's year; all others by the day before the first lunar New Year's Eve on or after as_of."""
    return {
        "government": datetime.date(as_of.year, 12, 31),
        "other": zero_clearance_due(as_of - datetime.timedelta(days=1), False),
    }


def _money(value):
    return Decimal(value or 0).quantize(CENT)


def zero_clearance(queryset, as_of=None):
    """Clear-to-zero figures as of a day, for the government category and the other one:

    - `due`: the category's date (see zero_clearance_dues) and `days_left` = due − as_of;
    - `open_cases` / `amount_outstanding`: the open cases of the category that must be cleared by
      that date (their own zero_clearance_due ≤ due, overdue ones included; cases opened later in
      the cycle, due only in the next one, are left out) and what they still owe;
    - `overdue_cases`: open cases of the category whose own date has already passed (< as_of).

    Also `overdue_cases` over both categories and `by_county`: per county (code, name) the same
    counts and amounts for each category, counties with no such case left out."""
    as_of = as_of or timezone.localdate()
    dues = zero_clearance_dues(as_of)
    qs = queryset.filter(status=CaseStatus.OPEN).order_by()
    category = {"government": Q(government_type=True), "other": Q(government_type=False)}
    in_cycle = {key: category[key] & Q(zero_clearance_due__lte=dues[key]) for key in dues}
    overdue = Q(zero_clearance_due__lt=as_of)

    aggregates = {}
    for key in dues:
        aggregates[f"{key}_open"] = Count("pk", filter=in_cycle[key])
        aggregates[f"{key}_amount"] = Coalesce(Sum(_OUTSTANDING, filter=in_cycle[key]), Decimal("0"),
                                               output_field=DecimalField(max_digits=16, decimal_places=2))
        aggregates[f"{key}_overdue"] = Count("pk", filter=category[key] & overdue)
    totals = qs.aggregate(**aggregates)

    result = {"as_of": as_of}
    for key, due in dues.items():
        result[key] = {
            "due": due,
            "days_left": (due - as_of).days,
            "open_cases": totals[f"{key}_open"],
            "amount_outstanding": _money(totals[f"{key}_amount"]),
            "overdue_cases": totals[f"{key}_overdue"],
        }
    result["overdue_cases"] = result["government"]["overdue_cases"] + result["other"]["overdue_cases"]

    rows = (
        qs.filter(in_cycle["government"] | in_cycle["other"] | overdue)
        .values("region_id", "region__name")
        .annotate(**aggregates)
        .order_by("region_id")
    )
    result["by_county"] = [
        {
            "region_code": row["region_id"],
            "region_name": row["region__name"],
            **{
                key: {
                    "open_cases": row[f"{key}_open"],
                    "amount_outstanding": _money(row[f"{key}_amount"]),
                    "overdue_cases": row[f"{key}_overdue"],
                }
                for key in dues
            },
            "overdue_cases": row["government_overdue"] + row["other_overdue"],
        }
        for row in rows
    ]
    return result


PROJECT_CARD_CASES = 5


def project_card(project, user, today=None):
    """What the project's page shows of its complaints: the open arrears cases and open clues on
    the project that the user may see (their scope), with the amount outstanding, the cases nearest
    their clear-to-zero date first, and the clues past their deadline. Three queries; None when the
    user may see neither cases nor clues. Arrears found on a complaint are a case here, not payroll
    lines, so the page's payroll arrears alone read 0 on a project with a case of ¥1,785,000 open."""
    from django.urls import reverse
    from django.utils.http import urlencode

    from .choices import OPEN_STATUSES
    from .models import ArrearsCase, Clue

    today = today or timezone.localdate()
    see_cases, see_clues = user.has_perm("complaints.view_arrearscase"), user.has_perm("complaints.view_clue")
    if not (see_cases or see_clues):
        return None
    card = {"code": project.code, "cases": None, "clues": None}
    if see_cases:
        cases = ArrearsCase.objects.restrict(user, "view").filter(project=project, status=CaseStatus.OPEN)
        totals = cases.aggregate(count=Count("pk"), outstanding=Coalesce(Sum(_OUTSTANDING), Decimal("0")),
                                 overdue=Count("pk", filter=Q(zero_clearance_due__lt=today)))
        nearest = list(cases.select_related("enterprise").annotate(outstanding=_OUTSTANDING)
                       .order_by("zero_clearance_due", "-outstanding", "pk")[:PROJECT_CARD_CASES])
        card["cases"] = {
            "count": totals["count"], "outstanding": _money(totals["outstanding"]), "overdue": totals["overdue"],
            "rows": nearest, "today": today,
            "url": reverse("complaints:arrearscase_list") + "?" + urlencode({"project_code": project.code, "status": "open"}),
        }
    if see_clues:
        clues = Clue.objects.restrict(user, "view").filter(project=project, status__in=OPEN_STATUSES)
        totals = clues.aggregate(count=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        card["clues"] = {
            "count": totals["count"], "overdue": totals["overdue"],
            "url": reverse("complaints:clue_list") + "?" + urlencode(
                [("project_code", project.code)] + [("status", status) for status in OPEN_STATUSES]),
            "overdue_url": reverse("complaints:clue_list") + "?" + urlencode({"project_code": project.code, "overdue": "true"}),
        }
    return card
