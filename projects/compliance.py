"""The five core systems evaluated as of a date: one function per system, each returning a status
and human-readable problems (in the user's language, Chinese by default), and the score of API.md.

Rules (issue 3): see each function. Periods are months (`period` = first day of the month)."""
import calendar
import datetime

from django.utils import timezone
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from wagecase.core.policy import get_policy
from wagecase.core.workdays import previous_working_day_or_same

from .choices import PaidVia, ProjectStatus, SystemCode, SystemStatus

SCORE = {SystemStatus.OK: 20, SystemStatus.NOT_APPLICABLE: 20, SystemStatus.DEFICIENT: 10, SystemStatus.MISSING: 0}
ACCOUNT_OPENING_DAYS = 30


@dataclass
class SystemResult:
    status: str
    problems: list = field(default_factory=list)

    def as_dict(self):
        return {"status": str(self.status), "problems": [str(p) for p in self.problems]}


def month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month(day):
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def months_between(first, last):
    """Month starts from `first`'s month to `last`'s month, inclusive."""
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = next_month(month)


def ym(day):
    return f"{day.year}年{day.month}月"


def payday_for(period, region_code):
    """Pay for month `period` is due on the region's payday of the next month, moved earlier to a
    working day when it falls on a rest day (Regulation art. 14)."""
    following = next_month(period)
    day_of_month = min(get_policy("payday_day", region_code), calendar.monthrange(following.year, following.month)[1])
    return previous_working_day_or_same(following.replace(day=day_of_month))


def complete_months(project, as_of):
    """Months of work that have ended by `as_of`: from the start month to the month before as_of
    (or to the completion month)."""
    if project.start_date > as_of:
        return []
    last = as_of.replace(day=1) - datetime.timedelta(days=1)
    if project.completed_on and project.completed_on < last:
        last = project.completed_on
    return list(months_between(project.start_date, last)) if last >= project.start_date.replace(day=1) else []


def is_planned(project, as_of):
    return project.status == ProjectStatus.PLANNED or project.start_date > as_of


# --- 1. dedicated account ---------------------------------------------------------------------
def evaluate_dedicated_account(project, as_of):
    """missing without an account; deficient if opened more than 30 days after the contract was
    signed, or if a complete month since the start has no allocation by the end of the next month."""
    account = getattr(project, "account", None)
    if account is None or account.opened_on > as_of:
        return SystemResult(SystemStatus.MISSING, [_("No dedicated wage account has been opened.")])
    problems = []
    limit = project.contract_signed_on + datetime.timedelta(days=ACCOUNT_OPENING_DAYS)
    if account.opened_on > limit:
        problems.append(
            _("The account was opened on %(opened)s, more than 30 days after the contract was signed (%(signed)s).")
            % {"opened": account.opened_on, "signed": project.contract_signed_on}
        )
    allocations = {a.period: a for a in project.allocations.all()}
    for month in complete_months(project, as_of):
        deadline = month_end(next_month(month))
        if deadline >= as_of:
            continue  # still time to allocate
        allocation = allocations.get(month)
        if allocation is None or allocation.paid_on > deadline:
            problems.append(
                _("Labour costs for %(month)s were not allocated into the account by %(deadline)s.")
                % {"month": ym(month), "deadline": deadline}
            )
    return SystemResult(SystemStatus.DEFICIENT if problems else SystemStatus.OK, problems)


# --- 2. real-name management --------------------------------------------------------------------
def evaluate_real_name(project, as_of):
    """not applicable before work starts; missing when the roster is empty on an in-progress
    project; deficient if any active worker lacks a contract or entered before signing."""
    if is_planned(project, as_of):
        return SystemResult(SystemStatus.NOT_APPLICABLE)
    anyone_entered, flagged = roster_contract_problems(project, as_of)
    if not anyone_entered:
        if project.status == ProjectStatus.IN_PROGRESS:
            return SystemResult(SystemStatus.MISSING, [_("The real-name roster is empty.")])
        return SystemResult(SystemStatus.OK)
    problems = []
    for name, entered_on, contract_signed_on in flagged:
        if contract_signed_on is None:
            problems.append(_("%(name)s has no labour contract.") % {"name": name})
        else:
            problems.append(
                _("%(name)s entered the site on %(entered)s, before signing the contract on %(signed)s.")
                % {"name": name, "entered": entered_on, "signed": contract_signed_on}
            )
    return SystemResult(SystemStatus.DEFICIENT if problems else SystemStatus.OK, problems)


