"""Service functions of complaints: every state change of a clue goes through here.

Each is keyword-only, runs in one transaction, locks the clue row, checks the state on the model
(a wrong state raises `ClueConflict`, answered 409) and writes a `ClueEvent` for the clue's
timeline naming the acting user. Views, API actions, the public form, Celery tasks and the demo
seeder all call these."""
import math
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagecase.core.choices import Role
from wagecase.core.models import Department, Enterprise, Notification, NotificationLevel, User
from wagecase.core.money import amount_text
from wagecase.core.policy import get_policy
from wagecase.core.validators import normalize_uscc
from wagecase.core.workdays import add_working_days
from wagecase.integrations import events

from .choices import (
    CaseErrorCode, CaseEventType, CaseStatus, PaymentSource, ReferralStatus, SupervisionLevel,
    CLASSIFY_CATEGORIES, TRANSFER_INDUSTRY, ClueCategory, ClueErrorCode, ClueEventType, ClueStatus, DeadlineState,
    TransferKind, TransferOutcome,
)
from .models import (
    ArrearsCase, CaseEvent, CasePayment, CaseWorker, Clue, ClueDuplicate, ClueEvent, ClueSequence, CriminalReferral, Incident,
)


class ClueConflict(ValidationError):
    """A transition not allowed in the clue's current state (409 `{detail, code}`)."""

    def __init__(self, message, code=ClueErrorCode.WRONG_STATE):
        super().__init__(message, code=str(code))
        self.detail = message
        self.error_code = str(code)


def _wrong_state(clue, action):
    return ClueConflict(
        _("A clue in the state “%(state)s” cannot be %(action)s.") % {"state": clue.get_status_display(), "action": action}
    )


def _lock(clue):
    """The clue's row, locked for this transaction: two people acting at once → one waits, then sees the new state."""
    fresh = Clue.objects.select_for_update().get(pk=clue.pk)
    return fresh


def _event(clue, type, user=None, comment="", **parameters):
    return ClueEvent.objects.create(clue=clue, type=type, user=user, comment=comment or "", parameters=parameters)


def office_only(user):
    """Bureau clients read their clues and reply to transfers; the labour office does the rest."""
    if user is not None and user.is_bureau:
        raise PermissionDenied(_("Only the wage-arrears office may do this."))


def _require(value, field, message=None):
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({field: [message or _("This field is required.")]})


# --- Deadlines -----------------------------------------------------------------------------------

def warn_day(start, working_days, region_code):
    """The working day on which the warning period starts: when the policy's share of the time has passed."""
    percent = int(get_policy("clue_warning_percent", region_code))
    return add_working_days(start, max(1, math.ceil(working_days * percent / 100)) if working_days else 0)


def clue_set_deadlines(clue):
    """(Re)compute the stored deadlines from the clue's dates; the running one goes to due_on/warn_on."""
    region = clue.region_id
    received_on = timezone.localtime(clue.received_at).date()
    accept_days = int(get_policy("clue_accept_days", region))
    clue.accept_due = add_working_days(received_on, accept_days)
    clue.accept_warn_on = warn_day(received_on, accept_days, region)
    if clue.accepted_at:
        accepted_on = timezone.localtime(clue.accepted_at).date()
        days = int(get_policy("clue_resolve_days", region))
        if clue.extended_at:
            days += int(get_policy("clue_extension_days", region))
        clue.resolve_due = add_working_days(accepted_on, days)
        clue.resolve_warn_on = warn_day(accepted_on, days, region)
    else:
        clue.resolve_due = clue.resolve_warn_on = None
    if clue.status == ClueStatus.RECEIVED:
        clue.due_on, clue.warn_on = clue.accept_due, clue.accept_warn_on
    elif clue.status in (ClueStatus.ACCEPTED, ClueStatus.IN_PROGRESS):
        clue.due_on, clue.warn_on = clue.resolve_due, clue.resolve_warn_on
    elif clue.status == ClueStatus.TRANSFERRED:
        # The department's reply period and the office's own handling period both run: the nearer counts.
        transferred_on = timezone.localtime(clue.transferred_at).date()
        reply_days = int(get_policy("clue_transfer_reply_days", region))
        transfer_warn = warn_day(transferred_on, reply_days, region)
        pairs = [(clue.transfer_due, transfer_warn)]
        if clue.resolve_due:
            pairs.append((clue.resolve_due, clue.resolve_warn_on))
        clue.due_on, clue.warn_on = min(pairs)
    else:
        clue.due_on = clue.warn_on = None


# --- Numbers -------------------------------------------------------------------------------------

def next_clue_number(region_code, year):
    """`620502-2026-000123`: the next number of a county's year, under a row lock."""
    seq, _created = ClueSequence.objects.select_for_update().get_or_create(region_code=region_code, year=year)
    ClueSequence.objects.filter(pk=seq.pk).update(last=seq.last + 1)
    return f"{region_code}-{year}-{seq.last + 1:06d}"


# --- Duplicates ----------------------------------------------------------------------------------

