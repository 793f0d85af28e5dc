"""Early warnings (预警): rules that raise and clear warnings on a project, and an explainable
risk ranking. Recomputed on every write through projects.services and nightly by Celery beat."""
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from wagecase.integrations import events

from .choices import PaidVia, ProjectStatus, WarningSeverity
from .compliance import (
    _prefetched, complete_months, is_planned, month_end, next_month, payday_for, roster_contract_problems, ym,
)
from .models import ProjectWarning

SEVERITY_POINTS = {WarningSeverity.RED: 30, WarningSeverity.ORANGE: 15, WarningSeverity.YELLOW: 5}


RECENT_MONTHS = 3  # warnings are about current risk: older lapses stay visible in compliance


def _working(project, as_of):
    """Monthly duties (allocation, payroll) run while work goes on: not before it starts, not
    while suspended, not after completion."""
    return not is_planned(project, as_of) and project.status == ProjectStatus.IN_PROGRESS


def _recent(months):
    return months[-RECENT_MONTHS:]


def rule_allocation_missing(project, as_of):
    """Labour costs not paid into the account: overdue months (past the end of the following
    month) are orange, two or more red; last month still unpaid but not yet due is an early yellow."""
    if not _working(project, as_of):
        return None
    months = _recent(complete_months(project, as_of))
    if not months:
        return None
    allocated = {a.period for a in project.allocations.all() if a.paid_on <= as_of}
    late = [m for m in months if m not in allocated and month_end(next_month(m)) < as_of]
    if late:
        severity = WarningSeverity.RED if len(late) >= 2 else WarningSeverity.ORANGE
        return severity, _("No labour-cost allocation for %(months)s.") % {"months": "、".join(ym(m) for m in late)}
    if months[-1] not in allocated:
        return WarningSeverity.YELLOW, _("Labour costs for %(month)s not yet allocated (due by %(due)s).") % {
            "month": ym(months[-1]), "due": month_end(next_month(months[-1]))}
    return None


def rule_payroll_late(project, as_of):
    """Pay for one of the last three months missing or paid after its payday."""
    if not _working(project, as_of):
        return None
    payrolls = {p.period: p for p in project.payrolls.all()}
    late = []
    for month in _recent(complete_months(project, as_of)):
        payday = payday_for(month, project.region_id)
        if payday >= as_of:
            continue
        payroll = payrolls.get(month)
        if payroll is None or payroll.paid_on is None or payroll.paid_on > payday:
            late.append(month)
    if not late:
        return None
    return WarningSeverity.RED, _("Payroll missing or late for %(months)s.") % {"months": "、".join(ym(m) for m in late[-3:])}


def rule_underpaid(project, as_of):
    payrolls = [p for p in project.payrolls.all() if p.period <= as_of]
    if payrolls and all(_prefetched(p, "lines") for p in payrolls):
        lines = [line for p in payrolls for line in p.lines.all() if line.amount_paid < line.amount_due]
        owed = sum((line.amount_due - line.amount_paid for line in lines), Decimal("0"))
        workers = len({line.employment_id for line in lines})
    else:
        # One aggregate instead of every line of every month as a model instance (issue 10).
        from django.db.models import Count, DecimalField, F, Sum

        from .models import PayrollLine

        found = PayrollLine.objects.filter(payroll__in=[p.pk for p in payrolls], amount_paid__lt=F("amount_due")).aggregate(
            owed=Sum(F("amount_due") - F("amount_paid"), output_field=DecimalField(max_digits=18, decimal_places=2)),
            workers=Count("employment_id", distinct=True),
        ) if payrolls else {"owed": None, "workers": 0}
        owed, workers = found["owed"] or Decimal("0"), found["workers"]
    if not workers:
        return None
    severity = WarningSeverity.RED if owed >= 50000 or workers >= 10 else WarningSeverity.ORANGE
    return severity, _("%(n)d workers owed %(owed)s yuan.") % {"n": workers, "owed": f"{owed:,.2f}"}


def rule_deposit_short(project, as_of):
    from .compliance import evaluate_wage_deposit

    if project.status == ProjectStatus.COMPLETED:
        return None
    result = evaluate_wage_deposit(project, as_of)
    if result.status in ("missing", "deficient"):
        return WarningSeverity.ORANGE, str(result.problems[0])
    return None


def rule_topup_overdue(project, as_of):
    deposit = getattr(project, "deposit", None)
    if deposit is None:
        return None
    overdue = [d for d in deposit.drawdowns.all() if d.topped_up_on is None and d.topup_due < as_of]
    if not overdue:
        return None
    return WarningSeverity.RED, _("Deposit drawn on %(day)s not topped up by %(due)s.") % {
        "day": overdue[0].drawn_on, "due": overdue[0].topup_due}


def rule_roster_empty(project, as_of):
    if project.status != ProjectStatus.IN_PROGRESS or is_planned(project, as_of):
        return None
    if roster_contract_problems(project, as_of)[0]:
        return None
    return WarningSeverity.ORANGE, _("The project is under way but its real-name roster is empty.")


def rule_no_notice_board(project, as_of):
    if project.status == ProjectStatus.COMPLETED or is_planned(project, as_of):
        return None
    if getattr(project, "notice_board", None) is not None:
        return None
    return WarningSeverity.YELLOW, _("No rights notice board at the site.")


