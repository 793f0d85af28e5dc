"""The figures of the dispatch reports (weekly, monthly, quarterly), per sub-region of the report's
region: the counties of a city, the cities of the province, the county itself for a county.

Each family is one grouped aggregate query (GROUP BY the sub-region's code prefix), so a report
costs the same handful of queries for a county or for the province. The data are the office's whole
region (a report is the office's, not a user's view). "Year to date" runs from 1 January of the
period's last day's year to that day."""
import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce, Substr

from wagecase.core.models import Region
from wagecase.core.workdays import within_days

CENT = Decimal("0.01")

# (key, header, unit) in the order of the sheet's columns; the groups give the merged headers.
COLUMN_GROUPS = [
    ("在建项目", [
        ("projects_in_progress", "在建项目数", "个"),
        ("projects_monitored", "纳入监控", "个"),
        ("projects_inspected", "本期检查", "个"),
    ]),
    ("欠薪线索", [
        ("clues_received", "本期受理", "件"),
        ("clues_closed", "本期办结", "件"),
        ("clues_received_ytd", "本年累计受理", "件"),
        ("clues_closed_ytd", "本年累计办结", "件"),
        ("closure_rate_ytd", "本年办结率", "%"),
        ("clues_overdue", "超期未办结", "件"),
    ]),
    ("欠薪案件", [
        ("cases_open", "在办案件", "件"),
        ("workers_unpaid", "未兑付人数", "人"),
        ("amount_outstanding", "未兑付金额", "元"),
        ("amount_paid", "本期兑付金额", "元"),
        ("workers_paid", "本期兑付人数", "人"),
    ]),
    ("失信惩戒", [
        ("listed", "本期列入", "个"),
        ("listed_in_force", "名单在册", "个"),
    ]),
]
COLUMNS = [column for _group, columns in COLUMN_GROUPS for column in columns]
MONEY_KEYS = {"amount_outstanding", "amount_paid"}
RATE_KEYS = {"closure_rate_ytd"}


def sub_regions(region):
    """The rows of a report of `region`: (code, name) of its children (counties of a city, cities of
    the province) or the county itself, and the length of the code prefix that groups them."""
    length = len(region.code)
    if length >= 6:
        return [(region.code[:6], region.name)], 6
    child_length = length + 2
    children = Region.objects.filter(code__startswith=region.code, code__regex=rf"^\d{{{child_length}}}$").order_by("code")
    return [(r.code, r.name) for r in children], child_length


def _grouped(queryset, field, length, **aggregates):
    rows = (queryset.annotate(group=Substr(field, 1, length)).order_by().values("group").annotate(**aggregates))
    return {row.pop("group"): row for row in rows}


def _rate(part, whole):
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")) if whole else Decimal("0.0")


def dispatch_rows(region, start, end, *, today=None, progress=None):
    """[(code, name, {key: value})…] per sub-region, and the totals {key: value}."""
    from blacklist.models import Listing
    from complaints.choices import OPEN_STATUSES, CaseStatus, ClueStatus
    from complaints.models import ArrearsCase, CasePayment, Clue
    from inspections.models import Inspection
    from projects.choices import ProjectStatus
    from projects.models import Project

    today = today or datetime.date.today()
    year_start = datetime.date(end.year, 1, 1)
    prefix = region.code
    groups, length = sub_regions(region)
    step = (lambda: progress and progress())
    families = {}

    projects = Project.objects.filter(region__code__startswith=prefix, start_date__lte=end).exclude(status=ProjectStatus.PLANNED)
    projects = projects.filter(Q(completed_on__isnull=True) | Q(completed_on__gt=end))
    families["projects"] = _grouped(projects, "region_id", length, projects_in_progress=Count("pk"),
                                    projects_monitored=Count("pk", filter=Q(monitoring_required=True)))
    step()
    inspections = Inspection.objects.filter(project__region__code__startswith=prefix, inspected_on__gte=start,
                                            inspected_on__lte=end)
    families["inspections"] = _grouped(inspections, "project__region_id", length,
                                       projects_inspected=Count("project", distinct=True))
    step()
    # Beijing dates as ranges on the timestamps themselves (within_days): the same clues as the
    # `__date` lookups, without converting every row's time zone before comparing.
    clues = Clue.objects.counted().filter(within_days("received_at", None, end), region__code__startswith=prefix)
    closed = Q(status=ClueStatus.CLOSED) & within_days("closed_at", None, end)
    in_period = within_days("received_at", start)
    in_year = within_days("received_at", year_start)
    families["clues"] = _grouped(
        clues, "region_id", length,
        clues_received=Count("pk", filter=in_period),
        clues_received_ytd=Count("pk", filter=in_year),
        clues_closed_ytd=Count("pk", filter=in_year & closed),
    )
    closings = Clue.objects.counted().filter(within_days("closed_at", start, end), region__code__startswith=prefix,
                                             status=ClueStatus.CLOSED)
    families["closings"] = _grouped(closings, "region_id", length, clues_closed=Count("pk"))
    overdue = Clue.objects.counted().filter(region__code__startswith=prefix, status__in=OPEN_STATUSES, due_on__lt=min(end, today))
    families["overdue"] = _grouped(overdue, "region_id", length, clues_overdue=Count("pk"))
    step()
    outstanding = ExpressionWrapper(F("amount_owed") - F("amount_paid"), output_field=DecimalField(max_digits=16, decimal_places=2))
    unpaid_workers = ExpressionWrapper(F("workers_owed") - F("workers_paid"), output_field=DecimalField(max_digits=12, decimal_places=0))
    cases = ArrearsCase.objects.filter(region__code__startswith=prefix, status=CaseStatus.OPEN, occurred_on__lte=end)
    families["cases"] = _grouped(cases, "region_id", length, cases_open=Count("pk"),
                                 workers_unpaid=Coalesce(Sum(unpaid_workers), Decimal("0")),
                                 amount_outstanding=Coalesce(Sum(outstanding), Decimal("0")))
    payments = CasePayment.objects.filter(case__region__code__startswith=prefix, paid_on__gte=start, paid_on__lte=end)
    families["payments"] = _grouped(payments, "case__region_id", length,
                                    amount_paid=Coalesce(Sum("amount"), Decimal("0")), workers_paid=Coalesce(Sum("workers"), 0))
    step()
    listings = Listing.objects.filter(region__code__startswith=prefix)
    families["listings"] = _grouped(
        listings, "region_id", length,
        listed=Count("pk", filter=Q(listed_on__gte=start, listed_on__lte=end)),
        listed_in_force=Count("pk", filter=Q(listed_on__lte=end, expires_on__gt=end)
                              & (Q(ended_on__isnull=True) | Q(ended_on__gt=end))),
    )
    step()

    rows = []
    totals = {key: 0 for key, _h, _u in COLUMNS}
    for code, name in groups:
        values = {key: 0 for key, _h, _u in COLUMNS}
        for family in families.values():
            values.update({k: v for k, v in family.get(code, {}).items()})
        values["closure_rate_ytd"] = _rate(values["clues_closed_ytd"], values["clues_received_ytd"])
        for key in MONEY_KEYS:
            values[key] = Decimal(values[key]).quantize(CENT)
        values["workers_unpaid"] = int(values["workers_unpaid"])
        for key in totals:
            if key not in RATE_KEYS:
                totals[key] += values[key]
        rows.append((code, name, values))
    totals["closure_rate_ytd"] = _rate(totals["clues_closed_ytd"], totals["clues_received_ytd"])
    for key in MONEY_KEYS:
        totals[key] = Decimal(totals[key]).quantize(CENT)
    return rows, totals