def duplicate_candidates(*, received_at=None, employer_uscc="", employer_name="", project_id=None, complainant_phone="",
                         region_code=None, exclude_pk=None, queryset=None):
    """Earlier clues within the policy window about the same employer (USCC or name), project or
    complainant phone: [(clue, [reason, ...]), ...], newest first. Merged duplicates are left out."""
    received_at = received_at or timezone.now()
    days = int(get_policy("clue_duplicate_window_days", region_code or ""))
    since = received_at - timezone.timedelta(days=days)
    uscc = normalize_uscc(employer_uscc) if employer_uscc else ""
    name = (employer_name or "").strip()
    condition = Q()
    if uscc:
        condition |= Q(employer_uscc=uscc)
    if name:
        condition |= Q(employer_name=name)
    if project_id:
        condition |= Q(project_id=project_id)
    if complainant_phone:
        condition |= Q(complainant_phone=complainant_phone)
    if not condition:
        return []
    qs = (queryset if queryset is not None else Clue.objects.all()).filter(
        condition, merged_into__isnull=True, received_at__gte=since, received_at__lte=received_at
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    found = []
    for other in qs.select_related("region").order_by("-received_at")[:20]:
        reasons = []
        if uscc and other.employer_uscc == uscc:
            reasons.append("employer_uscc")
        if name and other.employer_name == name:
            reasons.append("employer_name")
        if project_id and other.project_id == project_id:
            reasons.append("project")
        if complainant_phone and other.complainant_phone == complainant_phone:
            reasons.append("complainant_phone")
        found.append((other, reasons))
    return found


DUPLICATE_REASONS = {
    "employer_uscc": gettext_lazy("same employer USCC"),
    "employer_name": gettext_lazy("same employer name"),
    "project": gettext_lazy("same project"),
    "complainant_phone": gettext_lazy("same complainant phone"),
}


# --- Intake --------------------------------------------------------------------------------------

def clue_receive(*, user=None, channel, received_at, region, complainant_name, complainant_phone, employer_name,
                 workers_involved, amount_claimed, description, complainant_id_number="", project=None, employer_uscc="",
                 comment=""):
    """Register a clue from any channel. `user` (the staff member taking it) becomes its
    first-responsible officer; a clue from the public form has none until someone accepts it."""
    office_only(user)
    with transaction.atomic():
        uscc = normalize_uscc(employer_uscc) if employer_uscc else ""
        clue = Clue(
            channel=channel, received_at=received_at, region=region, complainant_name=(complainant_name or "").strip(),
            complainant_phone=(complainant_phone or "").strip(), complainant_id_number=(complainant_id_number or "").strip().upper(),
            project=project, employer_name=(employer_name or "").strip(), employer_uscc=uscc,
            workers_involved=workers_involved, amount_claimed=amount_claimed, description=description or "",
            received_by=user, owner=user, number="-",
        )
        if uscc:
            clue.employer = Enterprise.objects.filter(uscc=uscc).first()
        if project is not None:
            clue.industry = project.industry
        if received_at is not None and region is not None:
            clue_set_deadlines(clue)
        clue.full_clean(exclude=["number"])
        clue.number = next_clue_number(clue.region_id, timezone.localtime(clue.received_at).year)
        clue.save()
        for other, reasons in duplicate_candidates(
            received_at=clue.received_at, employer_uscc=uscc, employer_name=clue.employer_name, project_id=clue.project_id,
            complainant_phone=clue.complainant_phone, region_code=clue.region_id, exclude_pk=clue.pk,
        ):
            ClueDuplicate.objects.create(clue=clue, candidate=other, reasons=reasons)
        _event(clue, ClueEventType.RECEIVED, user, comment, channel=channel)
    return clue


# --- Transitions (API.md table) -----------------------------------------------------------------

def clue_accept(*, clue, user, comment=""):
    office_only(user)
    with transaction.atomic():
        clue = _lock(clue)
        if not clue.can_accept():
            raise _wrong_state(clue, _("accepted"))
        clue.status = ClueStatus.ACCEPTED
        clue.accepted_at = timezone.now()
        if clue.owner_id is None:
            clue.owner = user
        clue_set_deadlines(clue)
        clue.save()
        _event(clue, ClueEventType.ACCEPTED, user, comment, resolve_due=clue.resolve_due.isoformat())
    return clue


def clue_reject(*, clue, user, reason):
    office_only(user)
    _require(reason, "reason", _("Give the reason for not accepting the clue (e.g. beyond the two-year limitation)."))
    with transaction.atomic():
        clue = _lock(clue)
        if not clue.can_reject():
            raise _wrong_state(clue, _("rejected"))
        clue.status = ClueStatus.CLOSED
        clue.category = ClueCategory.NOT_ACCEPTED
        clue.reject_reason = reason.strip()
        clue.closed_at = timezone.now()
        if clue.owner_id is None:
            clue.owner = user
        clue_set_deadlines(clue)
        clue.full_clean()
        clue.save()
        _event(clue, ClueEventType.REJECTED, user, reason)
    return clue


def clue_classify(*, clue, user, category, comment=""):
    office_only(user)
    if category not in CLASSIFY_CATEGORIES:
        raise ValidationError({"category": [_("Choose one of: %s.") % ", ".join(CLASSIFY_CATEGORIES)]})
    with transaction.atomic():
        clue = _lock(clue)
        if not clue.can_classify():
            raise _wrong_state(clue, _("classified"))
        clue.status = ClueStatus.IN_PROGRESS
        clue.category = category
        clue.classified_at = timezone.now()
        clue_set_deadlines(clue)
        clue.save()
        _event(clue, ClueEventType.CLASSIFIED, user, comment, category=category)
    return clue


def clue_transfer(*, clue, user, department, reason):
    """Send the clue to the department of kind `department` responsible for its region, with a reply deadline."""
    office_only(user)
    if department not in TransferKind.values:
        raise ValidationError({"department": [_("Choose one of: %s.") % ", ".join(TransferKind.values)]})
    _require(reason, "reason", _("Give the reason for the transfer."))
    with transaction.atomic():
        clue = _lock(clue)
        if not clue.can_transfer():
            raise _wrong_state(clue, _("transferred"))
        target = Department.responsible_for(department, clue.region_id)
        if target is None:
            raise ClueConflict(
                _("No department of the kind “%(kind)s” is responsible for %(region)s.")
                % {"kind": TransferKind(department).label, "region": clue.region_id},
                code=ClueErrorCode.NO_DEPARTMENT,
            )
        now = timezone.now()
        clue.status = ClueStatus.TRANSFERRED
        clue.transferred_to = target
        clue.transferred_at = now
        clue.transfer_reason = reason.strip()
        clue.transfer_due = add_working_days(timezone.localtime(now).date(), int(get_policy("clue_transfer_reply_days", clue.region_id)))
        clue.transfer_replied_at = None
        clue.transfer_outcome = ""
        clue.transfer_reply = ""
        if department in TRANSFER_INDUSTRY and not clue.industry:
            clue.industry = TRANSFER_INDUSTRY[department]
        clue_set_deadlines(clue)
        clue.full_clean()
        clue.save()
        _event(clue, ClueEventType.TRANSFERRED, user, reason, department=target.pk, department_name=target.name,
               reply_due=clue.transfer_due.isoformat())
        _notify_department(clue, target)
    return clue


def _check_result(clue, workers_paid, amount_recovered, result, explanation, category):
    """Consistency of a conclusion with the clue (the seeds' "conclusion inconsistent with handling")."""
    errors = {}
    if workers_paid is None:
        errors["workers_paid"] = [_("This field is required.")]
    if amount_recovered is None:
        errors["amount_recovered"] = [_("This field is required.")]
    if not (result or "").strip():
        errors["result"] = [_("Describe how the clue was handled and its result.")]
    if errors:
        raise ValidationError(errors)
    amount_recovered = Decimal(amount_recovered)
    if workers_paid < 0:
        errors["workers_paid"] = [_("Ensure this value is greater than or equal to 0.")]
    if amount_recovered < 0:
        errors["amount_recovered"] = [_("Ensure this value is greater than or equal to 0.")]
    if errors:
        raise ValidationError(errors)
    needs = []
    if workers_paid > clue.workers_involved:
        needs.append(_("more workers were paid (%(paid)s) than the clue involves (%(involved)s)")
                     % {"paid": workers_paid, "involved": clue.workers_involved})
    if amount_recovered > clue.amount_claimed:
        needs.append(_("more was recovered (¥%(rec)s) than claimed (¥%(claimed)s)")
                     % {"rec": amount_text(amount_recovered), "claimed": amount_text(clue.amount_claimed)})
    if category == ClueCategory.WAGE_ARREARS and (workers_paid == 0) != (amount_recovered == 0):
        needs.append(_("workers paid and amount recovered must both be zero or both be positive"))
    if category in (ClueCategory.UNFOUNDED, ClueCategory.DUPLICATE) and (workers_paid or amount_recovered):
        needs.append(_("a clue found unsubstantiated or duplicate recovered wages"))
    if needs and not (explanation or "").strip():
        raise ValidationError({"result_explanation": [
            _("Explain the figures: %s.") % "; ".join(str(n) for n in needs)
        ]})
    return amount_recovered


def clue_resolve(*, clue, user, workers_paid, amount_recovered, result, result_explanation=""):
    office_only(user)
    with transaction.atomic():
        clue = _lock(clue)
        if not clue.can_resolve():
            raise _wrong_state(clue, _("resolved"))
        amount = _check_result(clue, workers_paid, amount_recovered, result, result_explanation, clue.category)
        _apply_result(clue, workers_paid, amount, result, result_explanation)
        clue.full_clean()
        clue.save()
        _event(clue, ClueEventType.RESOLVED, user, result, workers_paid=workers_paid, amount_recovered=str(amount))
    return clue


def _apply_result(clue, workers_paid, amount, result, explanation):
    clue.status = ClueStatus.RESOLVED
    clue.workers_paid = workers_paid
    clue.amount_recovered = amount.quantize(Decimal("0.01"))
    clue.result = result.strip()
    clue.result_explanation = (explanation or "").strip()
    clue.resolved_at = timezone.now()
    clue_set_deadlines(clue)


def clue_close(*, clue, user, reply):
    office_only(user)
    _require(reply, "reply", _("Write the reply given to the complainant."))
    with transaction.atomic():
        clue = _lock(clue)
        if not clue.can_close():
            raise _wrong_state(clue, _("closed"))
        clue.status = ClueStatus.CLOSED
        clue.reply = reply.strip()
        clue.closed_at = timezone.now()
        clue_set_deadlines(clue)
        clue.full_clean()
        clue.save()
        _event(clue, ClueEventType.CLOSED, user, reply)
    return clue


# --- Beyond the table: department reply, hand-over, extension, revisit, merge, note ------------

def clue_transfer_reply(*, clue, user, outcome, reply, workers_paid=None, amount_recovered=None, result_explanation=""):
    """The receiving department answers: handled (→ resolved, with the result) or returned to the office (→ in progress)."""
    if outcome not in TransferOutcome.values:
        raise ValidationError({"outcome": [_("Choose one of: %s.") % ", ".join(TransferOutcome.values)]})
    _require(reply, "reply", _("Write the department's reply."))
    with transaction.atomic():
        clue = _lock(clue)
        if not clue.can_reply_transfer():
            raise _wrong_state(clue, _("answered by a department"))
        # The office may record a reply received on paper; a bureau answers only for its own department.
        if user.is_bureau and user.department_id != clue.transferred_to_id and not _department_matches(user, clue):
            raise ClueConflict(_("Only the department the clue was transferred to may reply."),
                               code=ClueErrorCode.NOT_RECEIVING_DEPARTMENT)
        clue.transfer_replied_at = timezone.now()
        clue.transfer_outcome = outcome
        clue.transfer_reply = reply.strip()
        if outcome == TransferOutcome.HANDLED:
            category = clue.category or ClueCategory.PROJECT_PAYMENT
            amount = _check_result(clue, workers_paid, amount_recovered, reply, result_explanation, category)
            clue.category = category
            _apply_result(clue, workers_paid, amount, reply, result_explanation)
        else:
            clue.status = ClueStatus.IN_PROGRESS if clue.category else ClueStatus.ACCEPTED
            clue_set_deadlines(clue)
        clue.full_clean()
        clue.save()
        _event(clue, ClueEventType.TRANSFER_REPLIED, user, reply, outcome=outcome,
               department=clue.transferred_to_id, workers_paid=workers_paid,
               amount_recovered=str(amount_recovered) if amount_recovered is not None else None)
    return clue


def _department_matches(user, clue):
    """A bureau client of the receiving department's industry and region answers for it."""
    dept = clue.transferred_to
    if dept is None:
        return False
    industry = TRANSFER_INDUSTRY.get(dept.kind)
    prefix = user.scope_prefix or ""
    return bool(industry and industry in (user.industries or []) and clue.region_id.startswith(prefix))


def clue_hand_over(*, clue, user, to_user, comment):
    """Hand the clue to another officer (首问负责制: ownership moves only by a recorded hand-over)."""
    office_only(user)
    _require(comment, "comment", _("Say why the clue is handed over."))
    with transaction.atomic():
        clue = _lock(clue)
        if not clue.can_hand_over():
            raise _wrong_state(clue, _("handed over"))
        if to_user is None or to_user.is_bureau or not to_user.is_active or not to_user.has_perm("complaints.change_clue"):
            raise ValidationError({"to_user": [_("Hand the clue to an officer of the wage-arrears office.")]})
        if not Clue.objects.restrict(to_user, "change").filter(pk=clue.pk).exists():
            raise ValidationError({"to_user": [_("This officer's jurisdiction does not cover the clue's county.")]})
        if to_user.pk == clue.owner_id:
            raise ValidationError({"to_user": [_("The clue is already this officer's.")]})
        previous = clue.owner
        clue.owner = to_user
        clue.save()
        _event(clue, ClueEventType.HANDED_OVER, user, comment, from_user=previous.pk if previous else None,
               from_name=str(previous) if previous else "", to_user=to_user.pk, to_name=str(to_user))
        notify(user=to_user, key=f"clue:{clue.pk}:handover:{clue.events.count()}", level=NotificationLevel.INFO,
               title=_("Clue %(number)s was handed to you") % {"number": clue.number}, body=comment,
               url=clue.get_absolute_url())
    return clue


def clue_extension_request(*, clue, user, reason):
    office_only(user)
    _require(reason, "reason", _("Give the reason for the extension."))
    with transaction.atomic():
        clue = _lock(clue)
        if not clue.can_extend():
            if clue.extended_at:
                raise ClueConflict(_("The handling period of this clue was already extended once."), code=ClueErrorCode.ALREADY_EXTENDED)
            raise _wrong_state(clue, _("extended"))
        clue.extension_requested_at = timezone.now()
        clue.extension_requested_by = user
        clue.extension_reason = reason.strip()
        clue.save()
        _event(clue, ClueEventType.EXTENDED, user, reason, stage="requested")
        for head in office_heads_for(clue.region_id):
            notify(user=head, key=f"clue:{clue.pk}:extension-request", level=NotificationLevel.WARNING,
                   title=_("Extension requested for clue %(number)s") % {"number": clue.number}, body=reason,
                   url=clue.get_absolute_url())
    return clue


def clue_extension_approve(*, clue, user, comment=""):
    """+30 working days on the handling period, once, approved by the office head."""
    office_only(user)
    if user.role != Role.OFFICE_HEAD and not user.is_superuser:
        raise PermissionDenied(_("Only the office head may approve an extension."))
    with transaction.atomic():
        clue = _lock(clue)
        if not clue.can_extend():
            if clue.extended_at:
                raise ClueConflict(_("The handling period of this clue was already extended once."), code=ClueErrorCode.ALREADY_EXTENDED)
            raise _wrong_state(clue, _("extended"))
        old_due = clue.resolve_due
        clue.extended_at = timezone.now()
        clue.extension_approved_by = user
        if not clue.extension_requested_at:
            clue.extension_requested_at = clue.extended_at
            clue.extension_requested_by = user
            clue.extension_reason = (comment or "").strip()
        _require(clue.extension_reason, "reason", _("Give the reason for the extension."))
        clue_set_deadlines(clue)
        clue.save()
        _event(clue, ClueEventType.EXTENDED, user, comment or clue.extension_reason, stage="approved",
               old_due=old_due.isoformat() if old_due else None, new_due=clue.resolve_due.isoformat())
    return clue


def clue_revisit(*, clue, user, satisfied, note):
    office_only(user)
    _require(note, "note", _("Write what the complainant said."))
    with transaction.atomic():
        clue = _lock(clue)
        if not clue.can_revisit():
            raise _wrong_state(clue, _("revisited"))
        clue.revisited_at = timezone.now()
        clue.revisit_satisfied = bool(satisfied)
        clue.revisit_note = note.strip()
        clue.save()
        _event(clue, ClueEventType.REVISITED, user, note, satisfied=bool(satisfied))
    return clue


def clue_merge(*, clue, into, user, comment=""):
    """Merge a duplicate into an earlier clue: the duplicate closes (category `duplicate`), both keep
    their histories, and figures count the pair once (the duplicate is left out)."""
    office_only(user)
    with transaction.atomic():
        first, second = sorted([clue, into], key=lambda c: c.pk)
        locked = {c.pk: c for c in (_lock(first), _lock(second))}
        clue, into = locked[clue.pk], locked[into.pk]
        if clue.pk == into.pk:
            raise ClueConflict(_("A clue cannot be merged into itself."), code=ClueErrorCode.MERGE_INVALID)
        if not clue.can_merge():
            raise ClueConflict(_("Only an open clue can be merged into another."), code=ClueErrorCode.MERGE_INVALID)
        if into.merged_into_id is not None:
            raise ClueConflict(_("Clue %(number)s was itself merged into another; merge into that one.") % {"number": into.number},
                               code=ClueErrorCode.MERGE_INVALID)
        clue.merged_into = into
        clue.status = ClueStatus.CLOSED
        clue.category = ClueCategory.DUPLICATE
        clue.closed_at = timezone.now()
        clue.reply = clue.reply or (_("Merged into clue %(number)s, handled there.") % {"number": into.number})
        clue_set_deadlines(clue)
        clue.save()
        _event(clue, ClueEventType.MERGED, user, comment, into=into.number)
        _event(into, ClueEventType.ABSORBED, user, comment, duplicate=clue.number)
    return into


def clue_note(*, clue, user, comment):
    _require(comment, "comment")
    return _event(clue, ClueEventType.NOTE, user, comment)


# --- Notifications -------------------------------------------------------------------------------

def notify(*, user, key, title, body="", url="", level=NotificationLevel.INFO):
    """Raise an in-app notification once per (user, key)."""
    Notification.objects.bulk_create(
        [Notification(user=user, key=key[:200], title=title[:200], body=body, url=url, level=level)], ignore_conflicts=True
    )


def office_users_for(region_code, roles=(Role.INSPECTOR, Role.OFFICE_STAFF, Role.OFFICE_HEAD)):
    """Active office users whose jurisdiction covers the region."""
    from wagecase.core.models.regions import ancestor_codes

    return User.objects.filter(is_active=True, role__in=roles, jurisdiction_id__in=ancestor_codes(region_code))


def office_heads_for(region_code):
    return office_users_for(region_code, roles=(Role.OFFICE_HEAD,))


def department_members(clue):
    """Who answers for the department a clue was transferred to: its own users, and the bureau
    clients of its industry whose jurisdiction covers the clue's county (a city bureau's account
    answers for its county offices)."""
    from wagecase.core.models.regions import ancestor_codes

    department = clue.transferred_to
    if department is None:
        return set()
    members = set(department.users.filter(is_active=True))
    industry = TRANSFER_INDUSTRY.get(department.kind)
    if industry:
        for user in User.objects.filter(is_active=True, role=Role.BUREAU, jurisdiction_id__in=ancestor_codes(clue.region_id)):
            if industry in (user.industries or []):
                members.add(user)
    return members


def _notify_department(clue, department):
    for member in department_members(clue):
        notify(user=member, key=f"clue:{clue.pk}:transfer:{clue.transferred_at.isoformat()}", level=NotificationLevel.INFO,
               title=_("Clue %(number)s was transferred to %(department)s") % {"number": clue.number, "department": department.name},
               body=clue.transfer_reason, url=clue.get_absolute_url())


def clue_deadline_notifications(*, today=None):
    """The daily job: a notification (and a timeline entry) for each open clue that entered its
    warning period or passed its deadline, to its officer (or the county's office staff when it has
    none), the receiving department for transferred clues, and the office heads when overdue.
    Idempotent: run twice on a day, it raises nothing new."""
    from wagecase.core.context import current_context

    today = today or timezone.localdate()
    raised = 0
    job_label = current_context().label or "complaints.deadline_notifications"
    qs = Clue.objects.open().filter(warn_on__lte=today).select_related("owner", "transferred_to", "region")
    for clue in qs.iterator(chunk_size=500):
        state = clue.deadline_state(today)
        if state not in (DeadlineState.WARNING, DeadlineState.OVERDUE):
            continue
        key = f"clue:{clue.pk}:{state}:{clue.status}:{clue.due_on.isoformat()}"
        recipients = {clue.owner} if clue.owner_id else set(office_users_for(clue.region_id, roles=(Role.OFFICE_STAFF, Role.OFFICE_HEAD)))
        if clue.status == ClueStatus.TRANSFERRED and clue.transferred_to_id:
            recipients |= department_members(clue)
        if state == DeadlineState.OVERDUE:
            recipients |= set(office_heads_for(clue.region_id))
            title = _("Clue %(number)s is overdue (due %(due)s)") % {"number": clue.number, "due": clue.due_on.isoformat()}
            level = NotificationLevel.DANGER
        else:
            title = _("Clue %(number)s is due on %(due)s") % {"number": clue.number, "due": clue.due_on.isoformat()}
            level = NotificationLevel.WARNING
        with transaction.atomic():
            before = Notification.objects.filter(key=key).count()
            for person in recipients:
                notify(user=person, key=key, title=title, body=clue.get_status_display(), url=clue.get_absolute_url(), level=level)
            if not ClueEvent.objects.filter(clue=clue, type=state, parameters__key=key).exists():
                # No user: the reminder names the job that raised it (the change context's label).
                _event(clue, ClueEventType.WARNING if state == DeadlineState.WARNING else ClueEventType.OVERDUE, None, "",
                       key=key, due_on=clue.due_on.isoformat(), job=job_label)
            raised += Notification.objects.filter(key=key).count() - before
    return raised


# =================================================================================================
# Arrears cases (DOMAIN.md §6) and emergency incidents (§8)
# =================================================================================================

class CaseConflict(ValidationError):
    """A case action its current state does not allow (409 `{detail, code}`)."""

    def __init__(self, message, code):
        super().__init__(message, code=str(code))
        self.detail = message
        self.error_code = str(code)


def _case_event(case, type, user=None, comment="", **parameters):
    return CaseEvent.objects.create(case=case, type=type, user=user, comment=comment or "", parameters=parameters)


def _lock_case(case):
    return ArrearsCase.objects.select_for_update().get(pk=case.pk)


def _money(value, field):
    """Money in yuan: a Decimal with at most two places, not negative."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: [_("Enter an amount in yuan, e.g. 12500.00.")]})
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: [_("Give the amount in yuan with at most two decimal places.")]})
    if amount <= 0:
        raise ValidationError({field: [_("The amount must be positive.")]})
    return amount


FIVE_HAVES = ("responsible_unit", "responsible_leader", "responsible_person", "measures", "deadline")


def case_open(*, user, enterprise, occurred_on, workers_owed, amount_owed, responsible_unit, responsible_leader,
              responsible_person, measures, deadline, region=None, project=None, source_clue=None, source_inspection=None,
              description="", supervision_level=SupervisionLevel.NONE, leader_in_charge="", government_type=None,
              workers=()):
    """Open an arrears case (from a clue, an inspection, or directly). `workers`: optional per-worker
    breakdown, dicts with name, id_number, amount_owed (and worker, a roster Worker)."""
    office_only(user)
    amount_owed = _money(amount_owed, "amount_owed")
    with transaction.atomic():
        if source_clue is not None:
            source_clue = _lock(source_clue)
            if ArrearsCase.objects.filter(source_clue=source_clue).exists():
                raise CaseConflict(_("Clue %(number)s already opened a case.") % {"number": source_clue.number},
                                   code=CaseErrorCode.CLUE_HAS_CASE)
            if source_clue.category not in (None, ClueCategory.WAGE_ARREARS):
                raise CaseConflict(_("Only a wage-arrears clue opens an arrears case."), code=CaseErrorCode.CLUE_NOT_WAGE_ARREARS)
        if region is None:
            region = project.region if project is not None else (source_clue.region if source_clue is not None else None)
        if region is None:
            raise ValidationError({"region": [_("Give the county of the case.")]})
        case = ArrearsCase(
            region=region, project=project, enterprise=enterprise, source_clue=source_clue, source_inspection=source_inspection,
            occurred_on=occurred_on, workers_owed=workers_owed, amount_owed=amount_owed, description=description or "",
            responsible_unit=(responsible_unit or "").strip(), responsible_leader=(responsible_leader or "").strip(),
            responsible_person=(responsible_person or "").strip(), measures=(measures or "").strip(), deadline=deadline,
            supervision_level=supervision_level or SupervisionLevel.NONE, leader_in_charge=(leader_in_charge or "").strip(),
            government_type=bool(government_type), opened_by=user,
        )
        if occurred_on is not None:
            case.refresh_derived()
        if not case.industry and source_clue is not None:
            case.industry = source_clue.industry
        case.full_clean()
        case.save()
        total = Decimal("0")
        for row in workers or ():
            line = CaseWorker(case=case, worker=row.get("worker"), name=(row.get("name") or "").strip(),
                              id_number=(row.get("id_number") or "").strip().upper(),
                              amount_owed=_money(row.get("amount_owed"), "workers"))
            line.full_clean()
            line.save()
            total += line.amount_owed
        if workers and total != amount_owed:
            raise ValidationError({"workers": [_("The workers' amounts add up to ¥%(sum)s, not the amount owed ¥%(owed)s.")
                                               % {"sum": amount_text(total), "owed": amount_text(amount_owed)}]})
        _case_event(case, CaseEventType.OPENED, user, description, source_clue=source_clue.number if source_clue else None,
                    amount_owed=str(amount_owed), workers_owed=workers_owed)
        events.emit(events.WebhookEvent.CASE_OPENED, region_code=case.region_id, industry=case.industry,
                    data=events.case_data(case))
        if source_clue is not None:
            _event(source_clue, ClueEventType.NOTE, user, _("Arrears case opened."), case=case.pk)
    return case


def case_open_from_clue(*, clue, user, **fields):
    """Open a case carrying the clue's data (employer, project, county, workers, amount, facts)."""
    office_only(user)
    if fields.get("enterprise") is None and clue.employer is None and not clue.employer_uscc:
        raise ValidationError({"enterprise": [_("The clue has no employer USCC: give the enterprise's USCC.")]})
    from projects.services import enterprise_get_or_create

    enterprise = fields.pop("enterprise", None) or clue.employer or enterprise_get_or_create(
        uscc=clue.employer_uscc, name=clue.employer_name, region_code=clue.region_id)
    data = {
        "region": clue.region, "project": clue.project, "occurred_on": timezone.localtime(clue.received_at).date(),
        "workers_owed": clue.workers_involved, "amount_owed": clue.amount_claimed, "description": clue.description,
    }
    data.update(fields)
    return case_open(user=user, enterprise=enterprise, source_clue=clue, **data)


def case_update(*, case, user, comment="", **fields):
    """Change the five haves, supervision level or leader in charge (each change on the timeline)."""
    office_only(user)
    allowed = set(FIVE_HAVES) | {"supervision_level", "leader_in_charge", "description"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in unknown})
    with transaction.atomic():
        case = _lock_case(case)
        before = {name: getattr(case, name) for name in fields}
        for name, value in fields.items():
            setattr(case, name, value.strip() if isinstance(value, str) else value)
        case.full_clean()
        case.save()
        changed = {name: [str(before[name]), str(getattr(case, name))] for name in fields if before[name] != getattr(case, name)}
        if changed:
            kind = CaseEventType.SUPERVISION if set(changed) <= {"supervision_level", "leader_in_charge"} else CaseEventType.UPDATED
            _case_event(case, kind, user, comment, changes=changed)
    return case