def _prefetched(instance, name):
    return name in getattr(instance, "_prefetched_objects_cache", {})


def roster_contract_problems(project, as_of):
    """(whether anyone on the roster had entered the site by `as_of`, and the workers active on
    `as_of` without a labour contract or who entered before signing it, as (name, entered_on,
    contract_signed_on) in roster order: by worker name).

    From the prefetched roster when the caller prefetched it (many projects at once); else the
    database filters the roster and returns only the flagged rows' three columns: a roster of
    thousands is then not loaded as thousands of model instances (issue 10). For many projects at
    once, attach_evaluation_facts() reads it for all of them and keeps it on each project."""
    kept = _kept_facts(project, as_of)
    if kept is not None:
        return kept["anyone_entered"], kept["flagged"]
    if _prefetched(project, "roster"):
        entered = [e for e in project.roster.all() if e.entered_on <= as_of]
        flagged = [
            (e.worker.name, e.entered_on, e.contract_signed_on)
            for e in entered
            if e.active_on(as_of) and (e.contract_signed_on is None or e.entered_on < e.contract_signed_on)
        ]
        return bool(entered), flagged
    from .models import Employment

    entered = Employment.objects.filter(project=project, entered_on__lte=as_of)
    flagged = list(_flagged_entries(entered, as_of).order_by("worker__name", "pk")
                   .values_list("worker__name", "entered_on", "contract_signed_on"))
    # A flagged worker has entered; only a clean roster needs the second (EXISTS) query.
    return bool(flagged) or entered.exists(), flagged


def _flagged_entries(entered, as_of):
    """Of roster entries that have entered, those active on `as_of` without a contract or who
    entered before signing it."""
    from django.db.models import F, Q

    return (entered.filter(Q(exited_on__isnull=True) | Q(exited_on__gte=as_of))
            .filter(Q(contract_signed_on__isnull=True) | Q(entered_on__lt=F("contract_signed_on"))))


def _kept_facts(project, as_of):
    kept = getattr(project, "_evaluation_facts", None)
    return kept if kept is not None and kept["as_of"] == as_of else None


def attach_evaluation_facts(projects, as_of, among=None):
    """For evaluating many projects at once (the "eight 100%" rates of a city or the province): what
    evaluate() would otherwise ask the database per project, or load row by row (every roster entry
    and payroll line), read for all of them in three queries and kept on each project for `as_of`:
    whether anyone has entered the site, the flagged roster entries, the underpaid lines per payroll.
    `among` is a queryset of the same projects (a subquery instead of a list of ids). With
    evaluation_prefetch(rows=False), the one-to-ones joined and the contractors' records
    (deposit.attach_contractor_records), evaluate() then runs no query of its own."""
    from django.db.models import Count, DecimalField, F, Sum

    from .models import Employment, PayrollLine

    projects = list(projects)
    scope = among.values("pk") if among is not None else [project.pk for project in projects]
    entered = Employment.objects.filter(project__in=scope, entered_on__lte=as_of)
    anyone = set(entered.order_by().values_list("project_id", flat=True).distinct())
    flagged = {}
    for project_id, name, entered_on, signed in (_flagged_entries(entered, as_of).order_by("project_id", "worker__name", "pk")
                                                 .values_list("project_id", "worker__name", "entered_on", "contract_signed_on")):
        flagged.setdefault(project_id, []).append((name, entered_on, signed))
    underpaid = {
        payroll_id: (n, owed)
        for payroll_id, n, owed in PayrollLine.objects.filter(project__in=scope, amount_paid__lt=F("amount_due"))
        .order_by().values("payroll_id")
        .annotate(n=Count("pk"), owed=Sum(F("amount_due") - F("amount_paid"),
                                          output_field=DecimalField(max_digits=18, decimal_places=2)))
        .values_list("payroll_id", "n", "owed")
    }
    for project in projects:
        project._evaluation_facts = {"as_of": as_of, "anyone_entered": project.pk in anyone,
                                     "flagged": flagged.get(project.pk, []), "underpaid": underpaid}
    return projects


