"""Service functions of projects: every write to the ledger and the five systems goes through here,
in one transaction, and leaves the project's derived figures (monitoring, score, warnings) current.

Bulk callers (imports, demo data) pass refresh=False and call project_refresh once per project."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wagecase.core.models import Enterprise
from wagecase.core.policy import get_policy
from wagecase.core.validators import normalize_id_number, normalize_uscc

from .models import (
    Allocation, DedicatedAccount, DepositDrawdown, Employment, NoticeBoard, Payroll, PayrollLine, Project, WageDeposit,
    Worker,
)


def months_of(start, end):
    return (end.year - start.year) * 12 + (end.month - start.month) + (1 if end.day >= start.day else 0)


def monitoring_required(project):
    """The region's threshold rule: contract amount at or above the threshold and, where the
    region sets one, a construction period of at least so many months."""
    threshold = Decimal(get_policy("monitoring_threshold", project.region_id))
    min_months = get_policy("monitoring_min_months", project.region_id)
    if project.contract_amount is None or project.contract_amount < threshold:
        return False
    if min_months and project.start_date and project.planned_end_date:
        return months_of(project.start_date, project.planned_end_date) >= min_months
    return True


def enterprise_get_or_create(*, uscc, name, region_code, role=None):
    """Find an enterprise by USCC, or create it (an unknown USCC creates the enterprise)."""
    code = normalize_uscc(uscc)
    enterprise = Enterprise.objects.filter(uscc=code).first()
    if enterprise is not None:
        if role and role not in enterprise.roles:
            enterprise.roles = enterprise.roles + [role]
            enterprise.full_clean()
            enterprise.save()
        return enterprise
    if not name:
        raise ValidationError({"name": [_("Give the name of the new enterprise.")]})
    # Registered in the USCC's own region when we know it, else in the project's county.
    from wagecase.core.models import Region

    registered = code[2:8] if len(code) == 18 and Region.objects.filter(code=code[2:8]).exists() else region_code
    enterprise = Enterprise(uscc=code, name=name, region_id=registered, roles=[role] if role else [])
    enterprise.full_clean()
    enterprise.save()
    return enterprise


def project_refresh(*, project, as_of=None):
    """Recompute the stored derived fields and the warnings of one project."""
    from .compliance import evaluate
    from .warnings import warnings_refresh

    as_of = as_of or timezone.localdate()
    from .compliance import evaluation_prefetch

    project = Project.objects.prefetch_related(*evaluation_prefetch()).select_related("general_contractor").get(pk=project.pk)
    _systems, score = evaluate(project, as_of)
    monitoring = monitoring_required(project)
    if (project.compliance_score, project.monitoring_required, project.compliance_evaluated_on) != (score, monitoring, as_of):
        Project.objects.filter(pk=project.pk).update(
            compliance_score=score, monitoring_required=monitoring, compliance_evaluated_on=as_of
        )
    warnings_refresh(project=project, as_of=as_of)
    return score


@transaction.atomic
def project_save(*, project, refresh=True):
    """Validate and save a project (create or update), then refresh what derives from it."""
    project.full_clean()
    project.monitoring_required = monitoring_required(project)
    project.save()
    if refresh:
        project_refresh(project=project)
    return project


@transaction.atomic
def account_set(*, refresh=True, project, bank_name, account_number, opened_on):
    account = DedicatedAccount.objects.filter(project=project).first() or DedicatedAccount(project=project)
    account.bank_name, account.account_number, account.opened_on = bank_name, account_number, opened_on
    account.full_clean()
    account.save()
    if refresh:
        project_refresh(project=project)
    return account


def check_period(period, field="period"):
    today = timezone.localdate()
    if period > today.replace(day=1):
        raise ValidationError({field: [_("The month %(m)s is in the future.") % {"m": f"{period:%Y-%m}"}]})


@transaction.atomic
def allocation_upsert(*, refresh=True, project, period, amount, paid_on):
    check_period(period)
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": [_("The date is in the future.")]})
    allocation = Allocation.objects.filter(project=project, period=period).first() or Allocation(project=project, period=period)
    allocation.amount, allocation.paid_on = amount, paid_on
    allocation.full_clean()
    allocation.save()
    if refresh:
        project_refresh(project=project)
    return allocation


@transaction.atomic
def worker_register(*, refresh=True, project, id_number, name, phone="", trade="", employer=None, team=None, contract_signed_on=None,
                    entered_on, exited_on=None, daily_wage=None):
    """Put a worker on the project's roster (creating the person if new). A worker who entered
    before signing is accepted: the violation shows in real-name compliance and warnings."""
    worker = Worker.objects.filter(id_number=normalize_id_number(id_number)).first()
    if worker is None:
        worker = Worker(id_number=id_number, name=name, phone=phone or "")
        worker.full_clean()
        worker.save()
    else:
        changed = False
        if name and worker.name != name:
            worker.name, changed = name, True
        if phone and worker.phone != phone:
            worker.phone, changed = phone, True
        if changed:
            worker.full_clean()
            worker.save()
    employment = Employment.objects.filter(project=project, worker=worker).first() or Employment(project=project, worker=worker)
    employment.employer, employment.team, employment.trade = employer, team, trade or ""
    employment.contract_signed_on, employment.entered_on, employment.exited_on = contract_signed_on, entered_on, exited_on
    employment.daily_wage = daily_wage
    employment.full_clean()
    employment.save()
    if refresh:
        project_refresh(project=project)
    return employment


@transaction.atomic
def payroll_upsert(*, refresh=True, project, period, paid_on, paid_via, lines):
    """Create or replace the payroll of a month. `lines` are dicts with id_number, amount_due,
    amount_paid; every id_number must be on the project's roster. All or nothing."""
    check_period(period)
    if paid_on and paid_on > timezone.localdate():
        raise ValidationError({"paid_on": [_("The date is in the future.")]})
    roster = {e.worker.id_number: e for e in project.roster.select_related("worker")}
    errors = {}
    seen = set()
    for index, line in enumerate(lines):
        id_number = (line.get("id_number") or "").upper()
        if id_number not in roster:
            errors[index] = {"id_number": [_("This person is not on the project's roster.")]}
        elif id_number in seen:
            errors[index] = {"id_number": [_("This person appears twice in the payroll.")]}
        elif Decimal(line["amount_paid"]) < 0 or Decimal(line["amount_due"]) < 0:
            errors[index] = {"amount_paid": [_("Amounts cannot be negative.")]}
        seen.add(id_number)
    if errors:
        raise ValidationError({"lines": [f"{i + 1}: {'; '.join(str(m) for ms in e.values() for m in ms)}" for i, e in sorted(errors.items())]})
    payroll = Payroll.objects.filter(project=project, period=period).first() or Payroll(project=project, period=period)
    payroll.paid_on, payroll.paid_via = paid_on, paid_via
    payroll.full_clean()
    payroll.save()
    existing = {line.employment_id: line for line in payroll.lines.all()}
    keep = set()
    for line in lines:
        employment = roster[line["id_number"].upper()]
        row = existing.get(employment.pk) or PayrollLine(payroll=payroll, project=project, employment=employment)
        row.amount_due, row.amount_paid = Decimal(line["amount_due"]), Decimal(line["amount_paid"])
        row.full_clean()
        row.save()
        keep.add(employment.pk)
    for employment_id, row in existing.items():
        if employment_id not in keep:
            row.delete()
    if refresh:
        project_refresh(project=project)
    return payroll