def case_payment_add(*, case, user, amount, paid_on, source, workers=0):
    """An instalment. Over the outstanding amount → 400; nothing outstanding → cleared. A deposit
    payment draws the project's wage deposit down (top-up due in 10 working days)."""
    office_only(user)
    amount = _money(amount, "amount")
    if source not in PaymentSource.values:
        raise ValidationError({"source": [_("Choose one of: %s.") % ", ".join(PaymentSource.values)]})
    if paid_on is None:
        raise ValidationError({"paid_on": [_("This field is required.")]})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": [_("The date cannot be in the future.")]})
    with transaction.atomic():
        case = _lock_case(case)
        if case.status == CaseStatus.CLEARED:
            raise CaseConflict(_("The case is cleared: nothing is outstanding."), code=CaseErrorCode.CLEARED)
        if paid_on < case.occurred_on:
            raise ValidationError({"paid_on": [_("The payment cannot come before the arrears occurred.")]})
        if amount > case.amount_outstanding:
            raise ValidationError({"amount": [_("Only ¥%(left)s is outstanding.") % {"left": amount_text(case.amount_outstanding)}]})
        if workers is None or workers < 0 or case.workers_paid + workers > case.workers_owed:
            raise ValidationError({"workers": [_("More workers paid than owed (%(n)s).") % {"n": case.workers_owed}]})
        drawdown = None
        if source == PaymentSource.DEPOSIT:
            if case.project_id is None:
                raise ValidationError({"source": [_("A deposit payment needs the case's project.")]})
            from projects.models import WageDeposit
            from projects.services import deposit_drawdown

            if not WageDeposit.objects.filter(project_id=case.project_id).exists():
                raise ValidationError({"source": [_("The project has no wage deposit.")]})
            drawdown = deposit_drawdown(project=case.project, amount=amount, drawn_on=paid_on,
                                        reason=_("Wages paid for arrears case %(pk)s") % {"pk": case.pk})
        payment = CasePayment(case=case, amount=amount, workers=workers or 0, paid_on=paid_on, source=source,
                              drawdown=drawdown, recorded_by=user)
        payment.full_clean()
        payment.save()
        case.amount_paid += amount
        case.workers_paid += workers or 0
        if case.amount_outstanding == 0:
            case.status = CaseStatus.CLEARED
            case.cleared_on = paid_on
        case.save()
        _case_event(case, CaseEventType.PAYMENT, user, "", amount=str(amount), source=source, paid_on=paid_on.isoformat(),
                    workers=workers or 0, outstanding=str(case.amount_outstanding))
        if case.status == CaseStatus.CLEARED:
            _case_event(case, CaseEventType.CLEARED, user, "", cleared_on=paid_on.isoformat())
            events.emit(events.WebhookEvent.CASE_CLEARED, region_code=case.region_id, industry=case.industry,
                        data=events.case_data(case))
    return payment


