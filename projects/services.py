"""Service functions of projects: every write to the ledger and the five systems goes through here,
in one transaction, and leaves the project's derived figures (monitoring, score, warnings) current.

Bulk callers (imports, demo data) pass refresh=False and call project_refresh once per project."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wagecase.core.bulk import IdPool, existing, insert_logged, insert_logged_rows
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
    from .selectors import wages_owed
    from .warnings import warnings_refresh

    as_of = as_of or timezone.localdate()
    from .compliance import evaluation_prefetch

    # One project: the roster and payroll lines are not loaded; the rules ask the database for what they
    # need (compliance.evaluation_prefetch(rows=False)), so refreshing after an import of 20,000
    # workers costs a few aggregate queries, not 20,000 model instances.
    project = Project.objects.prefetch_related(*evaluation_prefetch(rows=False)).select_related(
        "general_contractor", "account", "notice_board", "deposit").get(pk=project.pk)
    _systems, score = evaluate(project, as_of)
    monitoring = monitoring_required(project)
    owed = wages_owed(project)
    if (project.compliance_score, project.monitoring_required, project.compliance_evaluated_on, project.wages_owed) != (
            score, monitoring, as_of, owed):
        Project.objects.filter(pk=project.pk).update(
            compliance_score=score, monitoring_required=monitoring, compliance_evaluated_on=as_of, wages_owed=owed
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


ROSTER_FIELDS = ("employer_id", "team_id", "trade", "contract_signed_on", "entered_on", "exited_on", "daily_wage")


def roster_entry_check(*, project, entry):
    """The checks worker_register's full_clean() makes of one roster entry (an entry dict as
    roster_register_many takes), without a query: the worker's and the entry's field validators and
    clean(). The keys are the caller's to get right (objects it looked up, one entry per ID);
    raises ValidationError keyed by field."""
    worker = Worker(id_number=entry["id_number"], name=entry["name"], phone=entry.get("phone") or "")
    employment = Employment(
        project=project, employer=entry.get("employer"), team=entry.get("team"), trade=entry.get("trade") or "",
        contract_signed_on=entry.get("contract_signed_on"), entered_on=entry.get("entered_on"),
        exited_on=entry.get("exited_on"), daily_wage=entry.get("daily_wage"),
    )
    errors = {}
    for obj, exclude in ((worker, ()), (employment, ("project", "worker", "employer", "team"))):
        try:
            obj.clean_fields(exclude=exclude)
            obj.clean()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


def roster_register_many(*, project, entries, refresh=True, savepoint=True, lookup=None):
    """worker_register for many workers at once, as imports need it: the same rules and results
    (a new ID creates the person; a name or phone given replaces the stored one; an ID already on the
    roster has its entry replaced), but in a few statements per call instead of a dozen per worker.

    `entries` are dicts with id_number, name, phone, trade, employer (an Enterprise or None),
    team (a WorkTeam of this project or None), contract_signed_on, entered_on, exited_on, daily_wage,
    already checked cell by cell (the import's parsers apply the model's validators and lengths).
    Creates and changes go through the change-logged bulk paths, so every worker and roster entry
    still gets its change record, written in batches. Returns (created, updated).

    All or nothing (an atomic block). savepoint=False, for a caller already in a transaction that
    fails as a whole on any error (the roster import): no savepoint of its own, so the rows can be
    sent by a copy_pipeline() while the caller reads on. `lookup`, a RosterLookup of this project
    made by a caller that registers a file chunk by chunk: what it looked up and the keys it took
    ahead are used instead of the queries each call would make (see RosterLookup)."""
    with transaction.atomic(savepoint=savepoint):
        return _roster_register_many(project, entries, refresh, lookup or RosterLookup(project))


class RosterLookup:
    """What roster_register_many reads before it writes: the workers already registered under the
    entries' ID numbers, this project's roster entries of those workers, and primary keys for the
    new workers and entries (taken from their sequences ahead, IdPool).

    The roster import makes one for the whole file, from the ID column read before the rows are
    parsed, with keys reserved for as many rows as the file holds: its chunks then make no query
    before their COPYs. Inside copy_pipeline() any query first waits until every COPY handed over
    is written, so with a query per chunk the server wrote one chunk while the next was being read,
    then waited while this process formatted; without, the server writes while this process reads
    and formats (with the change records as json: 20,000 rows 3.20 → 2.61 s, medians of 12 runs
    alternated with the code before, on the small bench data). An ID number not looked up
    beforehand is looked up when met; one registered through this lookup is looked up again if met
    again (the database has it then), so a lookup stays right however the calls share it."""

    def __init__(self, project, *, id_numbers=(), expected_rows=0):
        self.project = project
        self.workers = {}  # id number -> Worker, for the ID numbers looked up that are registered
        self.entries = {}  # worker pk -> the Employment of that worker on this project
        self.looked_up = set()
        self.worker_ids = IdPool(Worker, expected_rows)
        self.entry_ids = IdPool(Employment, expected_rows)
        self.add(id_numbers)

    def add(self, id_numbers):
        """Look up the ID numbers (normalized) not looked up yet: a query or three, none when all were."""
        new = set(id_numbers) - self.looked_up
        if not new:
            return
        self.looked_up |= new
        found = sorted(existing(Worker, "id_number", new))
        known = []
        for start in range(0, len(found), LOOKUP_BATCH):
            known.extend(Worker.objects.filter(id_number__in=found[start:start + LOOKUP_BATCH]))
        self.workers.update((worker.id_number, worker) for worker in known)
        pks = [worker.pk for worker in known]
        for start in range(0, len(pks), LOOKUP_BATCH):
            self.entries.update((entry.worker_id, entry) for entry in
                                Employment.objects.filter(project=self.project, worker__in=pks[start:start + LOOKUP_BATCH]))

    def forget(self, id_numbers):
        """ID numbers registered since they were looked up: looked up again when met again."""
        self.looked_up.difference_update(id_numbers)


LOOKUP_BATCH = 5000  # ID numbers or keys per query of a RosterLookup


def _roster_register_many(project, entries, refresh, lookup):
    now = timezone.now()
    ids = [normalize_id_number(entry["id_number"]) for entry in entries]
    lookup.add(ids)
    known, on_roster = lookup.workers, lookup.entries
    workers = {}  # id number -> (pk, name, Worker or None)
    new_workers, changed_workers = {}, []
    for id_number, entry in zip(ids, entries):
        if id_number in workers:
            continue
        worker = known.get(id_number)
        if worker is None:
            new_workers[id_number] = {"id_number": id_number, "name": entry["name"], "phone": entry.get("phone") or ""}
            workers[id_number] = [None, entry["name"], None]
            continue
        changed = False
        if entry.get("name") and worker.name != entry["name"]:
            worker.name, changed = entry["name"], True
        if entry.get("phone") and worker.phone != entry["phone"]:
            worker.phone, changed = entry["phone"], True
        if changed:
            worker.last_updated = now
            changed_workers.append(worker)
        workers[id_number] = [worker.pk, worker.name, worker]
    worker_rows = list(new_workers.values())
    worker_ids = lookup.worker_ids.take(len(worker_rows))
    if worker_ids:
        for row, pk in zip(worker_rows, worker_ids):
            workers[row["id_number"]][0] = pk

    new_entries, changed_entries, seen = {}, [], set()
    for id_number, entry in zip(ids, entries):
        worker_pk, name, worker = workers[id_number]
        values = {
            "employer_id": entry["employer"].pk if entry.get("employer") else None,
            "team_id": entry["team"].pk if entry.get("team") else None, "trade": entry.get("trade") or "",
            "contract_signed_on": entry.get("contract_signed_on"), "entered_on": entry["entered_on"],
            "exited_on": entry.get("exited_on"), "daily_wage": entry.get("daily_wage"),
        }
        employment = on_roster.get(worker_pk) if worker is not None else None
        if employment is None:
            # A new worker's key is known here on PostgreSQL (taken above); elsewhere it is filled
            # in below, once the worker is inserted.
            new_entries[id_number] = {"project_id": project.pk, "worker_id": worker_pk, **values}
            continue
        employment.project, employment.worker = project, worker  # for the change record's text, without a query
        for name_, value in values.items():
            setattr(employment, name_, value)
        employment.last_updated = now
        if employment.pk not in seen:
            seen.add(employment.pk)
            changed_entries.append(employment)
    entry_rows = list(new_entries.values())
    entry_ids = lookup.entry_ids.take(len(entry_rows))

    # The writes: with the keys taken, nothing below reads what the writes before it wrote.
    inserted = insert_logged_rows(Worker, worker_rows, reprs=[row["name"] for row in worker_rows], ids=worker_ids)
    for row, pk in zip(worker_rows, inserted):
        workers[row["id_number"]][0] = pk
    for id_number, row in new_entries.items():
        row["worker_id"] = workers[id_number][0]
    names = {worker_pk: name for worker_pk, name, _worker in workers.values()}
    # Employment.__str__ ("worker @ project"), without loading the workers.
    insert_logged_rows(Employment, entry_rows, reprs=[f"{names[row['worker_id']]} @ {project}" for row in entry_rows],
                       parent=(Project, project.pk), ids=entry_ids)
    lookup.forget([*new_workers, *new_entries])
    if changed_workers:
        Worker.objects.bulk_update(changed_workers, ["name", "phone", "last_updated"])
    if changed_entries:
        Employment.objects.bulk_update(changed_entries, [*ROSTER_FIELDS, "last_updated"])
    if refresh:
        project_refresh(project=project)
    return len(new_entries), len(changed_entries)


# The keys of a payroll line: set from the payroll and the roster, never from the caller's input.
PAYROLL_LINE_KEYS = ("payroll", "project", "employment")


@transaction.atomic
def payroll_upsert(*, refresh=True, project, period, paid_on, paid_via, lines):
    """Create or replace the payroll of a month. `lines` are dicts with id_number, amount_due,
    amount_paid; every id_number must be on the project's roster. All or nothing.

    A handful of statements however many lines there are: the lines are checked in Python (the
    amount fields' own validators and the rules below; their keys come from the roster, one line per
    roster entry by construction), then the new lines are inserted and the changed ones updated in
    bulk, each with its change record. Line by line (full_clean and save) a 616-line payroll took
    3.1 s and 7,400 queries; a county's largest rosters hold ~2,000 workers, and the bureaus push
    every project's payroll every month. Lines no longer in `lines` are deleted one by one (a
    re-upload that leaves out a few workers)."""
    check_period(period)
    if paid_on and paid_on > timezone.localdate():
        raise ValidationError({"paid_on": [_("The date is in the future.")]})
    roster = {e.worker.id_number: e for e in project.roster.select_related("worker")}
    errors = {}
    seen, checked = set(), []
    for index, line in enumerate(lines):
        id_number = (line.get("id_number") or "").upper()
        try:
            due, paid = Decimal(line["amount_due"]), Decimal(line["amount_paid"])
        except (KeyError, TypeError, ArithmeticError):
            due = paid = None
        if id_number not in roster:
            errors[index] = {"id_number": [_("This person is not on the project's roster.")]}
        elif id_number in seen:
            errors[index] = {"id_number": [_("This person appears twice in the payroll.")]}
        elif due is None:
            errors[index] = {"amount_paid": [_("Enter both amounts as numbers.")]}
        elif paid < 0 or due < 0:
            errors[index] = {"amount_paid": [_("Amounts cannot be negative.")]}
        seen.add(id_number)
        checked.append((index, id_number, due, paid))
    if errors:
        _raise_line_errors(errors)
    payroll = Payroll.objects.filter(project=project, period=period).first() or Payroll(project=project, period=period)
    payroll.paid_on, payroll.paid_via = paid_on, paid_via
    payroll.full_clean()
    payroll.save()
    existing = {line.employment_id: line for line in payroll.lines.all()}
    now = timezone.now()
    new, changed, keep = [], [], set()
    for index, id_number, due, paid in checked:
        employment = roster[id_number]
        keep.add(employment.pk)
        row = existing.get(employment.pk)
        if row is None:
            row = PayrollLine(payroll=payroll, project=project, employment=employment, amount_due=due, amount_paid=paid)
            new.append(row)
        elif row.amount_due != due or row.amount_paid != paid:
            row.amount_due, row.amount_paid, row.last_updated = due, paid, now
            row.employment = employment  # the worker's name for the change record, without a query
            changed.append(row)
        else:
            continue
        try:
            row.clean_fields(exclude=PAYROLL_LINE_KEYS)
            row.clean()
        except ValidationError as exc:
            errors[index] = exc.message_dict
    if errors:
        _raise_line_errors(errors)
    insert_logged(PayrollLine, new)
    if changed:
        PayrollLine.objects.bulk_update(changed, ["amount_due", "amount_paid", "last_updated"])
    for employment_id, row in existing.items():
        if employment_id not in keep:
            row.delete()
    if refresh:
        project_refresh(project=project)
    return payroll


def _raise_line_errors(errors):
    raise ValidationError({"lines": [f"{i + 1}: {'; '.join(str(m) for ms in e.values() for m in ms)}"
                                     for i, e in sorted(errors.items())]})


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


# --- Parties: subcontractors and work teams ------------------------------------------------------------


@transaction.atomic
def subcontractor_add(*, refresh=True, project, enterprise, scope_of_work=""):
    """Put an enterprise among the project's subcontractors (or update its scope of work)."""
    from .models import ProjectSubcontractor

    if enterprise.pk in (project.general_contractor_id, project.builder_id):
        raise ValidationError({"uscc": [_("This enterprise is already a party to the project as its construction unit "
                                          "or general contractor.")]})
    row = ProjectSubcontractor.objects.filter(project=project, enterprise=enterprise).first() or ProjectSubcontractor(
        project=project, enterprise=enterprise)
    row.scope_of_work = scope_of_work or ""
    row.full_clean()
    row.save()
    if refresh:
        project_refresh(project=project)
    return row


