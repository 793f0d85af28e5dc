"""The wage deposit a project must hold (人社部发〔2021〕65号): the region's rate on the contract
amount, the small-project exemption, record-based reductions and increases, and the blacklist
increase. Returns the amount with the reasons, so the page can explain it."""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from django.utils.translation import gettext as _

from wagecase.core.policy import get_policy

# Other apps add what they know, for many enterprises at once (one query each, however many
# projects a page evaluates): callables (enterprise_ids, as_of) -> {enterprise id: set of years
# with arrears} (cases), and (enterprise_ids, as_of) -> set of the ids on the credit blacklist.
ARREARS_YEAR_SOURCES = []
BLACKLIST_CHECKS = []


@dataclass
class DepositRequirement:
    amount: Decimal
    rate: Decimal  # percent actually applied
    exempt: bool = False
    reasons: list = field(default_factory=list)


@dataclass
class ContractorRecord:
    """What the deposit rules know of a general contractor on a day: the years with arrears, the
    start of its first project, whether it is on the blacklist."""
    arrears_years: set
    since: object  # date or None
    blacklisted: bool


def payroll_arrears_years(enterprise_ids, as_of):
    """{general contractor id: years in which one of its projects underpaid a worker}."""
    from django.db.models import F

    from .models import PayrollLine

    years = {}
    rows = PayrollLine.objects.filter(
        payroll__project__general_contractor_id__in=enterprise_ids, amount_paid__lt=F("amount_due"),
        payroll__period__lte=as_of,
    ).values_list("payroll__project__general_contractor_id", "payroll__period__year").distinct()
    for enterprise_id, year in rows:
        years.setdefault(enterprise_id, set()).add(year)
    return years


def contractor_records(enterprise_ids, as_of):
    """{enterprise id: ContractorRecord} for these general contractors, in a fixed number of queries."""
    from django.db.models import Min

    from .models import Project

    ids = sorted(set(enterprise_ids))
    if not ids:
        return {}
    years = {pk: set() for pk in ids}
    for source in (payroll_arrears_years, *ARREARS_YEAR_SOURCES):
        for pk, found in source(ids, as_of).items():
            years[pk] |= set(found)
    since = dict(Project.objects.filter(general_contractor_id__in=ids).values("general_contractor_id")
                 .annotate(first=Min("start_date")).values_list("general_contractor_id", "first"))
    listed = set()
    for check in BLACKLIST_CHECKS:
        listed |= set(check(ids, as_of))
    return {pk: ContractorRecord(years[pk], since.get(pk), pk in listed) for pk in ids}


def attach_contractor_records(projects, as_of):
    """Read the contractor records of many projects at once and keep each on its project's
    general contractor, where required_deposit() finds it (for this `as_of` only)."""
    projects = list(projects)
    records = contractor_records({p.general_contractor_id for p in projects}, as_of)
    for project in projects:
        project.general_contractor._contractor_record = (as_of, records[project.general_contractor_id])
    return projects


def contractor_record(enterprise, as_of):
    kept = getattr(enterprise, "_contractor_record", None)
    if kept is not None and kept[0] == as_of:
        return kept[1]
    return contractor_records([enterprise.pk], as_of)[enterprise.pk]


def required_deposit(project, as_of=None):
    as_of = as_of or timezone.localdate()
    region = project.region_id
    base_rate = Decimal(get_policy("deposit_rate", region))
    threshold = Decimal(get_policy("deposit_exemption_threshold", region))
    record = contractor_record(project.general_contractor, as_of)
    years_with_arrears = record.arrears_years
    last_year = as_of.year - 1

    if project.contract_amount < threshold and last_year not in years_with_arrears:
        return DepositRequirement(
            Decimal("0.00"), Decimal("0"), True,
            [_("Contract amount below %(t)s yuan with no arrears last year: exempt.") % {"t": f"{threshold:,.0f}"}],
        )

    rate = base_rate
    reasons = [_("Regional rate %(r)s%% of the contract amount.") % {"r": base_rate.normalize()}]
    since = record.since
    clean_years = 0
    if since:
        # Whole years of activity without arrears, counting back from last year.
        year = last_year
        while year >= since.year and year not in years_with_arrears:
            clean_years += 1
            year -= 1
    if record.blacklisted:
        increase = Decimal(get_policy("blacklist_deposit_increase", region))
        rate = base_rate * (1 + increase / 100)
        reasons.append(_("The general contractor is on the credit blacklist: rate raised by %(p)s%%.") % {"p": increase.normalize()})
    elif years_with_arrears & {as_of.year, last_year, last_year - 1}:
        rate = base_rate * Decimal("1.5")
        reasons.append(_("Arrears in the past two years: rate raised by 50%."))
    elif clean_years >= 3 and _real_name_and_account_in_place(project, as_of):
        return DepositRequirement(
            Decimal("0.00"), Decimal("0"), True,
            reasons + [_("Three years without arrears, real-name management and dedicated account in place: exempt.")],
        )
    elif clean_years >= 2:
        rate = base_rate / 2
        reasons.append(_("Two years without arrears: rate cut by 50%."))
    amount = (project.contract_amount * rate / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return DepositRequirement(amount, rate, False, reasons)


def _real_name_and_account_in_place(project, as_of):
    from .choices import SystemStatus
    from .compliance import evaluate_dedicated_account, evaluate_real_name

    return (
        evaluate_dedicated_account(project, as_of).status == SystemStatus.OK
        and evaluate_real_name(project, as_of).status in (SystemStatus.OK, SystemStatus.NOT_APPLICABLE)
    )