def rule_entered_before_contract(project, as_of):
    # From the prefetched roster, or the flagged rows alone from the database (compliance.roster_contract_problems).
    names = [name for name, _entered, _signed in roster_contract_problems(project, as_of)[1]]
    if not names:
        return None
    return WarningSeverity.YELLOW, _("%(n)d workers entered the site before signing a contract (%(names)s).") % {
        "n": len(names), "names": "、".join(names[:5])}


def rule_paid_outside_bank(project, as_of):
    recent = set(_recent(complete_months(project, as_of)))
    months = [p.period for p in project.payrolls.all()
              if p.period in recent and p.paid_on and p.paid_via != PaidVia.CONTRACTOR_BANK]
    if not months:
        return None
    return WarningSeverity.YELLOW, _("Payroll for %(months)s was not paid through the contractor's bank.") % {
        "months": "、".join(ym(m) for m in months[-3:])}


RULES = {
    "allocation_missing": rule_allocation_missing,
    "payroll_late": rule_payroll_late,
    "underpaid": rule_underpaid,
    "deposit_short": rule_deposit_short,
    "topup_overdue": rule_topup_overdue,
    "roster_empty": rule_roster_empty,
    "no_notice_board": rule_no_notice_board,
    "entered_before_contract": rule_entered_before_contract,
    "paid_outside_bank": rule_paid_outside_bank,
}


def warnings_refresh(*, project, as_of=None):
    """Raise the warnings whose rule fires, update their text, clear the ones that no longer do."""
    as_of = as_of or timezone.localdate()
    active = {w.rule: w for w in ProjectWarning.objects.filter(project=project, active=True)}
    for code, rule in RULES.items():
        outcome = rule(project, as_of)
        current = active.get(code)
        if outcome is None:
            if current is not None:
                current.active, current.cleared_on = False, as_of
                current.save(update_fields=["active", "cleared_on"])
            continue
        severity, message = outcome
        if current is None:
            warning = ProjectWarning.objects.create(project=project, rule=code, severity=severity, message=message[:300],
                                                   raised_on=as_of)
            events.emit(events.WebhookEvent.PROJECT_WARNING_RAISED, region_code=project.region_id, industry=project.industry,
                        data=events.warning_data(warning))
        elif (current.severity, current.message) != (severity, message[:300]):
            current.severity, current.message = severity, message[:300]
            current.save(update_fields=["severity", "message"])


def owed_points(owed):
    """The risk points of what a project owes: 2 per 10,000 yuan, at most 30."""
    return min(30, int(owed / 10000) * 2) if owed else 0


def risk_of(project, warnings, owed=Decimal("0")):
    """(level, points, factors) for one project from its active warnings and what it owes."""
    factors = [(w.message, SEVERITY_POINTS[w.severity]) for w in warnings]
    points = owed_points(owed)
    if points:
        factors.append((_("Owes %(owed)s yuan in wages") % {"owed": f"{owed:,.2f}"}, points))
    points = sum(p for _f, p in factors)
    return risk_level(points), points, factors


def risk_level(points):
    return WarningSeverity.RED if points >= 45 else WarningSeverity.ORANGE if points >= 20 else WarningSeverity.YELLOW if points else None


def risk_ranking(projects_queryset, limit=50):
    """The riskiest projects of a (scoped) queryset, each with level, points and contributing factors.

    Every project in scope is scored from tuples (its warnings' severities, what it owes, its code for
    the order); only the `limit` shown are loaded with their warnings' messages (risk_of). A city at
    province scale has ~2,500 projects at some risk: loading each with its region and warnings took
    ~150 ms of the home page (issue 10)."""
    points = {}
    for project_id, severity in ProjectWarning.objects.filter(project__in=projects_queryset, active=True).order_by() \
            .values_list("project_id", "severity"):
        points[project_id] = points.get(project_id, 0) + SEVERITY_POINTS[severity]
    # What each project owes, as project_refresh stored it (Project.wages_owed), not summed from the lines.
    codes, owed = {}, {}
    for pk, code, wages_owed in projects_queryset.filter(wages_owed__gt=0).order_by().values_list("pk", "code", "wages_owed"):
        codes[pk], owed[pk] = code, wages_owed
        points[pk] = points.get(pk, 0) + owed_points(wages_owed)
    missing = [pk for pk in points if pk not in codes]
    for start in range(0, len(missing), 1000):
        codes.update(projects_queryset.filter(pk__in=missing[start:start + 1000]).order_by().values_list("pk", "code"))
    top = sorted(((-n, codes[pk], pk) for pk, n in points.items() if n and pk in codes))[:limit]
    ids = [pk for _n, _code, pk in top]
    projects = projects_queryset.filter(pk__in=ids).select_related("region").in_bulk()
    warnings_by_project = {}
    for warning in ProjectWarning.objects.filter(project_id__in=ids, active=True).order_by("-raised_on", "pk"):
        warnings_by_project.setdefault(warning.project_id, []).append(warning)
    rows = []
    for pk in ids:
        level, score, factors = risk_of(projects[pk], warnings_by_project.get(pk, []), owed.get(pk) or Decimal("0"))
        rows.append({"project": projects[pk], "level": level, "points": score, "factors": factors})
    return rows