@transaction.atomic
def subcontractor_remove(*, refresh=True, subcontractor):
    project = subcontractor.project
    subcontractor.delete()
    if refresh:
        project_refresh(project=project)


@transaction.atomic
def work_team_save(*, refresh=True, project, name, employer=None, leader_name="", leader_phone=""):
    """Create the project's work team of this name, or update it."""
    from .models import WorkTeam

    name = (name or "").strip()
    team = WorkTeam.objects.filter(project=project, name=name).first() or WorkTeam(project=project, name=name)
    team.employer, team.leader_name, team.leader_phone = employer, leader_name or "", leader_phone or ""
    team.full_clean()
    team.save()
    if refresh:
        project_refresh(project=project)
    return team


# --- Attendance -------------------------------------------------------------------------------------------


def employment_on_site(employment, period):
    """Whether the roster entry was on site at some time in the month starting on `period`."""
    import calendar

    last = period.replace(day=calendar.monthrange(period.year, period.month)[1])
    return employment.entered_on <= last and (employment.exited_on is None or employment.exited_on >= period)


@transaction.atomic
def attendance_record(*, refresh=True, project, period, days_by_id_number):
    """Record a month's attendance days per worker ({id_number: days}); it replaces that month's
    attendance. Every person must be on the roster and on site that month, and the days between
    0 and the days of the month. All or nothing."""
    import calendar

    from .models import Attendance

    period = period.replace(day=1)
    check_period(period)
    month_days = calendar.monthrange(period.year, period.month)[1]
    roster = {e.worker.id_number: e for e in project.roster.select_related("worker")}
    errors, rows = [], []
    for index, (raw_id, days) in enumerate(days_by_id_number.items(), start=1):
        id_number = normalize_id_number(raw_id or "")
        employment = roster.get(id_number)
        try:
            days = Decimal(str(days))
        except Exception:
            days = None
        if employment is None:
            errors.append(f"{index}: " + _("This person is not on the project's roster."))
        elif not employment_on_site(employment, period):
            errors.append(f"{index}: " + _("%(name)s was not on site in %(m)s.") % {"name": employment.worker.name,
                                                                                   "m": f"{period:%Y-%m}"})
        elif days is None or not days.is_finite() or days < 0 or days > month_days:
            errors.append(f"{index} ({employment.worker.name}): " + _("The days worked must be between 0 and %(n)d.")
                          % {"n": month_days})
        else:
            rows.append((employment, days))
    if errors:
        raise ValidationError({"days": errors})
    existing = {a.employment_id: a for a in Attendance.objects.filter(project=project, period=period)}
    saved = []
    for employment, days in rows:
        row = existing.pop(employment.pk, None) or Attendance(employment=employment, project=project, period=period)
        if row.pk is None or row.days != days:
            row.days = days
            row.full_clean()
            row.save()
        saved.append(row)
    for row in existing.values():
        row.delete()
    if refresh:
        project_refresh(project=project)
    return saved