def case_order(*, case, user, issued_on, pay_by):
    """Record the written order to pay (限期支付指令)."""
    office_only(user)
    if issued_on is None or pay_by is None:
        raise ValidationError({k: [_("This field is required.")] for k, v in (("issued_on", issued_on), ("pay_by", pay_by)) if v is None})
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": [_("The date cannot be in the future.")]})
    with transaction.atomic():
        case = _lock_case(case)
        if case.status == CaseStatus.CLEARED:
            raise CaseConflict(_("The case is cleared: nothing is outstanding."), code=CaseErrorCode.CLEARED)
        if case.order_issued_on:
            raise CaseConflict(_("An order to pay was already issued on %(day)s.") % {"day": case.order_issued_on},
                               code=CaseErrorCode.ORDER_EXISTS)
        if issued_on < case.occurred_on:
            raise ValidationError({"issued_on": [_("The order cannot come before the arrears occurred.")]})
        case.order_issued_on, case.order_pay_by = issued_on, pay_by
        case.full_clean()
        case.save()
        _case_event(case, CaseEventType.ORDER, user, "", issued_on=issued_on.isoformat(), pay_by=pay_by.isoformat())
    return case


def case_compensation(*, case, user, percent, ordered_on=None):
    """Extra compensation of 50–100 % of the amount owed, on an ignored order."""
    office_only(user)
    ordered_on = ordered_on or timezone.localdate()
    with transaction.atomic():
        case = _lock_case(case)
        if not case.order_issued_on:
            raise CaseConflict(_("No order to pay was issued."), code=CaseErrorCode.NO_ORDER)
        if not case.order_ignored(ordered_on):
            raise CaseConflict(_("The order to pay was not ignored."), code=CaseErrorCode.ORDER_NOT_IGNORED)
        case.compensation_percent = percent
        case.compensation_ordered_on = ordered_on
        case.full_clean()
        case.save()
        _case_event(case, CaseEventType.COMPENSATION, user, "", percent=percent,
                    amount=str((case.amount_owed * Decimal(percent) / 100).quantize(Decimal("0.01"))))
    return case