# --- 3. contractor payroll -------------------------------------------------------------------------
def evaluate_contractor_payroll(project, as_of):
    """not applicable before work starts; missing when no payroll exists though one is due;
    deficient if a complete month lacks its payroll by the payday, a payroll was not paid through
    the contractor's bank, or a line is underpaid."""
    if is_planned(project, as_of):
        return SystemResult(SystemStatus.NOT_APPLICABLE)
    payrolls = {p.period: p for p in project.payrolls.all() if p.period <= as_of}
    due_months = [m for m in complete_months(project, as_of) if payday_for(m, project.region_id) < as_of]
    if not payrolls:
        if due_months:
            return SystemResult(
                SystemStatus.MISSING,
                [_("No payroll has been paid; the first was due on %(day)s.") % {"day": payday_for(due_months[0], project.region_id)}],
            )
        return SystemResult(SystemStatus.OK)
    problems = []
    for month in due_months:
        payday = payday_for(month, project.region_id)
        payroll = payrolls.get(month)
        if payroll is None or payroll.paid_on is None or payroll.paid_on > as_of:
            problems.append(_("The payroll for %(month)s was not paid by the payday %(day)s.") % {"month": ym(month), "day": payday})
        elif payroll.paid_on > payday:
            problems.append(
                _("The payroll for %(month)s was paid on %(paid)s, after the payday %(day)s.")
                % {"month": ym(month), "paid": payroll.paid_on, "day": payday}
            )
    kept = _kept_facts(project, as_of)
    underpaid = kept["underpaid"] if kept is not None else underpaid_lines(list(payrolls.values()))
    for month, payroll in sorted(payrolls.items()):
        if payroll.paid_on and payroll.paid_via != PaidVia.CONTRACTOR_BANK:
            problems.append(
                _("The payroll for %(month)s was paid by %(via)s, not by the general contractor through the bank.")
                % {"month": ym(month), "via": payroll.get_paid_via_display()}
            )
        if payroll.pk in underpaid:
            count, owed = underpaid[payroll.pk]
            problems.append(
                _("%(n)d workers were underpaid for %(month)s by %(owed)s yuan in total.")
                % {"n": count, "month": ym(month), "owed": f"{owed:,.2f}"}
            )
    return SystemResult(SystemStatus.DEFICIENT if problems else SystemStatus.OK, problems)


def underpaid_lines(payrolls):
    """{payroll pk: (number of lines paid less than due, total owed)} for those payrolls with any.

    From the prefetched lines when every payroll has them; else one GROUP BY over the lines'
    index on payroll_id, instead of loading every line of every month as a model instance."""
    if not payrolls:
        return {}
    if all(_prefetched(payroll, "lines") for payroll in payrolls):
        result = {}
        for payroll in payrolls:
            short = [line for line in payroll.lines.all() if line.amount_paid < line.amount_due]
            if short:
                result[payroll.pk] = (len(short), sum((line.amount_due - line.amount_paid for line in short), Decimal("0")))
        return result
    from django.db.models import Count, DecimalField, F, Sum

    from .models import PayrollLine

    rows = (
        PayrollLine.objects.filter(payroll_id__in=[payroll.pk for payroll in payrolls], amount_paid__lt=F("amount_due"))
        .order_by()
        .values("payroll_id")
        .annotate(n=Count("pk"), owed=Sum(F("amount_due") - F("amount_paid"), output_field=DecimalField(max_digits=18, decimal_places=2)))
        .values_list("payroll_id", "n", "owed")
    )
    return {payroll_id: (n, owed) for payroll_id, n, owed in rows}


