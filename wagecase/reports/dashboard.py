"""The dashboard's figures (DOMAIN.md §9): what county office staff open every morning.

Each family is one aggregate query (GROUP BY) over a queryset restricted to the caller's scope
(`Model.objects.restrict(user)`) and narrowed by the region prefix; never a loop with a query per
row. The headline figures are `figures.summary` and the clear-to-zero ones
`complaints.case_selectors.zero_clearance`; what is here adds the breakdowns:

- clue_weeks: clues received in the period (merged duplicates count once, as in `summary`) per ISO
  week (Monday, Beijing time) by channel and by status; per week received and closed (closed now,
  as `summary`'s clues_closed), so the weeks add up to the headline figures.
- compliance_by_system: of the projects in progress, those without an active early warning about
  each of the five core systems (`projects.filtersets.SYSTEM_WARNING_RULES` says which rule speaks
  of which system). The systems' statuses are evaluated per project in Python and not stored, so
  the stored warnings stand in for them.
- compliance_by_industry: of the projects in progress, those with a full compliance score (100:
  every system in place or not applicable), per industry.
- arrears_by_county: open arrears cases per county: cases, key-monitoring cases, workers and amount
  outstanding.
- the top lists: open key-monitoring cases, overdue clues, overdue cases (past their clear-to-zero date).

The period bounds the headline figures and the weekly charts; compliance, arrears and the lists are
the state of today."""
import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, ExpressionWrapper, F, IntegerField, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from wagecase.core.workdays import within_days

from .figures import summary

CENT = Decimal("0.01")
TOP = 10
FULL_SCORE = 100


def in_region(queryset, field, region_code):
    return queryset.filter(**{f"{field}__startswith": region_code}) if region_code else queryset


def monday(day):
    return day - datetime.timedelta(days=day.weekday())


def iso_weeks(date_from, date_to):
    """The ISO weeks the period touches: [(monday, first_day, last_day)], the days cut to the period."""
    weeks, start = [], monday(date_from)
    while start <= date_to:
        weeks.append((start, max(start, date_from), min(start + datetime.timedelta(days=6), date_to)))
        start += datetime.timedelta(days=7)
    return weeks


def rate(part, whole):
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")))


def clue_weeks(user, *, region_code, date_from, date_to):
    """{"weeks": [(monday, first, last)], "by_channel": {channel: {monday: n}}, "by_status": {status:
    {monday: n}}, "received": {monday: n}, "closed": {monday: n}} — one GROUP BY query."""
    from complaints.choices import ClueStatus
    from complaints.models import Clue

    clues = (in_region(Clue.objects.restrict(user).counted(), "region__code", region_code)
             .filter(within_days("received_at", date_from, date_to)).order_by())
    rows = (clues.annotate(week=TruncWeek("received_at")).values("week", "channel", "status")
            .annotate(n=Count("pk")).order_by())
    result = {"weeks": iso_weeks(date_from, date_to), "by_channel": {}, "by_status": {}, "received": {}, "closed": {}}
    for row in rows:
        # TruncWeek gives the Monday 00:00 in the current time zone (Beijing).
        week = timezone.localtime(row["week"]).date() if timezone.is_aware(row["week"]) else row["week"].date()
        n = row["n"]
        result["by_channel"].setdefault(row["channel"], {}).setdefault(week, 0)
        result["by_channel"][row["channel"]][week] += n
        result["by_status"].setdefault(row["status"], {}).setdefault(week, 0)
        result["by_status"][row["status"]][week] += n
        result["received"][week] = result["received"].get(week, 0) + n
        if row["status"] == ClueStatus.CLOSED:
            result["closed"][week] = result["closed"].get(week, 0) + n
    return result


def _projects_in_progress(user, region_code):
    from projects.choices import ProjectStatus
    from projects.models import Project

    return (in_region(Project.objects.restrict(user), "region__code", region_code)
            .filter(status=ProjectStatus.IN_PROGRESS).order_by())


def compliance_by_system(user, *, region_code):
    """{"total": projects in progress, system code: those without an active warning about it} — one query."""
    from projects.filtersets import SYSTEM_WARNING_RULES
    from projects.models import ProjectWarning

    aggregates = {"total": Count("pk")}
    for system, rules in SYSTEM_WARNING_RULES.items():
        warned = Exists(ProjectWarning.objects.filter(project=OuterRef("pk"), active=True, rule__in=rules))
        aggregates[str(system)] = Count("pk", filter=~Q(warned))
    return _projects_in_progress(user, region_code).aggregate(**aggregates)