def case_refer(*, case, user, referred_on, police_unit, status=ReferralStatus.REFERRED, outcome=""):
    """Criminal referral (行刑衔接): only when the order to pay was ignored and the amount meets the threshold."""
    office_only(user)
    if referred_on is None:
        raise ValidationError({"referred_on": [_("This field is required.")]})
    if referred_on > timezone.localdate():
        raise ValidationError({"referred_on": [_("The date cannot be in the future.")]})
    with transaction.atomic():
        case = _lock_case(case)
        if CriminalReferral.objects.filter(case=case).exists():
            raise CaseConflict(_("The case was already referred."), code=CaseErrorCode.REFERRAL_EXISTS)
        if not case.order_issued_on:
            raise CaseConflict(_("Refer only after a written order to pay was ignored."), code=CaseErrorCode.NO_ORDER)
        if not (case.order_ignored(referred_on) and case.criminal_threshold_met()):
            raise CaseConflict(
                _("A referral needs an ignored order to pay and arrears over the region's criminal threshold."),
                code=CaseErrorCode.REFERRAL_NOT_ALLOWED)
        referral = CriminalReferral(case=case, referred_on=referred_on, police_unit=(police_unit or "").strip(), status=status,
                                    outcome=outcome or "")
        referral.full_clean()
        referral.save()
        _case_event(case, CaseEventType.REFERRED, user, outcome, referred_on=referred_on.isoformat(), police_unit=referral.police_unit)
    return referral