# --- Account closing and deposit return (Regulation art. 27; 人社部发〔2021〕65号) -----------------------------

NOTICE_DAYS = 30


class StateConflict(ValidationError):
    """A ValidationError refusing an action the record's current state does not allow (the API
    answers 409 with its code); bad input stays a plain ValidationError (400)."""


def _check_past(day, field):
    if day > timezone.localdate():
        raise ValidationError({field: [_("The date is in the future.")]})


def _check_completed_without_arrears(project):
    from .choices import ProjectStatus
    from .selectors import project_arrears

    if project.status != ProjectStatus.COMPLETED or not project.completed_on:
        raise StateConflict(_("The project is not completed."), code="not_completed")
    owed = project_arrears(project)
    if owed["workers_owed"]:
        raise StateConflict(
            _("The project still owes wages to %(n)d workers (%(amount)s yuan): settle the arrears first.")
            % {"n": owed["workers_owed"], "amount": owed["amount_owed"]},
            code="arrears",
        )


@transaction.atomic
def account_close(*, refresh=True, project, closed_on):
    """Close the dedicated wage account: the project completed, no arrears, and the 30-day public
    notice served (counted from the completion date)."""
    import datetime

    account = DedicatedAccount.objects.select_for_update().filter(project=project).first()
    _check_past(closed_on, "closed_on")
    if account is None:
        raise StateConflict(_("No dedicated wage account has been opened."), code="no_account")
    if account.closed_on:
        raise StateConflict(_("The dedicated wage account was already closed on %(day)s.") % {"day": account.closed_on},
                            code="already_closed")
    if closed_on < account.opened_on:
        raise ValidationError({"closed_on": [_("The account cannot be closed before it was opened.")]})
    _check_completed_without_arrears(project)
    earliest = project.completed_on + datetime.timedelta(days=NOTICE_DAYS)
    if closed_on < earliest:
        raise StateConflict(
            _("The account may be closed only after a %(n)d-day public notice following completion: on %(day)s at the "
              "earliest.") % {"n": NOTICE_DAYS, "day": earliest},
            code="notice_period",
        )
    account.closed_on = closed_on
    account.full_clean()
    account.save()
    if refresh:
        project_refresh(project=project)
    return account