# --- 4. wage deposit ------------------------------------------------------------------------------
def evaluate_wage_deposit(project, as_of):
    """missing when none and not exempt; deficient when below the required amount."""
    from .deposit import required_deposit

    deposit = getattr(project, "deposit", None)
    requirement = required_deposit(project, as_of)
    if deposit is not None and deposit.exempt:
        return SystemResult(SystemStatus.OK)
    if requirement.amount == 0:
        return SystemResult(SystemStatus.OK)
    if deposit is None or not deposit.amount or (deposit.deposited_on and deposit.deposited_on > as_of):
        return SystemResult(
            SystemStatus.MISSING,
            [_("No wage deposit has been paid; %(amount)s yuan is required.") % {"amount": f"{requirement.amount:,.2f}"}],
        )
    balance = deposit_balance(deposit, as_of)
    if balance < requirement.amount:
        return SystemResult(
            SystemStatus.DEFICIENT,
            [_("The wage deposit stands at %(balance)s yuan, below the required %(amount)s yuan.")
             % {"balance": f"{balance:,.2f}", "amount": f"{requirement.amount:,.2f}"}],
        )
    return SystemResult(SystemStatus.OK)


def deposit_balance(deposit, as_of):
    drawn = sum(
        (d.amount for d in deposit.drawdowns.all() if d.drawn_on <= as_of and (d.topped_up_on is None or d.topped_up_on > as_of)),
        Decimal("0"),
    )
    return deposit.amount - drawn


# --- 5. notice board --------------------------------------------------------------------------------
def evaluate_notice_board(project, as_of):
    """missing when none; deficient when any of the nine items is absent."""
    board = getattr(project, "notice_board", None)
    if board is None or board.installed_on > as_of:
        return SystemResult(SystemStatus.MISSING, [_("No rights notice board at the site entrance.")])
    missing = board.missing_items
    if missing:
        from .choices import NoticeItem

        labels = dict(NoticeItem.choices)
        return SystemResult(
            SystemStatus.DEFICIENT,
            [_("The notice board does not show: %(items)s.") % {"items": "、".join(str(labels[i]) for i in missing)}],
        )
    return SystemResult(SystemStatus.OK)


EVALUATORS = {
    SystemCode.DEDICATED_ACCOUNT: evaluate_dedicated_account,
    SystemCode.REAL_NAME: evaluate_real_name,
    SystemCode.CONTRACTOR_PAYROLL: evaluate_contractor_payroll,
    SystemCode.WAGE_DEPOSIT: evaluate_wage_deposit,
    SystemCode.NOTICE_BOARD: evaluate_notice_board,
}

def evaluation_prefetch(*, rows=True):
    """What evaluate() reads, to prefetch for one or many projects. The roster's workers are
    joined, not prefetched: a prefetch of 1,000+ workers becomes an OR chain SQLite refuses.

    rows=False leaves out the roster and the payroll lines, the two lists that grow with the
    workforce: evaluate() then asks the database for just what the rules need (the flagged roster
    entries, the underpaid lines counted and summed by payroll), a constant two or three queries.
    That is the choice for one project (its API report on the bench's largest roster, 401 entries
    and 4,403 payroll lines, spent ~70 of its 85 ms building those rows as model instances). For
    many projects at once, prefetching (rows=True) keeps the query count independent of the
    number of projects."""
    from django.db.models import Prefetch

    from .models import Employment

    if not rows:
        return ["allocations", "payrolls", "deposit__drawdowns"]
    return ["allocations", Prefetch("roster", queryset=Employment.objects.select_related("worker")), "payrolls__lines",
            "deposit__drawdowns"]


def evaluate(project, as_of=None):
    """{system code: SystemResult} and the score, for one project on `as_of` (default today)."""
    # A missing one-to-one (account, deposit, board) raises an AttributeError subclass, so the
    # evaluators' getattr(project, name, None) reads it as None.
    as_of = as_of or timezone.localdate()
    systems = {code: evaluator(project, as_of) for code, evaluator in EVALUATORS.items()}
    score = sum(SCORE[result.status] for result in systems.values())
    return systems, score


def compliance_report(project, as_of=None):
    as_of = as_of or timezone.localdate()
    systems, score = evaluate(project, as_of)
    return {
        "project": project.code,
        "as_of": as_of,
        "score": score,
        "systems": {str(code): result.as_dict() for code, result in systems.items()},
    }