@transaction.atomic
def deposit_set(*, refresh=True, project, form="", amount=Decimal("0"), deposited_on=None, exempt=False, exemption_reason=""):
    deposit = WageDeposit.objects.filter(project=project).first() or WageDeposit(project=project)
    deposit.form, deposit.amount, deposit.deposited_on = form or "", amount or Decimal("0"), deposited_on
    deposit.exempt, deposit.exemption_reason = exempt, exemption_reason or ""
    deposit.full_clean()
    deposit.save()
    if refresh:
        project_refresh(project=project)
    return deposit


@transaction.atomic
def deposit_drawdown(*, refresh=True, project, amount, drawn_on, reason):
    deposit = WageDeposit.objects.select_for_update().get(project=project)
    from .compliance import deposit_balance

    if amount > deposit_balance(deposit, drawn_on):
        raise ValidationError({"amount": [_("The drawdown exceeds the deposit balance.")]})
    drawdown = DepositDrawdown(deposit=deposit, project=project, amount=amount, drawn_on=drawn_on, reason=reason)
    drawdown.full_clean()
    drawdown.save()
    if refresh:
        project_refresh(project=project)
    return drawdown


@transaction.atomic
def deposit_topped_up(*, drawdown, topped_up_on, refresh=True):
    drawdown.topped_up_on = topped_up_on
    drawdown.full_clean()
    drawdown.save()
    if refresh:
        project_refresh(project=drawdown.project)
    return drawdown


@transaction.atomic
def notice_board_set(*, refresh=True, project, installed_on, items, photo=None):
    board = NoticeBoard.objects.filter(project=project).first() or NoticeBoard(project=project)
    board.installed_on, board.items = installed_on, list(items)
    if photo is not None:
        board.photo = photo
    board.full_clean()
    board.save()
    if refresh:
        project_refresh(project=project)
    return board