def _deposit_for_return(project):
    deposit = WageDeposit.objects.select_for_update().filter(project=project).first()
    if deposit is None:
        raise StateConflict(_("No wage deposit has been recorded."), code="no_deposit")
    if deposit.exempt:
        raise StateConflict(_("The project is exempt from the wage deposit: there is nothing to return."), code="exempt")
    if deposit.returned_on:
        raise StateConflict(_("The wage deposit was already returned on %(day)s.") % {"day": deposit.returned_on},
                            code="already_returned")
    return deposit


@transaction.atomic
def deposit_return_notice(*, refresh=True, project, notice_on):
    """Publish the notice that the wage deposit will be returned (after completion, no arrears)."""
    _check_past(notice_on, "notice_on")
    deposit = _deposit_for_return(project)
    _check_completed_without_arrears(project)
    if notice_on < project.completed_on:
        raise ValidationError({"notice_on": [_("The notice cannot be published before the completion date.")]})
    deposit.return_notice_on = notice_on
    deposit.full_clean()
    deposit.save()
    if refresh:
        project_refresh(project=project)
    return deposit


@transaction.atomic
def deposit_return(*, refresh=True, project, returned_on):
    """Return the wage deposit: completed, no arrears, and at least 30 days after the notice."""
    import datetime

    _check_past(returned_on, "returned_on")
    deposit = _deposit_for_return(project)
    _check_completed_without_arrears(project)
    if not deposit.return_notice_on:
        raise StateConflict(_("Publish the return notice first: the deposit is returned 30 days after it."), code="no_notice")
    earliest = deposit.return_notice_on + datetime.timedelta(days=NOTICE_DAYS)
    if returned_on < earliest:
        raise StateConflict(
            _("The deposit may be returned only after the %(n)d-day notice published on %(notice)s: on %(day)s at the "
              "earliest.") % {"n": NOTICE_DAYS, "notice": deposit.return_notice_on, "day": earliest},
            code="notice_period",
        )
    deposit.returned_on = returned_on
    deposit.full_clean()
    deposit.save()
    if refresh:
        project_refresh(project=project)
    return deposit
