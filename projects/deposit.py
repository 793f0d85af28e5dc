"""The wage deposit a project must hold (人社部发〔2021〕65号): the region's rate on the contract
amount, the small-project exemption, record-based reductions and increases, and the blacklist
increase. Returns the amount with the reasons, so the page can explain it."""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from django.utils.translation import gettext as _

from wagecase.core.policy import get_policy

# Other apps add what they know: callables (enterprise, as_of) -> set of years with arrears
# (cases), and (enterprise, as_of) -> bool for "on the credit blacklist".
ARREARS_YEAR_SOURCES = []
BLACKLIST_CHECKS = []


@dataclass
class DepositRequirement:
    amount: Decimal
    rate: Decimal  # percent actually applied
    exempt: bool = False
    reasons: list = field(default_factory=list)


def payroll_arrears_years(enterprise, as_of):
    """Years in which a project of this general contractor underpaid a worker."""
    from django.db.models import F

    from .models import PayrollLine

    return set(
        PayrollLine.objects.filter(
            payroll__project__general_contractor=enterprise, amount_paid__lt=F("amount_due"), payroll__period__lte=as_of
        ).values_list("payroll__period__year", flat=True).distinct()
    )


def arrears_years(enterprise, as_of):
    years = payroll_arrears_years(enterprise, as_of)
    for source in ARREARS_YEAR_SOURCES:
        years |= set(source(enterprise, as_of))
    return years


def contractor_since(enterprise):
    from .models import Project

    first = Project.objects.filter(general_contractor=enterprise).order_by("start_date").values_list("start_date", flat=True).first()
    return first


def is_blacklisted(enterprise, as_of):
    return any(check(enterprise, as_of) for check in BLACKLIST_CHECKS)


def required_deposit(project, as_of=None):
    as_of = as_of or timezone.localdate()
    region = project.region_id
    base_rate = Decimal(get_policy("deposit_rate", region))
    threshold = Decimal(get_policy("deposit_exemption_threshold", region))
    contractor = project.general_contractor
    years_with_arrears = arrears_years(contractor, as_of)
    last_year = as_of.year - 1

    if project.contract_amount < threshold and last_year not in years_with_arrears:
        return DepositRequirement(
            Decimal("0.00"), Decimal("0"), True,
            [_("Contract amount below %(t)s yuan with no arrears last year: exempt.") % {"t": f"{threshold:,.0f}"}],
        )

    rate = base_rate
    reasons = [_("Regional rate %(r)s%% of the contract amount.") % {"r": base_rate.normalize()}]
    since = contractor_since(contractor)
    clean_years = 0
    if since:
        # Whole years of activity without arrears, counting back from last year.
        year = last_year
        while year >= since.year and year not in years_with_arrears:
            clean_years += 1
            year -= 1
    if is_blacklisted(contractor, as_of):
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