def case_referral_update(*, referral, user, status, outcome=""):
    office_only(user)
    if status not in ReferralStatus.values:
        raise ValidationError({"status": [_("Choose one of: %s.") % ", ".join(ReferralStatus.values)]})
    with transaction.atomic():
        referral = CriminalReferral.objects.select_for_update().get(pk=referral.pk)
        previous = referral.status
        referral.status = status
        referral.outcome = outcome or referral.outcome
        referral.full_clean()
        referral.save()
        _case_event(referral.case, CaseEventType.REFERRAL_UPDATED, user, outcome, previous=previous, status=status)
    return referral


def case_note(*, case, user, comment):
    _require(comment, "comment")
    return _case_event(case, CaseEventType.NOTE, user, comment)


def incident_report(*, user, kind, occurred_at, reported_at, region, people_involved, description, serious=False, place="",
                    project=None, case=None, damage="", cause="", measures="", public_reaction=""):
    office_only(user)
    with transaction.atomic():
        incident = Incident(
            kind=kind, serious=bool(serious), occurred_at=occurred_at, reported_at=reported_at, region=region, place=place or "",
            project=project, case=case, people_involved=people_involved, description=description or "", damage=damage or "",
            cause=cause or "", measures=measures or "", public_reaction=public_reaction or "", reported_by=user,
        )
        incident.industry = project.industry if project is not None else (case.industry if case is not None else "")
        incident.full_clean()
        incident.save()
        if case is not None:
            _case_event(case, CaseEventType.INCIDENT, user, incident.get_kind_display(), incident=incident.pk,
                        report_late=incident.report_late)
    return incident


def incident_update(*, incident, user, **fields):
    """Add measures, cause, reaction; close with the closing report (closed_at)."""
    office_only(user)
    allowed = {"measures", "cause", "damage", "public_reaction", "closing_report", "closed_at", "place", "people_involved"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in unknown})
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        for name, value in fields.items():
            setattr(incident, name, value)
        if fields.get("closing_report") and not incident.closed_at:
            incident.closed_at = timezone.now()
        incident.full_clean()
        incident.save()
    return incident