def compliance_by_industry(user, *, region_code):
    """[{"industry", "total", "ok"}] of the projects in progress, ok = full compliance score — one GROUP BY query."""
    rows = (_projects_in_progress(user, region_code).values("industry")
            .annotate(total=Count("pk"), ok=Count("pk", filter=Q(compliance_score__gte=FULL_SCORE))).order_by("industry"))
    return list(rows)


_OUTSTANDING = ExpressionWrapper(F("amount_owed") - F("amount_paid"), output_field=DecimalField(max_digits=16, decimal_places=2))
_UNPAID_WORKERS = ExpressionWrapper(F("workers_owed") - F("workers_paid"), output_field=IntegerField())


def _open_cases(user, region_code):
    from complaints.choices import CaseStatus
    from complaints.models import ArrearsCase

    return in_region(ArrearsCase.objects.restrict(user), "region__code", region_code).filter(status=CaseStatus.OPEN).order_by()


def arrears_by_county(user, *, region_code):
    """[{"region_code", "region_name", "cases", "key_monitoring", "workers", "amount"}], most outstanding
    first, and their totals — one GROUP BY query."""
    rows = (_open_cases(user, region_code).values("region_id", "region__name")
            .annotate(cases=Count("pk"), key_monitoring=Count("pk", filter=Q(key_monitoring=True)),
                      workers=Coalesce(Sum(_UNPAID_WORKERS), 0),
                      amount=Coalesce(Sum(_OUTSTANDING), Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2)))
            .order_by("region_id"))
    counties = [{"region_code": row["region_id"], "region_name": row["region__name"], "cases": row["cases"],
                 "key_monitoring": row["key_monitoring"], "workers": int(row["workers"]),
                 "amount": Decimal(row["amount"]).quantize(CENT)} for row in rows]
    counties.sort(key=lambda r: (-r["amount"], -r["cases"], r["region_code"]))
    totals = {key: sum(r[key] for r in counties) for key in ("cases", "key_monitoring", "workers")}
    totals["amount"] = sum((r["amount"] for r in counties), Decimal("0")).quantize(CENT)
    return counties, totals


def key_monitoring_cases(user, *, region_code):
    return list(_open_cases(user, region_code).filter(key_monitoring=True).select_related("region", "enterprise")
                .annotate(outstanding=_OUTSTANDING).order_by("zero_clearance_due", "-outstanding", "pk")[:TOP])


def overdue_cases(user, *, region_code, today):
    return list(_open_cases(user, region_code).filter(zero_clearance_due__lt=today).select_related("region", "enterprise")
                .annotate(outstanding=_OUTSTANDING).order_by("zero_clearance_due", "-outstanding", "pk")[:TOP])


def overdue_clues(user, *, region_code, today):
    """The first TOP overdue clues (longest overdue first) and how many there are: two queries."""
    from complaints.models import Clue

    clues = in_region(Clue.objects.restrict(user).counted(), "region__code", region_code).overdue(today)
    return list(clues.select_related("region").order_by("due_on", "received_at", "pk")[:TOP]), clues.order_by().count()


def dashboard(user, *, region_code, date_from, date_to, today=None):
    """Everything the dashboard shows, for `region_code` (already checked to lie in the user's
    jurisdiction) and the period [date_from, date_to]."""
    from complaints.case_selectors import zero_clearance

    today = today or timezone.localdate()
    counties, arrears = arrears_by_county(user, region_code=region_code)
    overdue_clue_list, overdue_clue_count = overdue_clues(user, region_code=region_code, today=today)
    return {
        "summary": summary(user, region_code=region_code, date_from=date_from, date_to=date_to),
        "arrears": arrears,
        "counties": counties,
        "zero_clearance": zero_clearance(_open_cases(user, region_code), as_of=today),
        "weeks": clue_weeks(user, region_code=region_code, date_from=date_from, date_to=date_to),
        "systems": compliance_by_system(user, region_code=region_code),
        "industries": compliance_by_industry(user, region_code=region_code),
        "key_monitoring": key_monitoring_cases(user, region_code=region_code),
        "overdue_cases": overdue_cases(user, region_code=region_code, today=today),
        "overdue_clues": overdue_clue_list,
        "overdue_clue_count": overdue_clue_count,
        "today": today,
    }
