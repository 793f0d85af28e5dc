"""Service functions of blacklist: every state change goes through here.

Listing (MOHRSS Decree 45): propose from an arrears case with its criteria checked → advance notice
served (numbered) → objections within 5 working days, reviewed → decision (listed for 3 years) and
publication → pushes to the credit-information platform → expiry (daily job) or early removal after
credit repair. Publication of major violations (Decree 29): a quarterly batch of qualifying cases,
reviewed, approved by another person and published. Labour-compliance ratings A/B/C with reasons.

A transition the record's state does not allow raises `ListingConflict` (the API's 409 with
`{detail, code}`); invalid input raises ValidationError (400 by field); a role that may not act,
PermissionDenied (403). Each service runs in one transaction: nothing is half-saved."""
import datetime
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.choices import CaseStatus, ReferralStatus
from complaints.models import ArrearsCase, CriminalReferral, Incident
from wagecase.core.choices import CreditRating, Role
from wagecase.core.models import Enterprise, Region
from wagecase.core.validators import normalize_id_number, normalize_uscc, validate_id_number, validate_uscc
from wagecase.core.workdays import add_working_days

from .choices import (
    Basis, BatchErrorCode, BatchStatus, ExportAction, ListingErrorCode, ListingEventType, ListingStatus, ObjectionOutcome,
    PersonRole, PublicationReason, RemovalReason, SubjectType,
)
from .models import (
    OBJECTION_WORKING_DAYS, REPAIR_MONTHS, TERM_YEARS, CreditExport, CreditExportEntry, EnterpriseRating, Listing,
    ListingEvent, Objection, PublicationBatch, PublicationEntry, add_months, add_years,
)

LIST_NAME = "拖欠农民工工资失信联合惩戒对象名单"


class ListingConflict(ValidationError):
    """A transition the listing's (or batch's) current state does not allow (409 `{detail, code}`)."""

    def __init__(self, message, code=ListingErrorCode.WRONG_STATE):
        super().__init__(message, code=str(code))
        self.detail = message
        self.error_code = str(code)


def _event(listing, type, user=None, comment="", job="", **parameters):
    return ListingEvent.objects.create(listing=listing, type=type, user=user, job=job, comment=comment or "",
                                       parameters=parameters)


def _lock(listing):
    return Listing.objects.select_for_update().select_related("case", "enterprise").get(pk=listing.pk)


def _may_act(user, perm="blacklist.change_listing"):
    """Listing decisions are the enforcing labour office's (谁执法谁认定): bureau clients only read."""
    if user is None:
        return
    if user.is_bureau or not user.has_perm(perm):
        raise PermissionDenied(_("Only the labour inspection office may do this."))


def _is_head(user):
    return user is not None and (user.is_superuser or user.role in (Role.OFFICE_HEAD, Role.ADMIN))


def _day(value, field, default=None):
    value = value or default
    if value is None:
        raise ValidationError({field: [_("This field is required.")]})
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            raise ValidationError({field: [_("Enter a date as YYYY-MM-DD.")]})
    if value > timezone.localdate():
        raise ValidationError({field: [_("The date cannot be in the future.")]})
    return value


def _text(value, field, message=None):
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message or _("This field is required.")]})
    return value


def refresh_enterprise_effects(enterprise, as_of=None):
    """The deposit requirement and warnings of the projects it contracts, and its rating, follow a listing change."""
    from projects.models import Project
    from projects.services import project_refresh

    for project in Project.objects.filter(general_contractor=enterprise):
        project_refresh(project=project, as_of=as_of)
    rating_compute(enterprise=enterprise, today=as_of)


# =================================================================================================
# Listing
# =================================================================================================

def check_criteria(case, basis, incident=None, as_of=None):
    """Decree 45 art. 5: an order to pay ignored AND (criminal threshold OR a group/extreme incident)."""
    as_of = as_of or timezone.localdate()
    if not case.order_issued_on:
        raise ListingConflict(_("The case has no written order to pay: a listing needs an order that was ignored."),
                              ListingErrorCode.ORDER_NOT_IGNORED)
    if not case.order_ignored(as_of):
        raise ListingConflict(
            _("The order to pay was not ignored: its deadline %(day)s has not passed or the wages were paid by then.")
            % {"day": case.order_pay_by.isoformat()}, ListingErrorCode.ORDER_NOT_IGNORED)
    if basis == Basis.THRESHOLD and not case.criminal_threshold_met():
        raise ListingConflict(_("The amount owed does not reach the region's criminal threshold."),
                              ListingErrorCode.BASIS_NOT_MET)
    if basis == Basis.INCIDENT:
        if incident is not None and incident.case_id != case.pk:
            raise ListingConflict(_("The incident is not linked to this case."), ListingErrorCode.BASIS_NOT_MET)
        if incident is None and not Incident.objects.filter(case=case).exists():
            raise ListingConflict(_("No emergency incident is linked to the case."), ListingErrorCode.BASIS_NOT_MET)


def listing_propose(*, case, user, subject_type, basis, name="", uscc="", id_number="", person_role="", notified_on=None,
                    incident=None, facts=""):
    """Propose a subject for the list and record the advance notice (告知书) served on `notified_on`."""
    from inspections.choices import DocumentKind
    from inspections.services import next_document_number

    _may_act(user, "blacklist.add_listing")
    if subject_type not in SubjectType.values:
        raise ValidationError({"subject_type": [_("Choose one of: %s.") % ", ".join(SubjectType.values)]})
    if basis not in Basis.values:
        raise ValidationError({"basis": [_("Choose one of: %s.") % ", ".join(Basis.values)]})
    notified_on = _day(notified_on, "notified_on", timezone.localdate())
    enterprise = case.enterprise
    if subject_type == SubjectType.ENTERPRISE:
        uscc = normalize_uscc(uscc or enterprise.uscc)
        try:
            validate_uscc(uscc)
        except ValidationError as error:
            raise ValidationError({"uscc": error.messages})
        if uscc != enterprise.uscc:
            raise ValidationError({"uscc": [_("The enterprise listed is the case's enterprise (%(uscc)s).")
                                             % {"uscc": enterprise.uscc}]})
        name = (name or "").strip() or enterprise.name
        id_number, person_role = "", ""
    else:
        if not id_number:
            raise ValidationError({"id_number": [_("A person is identified by the resident ID number.")]})
        id_number = normalize_id_number(id_number)
        try:
            validate_id_number(id_number)
        except ValidationError as error:
            raise ValidationError({"id_number": error.messages})
        name = _text(name, "name")
        if person_role and person_role not in PersonRole.values:
            raise ValidationError({"person_role": [_("Choose one of: %s.") % ", ".join(PersonRole.values)]})
        if not person_role:
            person_role = (PersonRole.LEGAL_REPRESENTATIVE if id_number == enterprise.legal_representative_id_number
                           else PersonRole.RESPONSIBLE)
        uscc = ""
    with transaction.atomic():
        case = ArrearsCase.objects.select_for_update().select_related("enterprise").get(pk=case.pk)
        check_criteria(case, basis, incident, as_of=notified_on)
        identifier = Q(uscc=uscc) if subject_type == SubjectType.ENTERPRISE else Q(id_number=id_number)
        if Listing.objects.filter(identifier, case=case).current().exists():
            raise ListingConflict(_("This subject is already notified or listed for this case."),
                                  ListingErrorCode.ALREADY_LISTED)
        if basis == Basis.INCIDENT and incident is None:
            incident = Incident.objects.filter(case=case).order_by("occurred_at").first()
        listing = Listing(
            case=case, region=case.region, industry=case.industry, enterprise=enterprise, subject_type=subject_type,
            person_role=person_role, name=name, uscc=uscc, id_number=id_number, basis=basis, incident=incident,
            facts=(facts or "").strip() or case_facts(case), notified_on=notified_on,
            objection_due=add_working_days(notified_on, OBJECTION_WORKING_DAYS), proposed_by=user,
            notice_number=next_document_number(office_code=case.region_id, kind=DocumentKind.LISTING_NOTICE,
                                               year=notified_on.year),
        )
        listing.full_clean()
        listing.save()
        _event(listing, ListingEventType.PROPOSED, user, notice=listing.notice_number,
               notified_on=notified_on.isoformat(), objection_due=listing.objection_due.isoformat())
    return listing


def listing_object(*, listing, user, text, received_on=None):
    """Record an objection (陈述申辩) received within the objection period."""
    _may_act(user)
    text = _text(text, "text")
    received_on = _day(received_on, "received_on", timezone.localdate())
    with transaction.atomic():
        listing = _lock(listing)
        if listing.status != ListingStatus.NOTIFIED:
            raise ListingConflict(_("Objections are received only during the objection period."))
        if received_on < listing.notified_on:
            raise ValidationError({"received_on": [_("The objection cannot precede the notice.")]})
        if received_on > listing.objection_due:
            raise ListingConflict(_("The objection period ended on %(day)s.") % {"day": listing.objection_due.isoformat()},
                                  ListingErrorCode.OBJECTION_PERIOD)
        objection = Objection(listing=listing, received_on=received_on, text=text)
        objection.full_clean()
        objection.save()
        _event(listing, ListingEventType.OBJECTION, user, text, objection=objection.pk, received_on=received_on.isoformat())
    return objection


def objection_review(*, objection, user, outcome, review):
    """Review an objection: upheld withdraws the listing; rejected lets the decision go ahead."""
    _may_act(user)
    review = _text(review, "review")
    if outcome not in (ObjectionOutcome.UPHELD, ObjectionOutcome.REJECTED):
        raise ValidationError({"outcome": [_("Choose one of: %s.") % "upheld, rejected"]})
    with transaction.atomic():
        listing = _lock(objection.listing)
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if objection.outcome != ObjectionOutcome.PENDING or listing.status != ListingStatus.NOTIFIED:
            raise ListingConflict(_("This objection was already reviewed."))
        today = timezone.localdate()
        objection.outcome, objection.review, objection.reviewed_on, objection.reviewed_by = outcome, review, today, user
        objection.save()
        _event(listing, ListingEventType.REVIEWED, user, review, objection=objection.pk, outcome=outcome)
        if outcome == ObjectionOutcome.UPHELD:
            listing.status, listing.ended_on = ListingStatus.WITHDRAWN, today
            listing.save()
            _event(listing, ListingEventType.WITHDRAWN, user, review)
    return objection


def listing_decide(*, listing, user, decided_on=None, comment=""):
    """The decision (认定): listed for 3 years from `decided_on`, published the same day. Only after the
    objection period has passed and every objection was reviewed."""
    from inspections.choices import DocumentKind
    from inspections.services import next_document_number

    _may_act(user)
    decided_on = _day(decided_on, "decided_on", timezone.localdate())
    with transaction.atomic():
        listing = _lock(listing)
        if listing.status != ListingStatus.NOTIFIED:
            raise ListingConflict(_("Only a notified listing can be decided (this one is “%(s)s”).")
                                  % {"s": listing.get_status_display()})
        if decided_on <= listing.objection_due:
            raise ListingConflict(
                _("The objection period runs until %(day)s: decide from the next day.") % {"day": listing.objection_due.isoformat()},
                ListingErrorCode.OBJECTION_PERIOD)
        if listing.objections.filter(outcome=ObjectionOutcome.PENDING).exists():
            raise ListingConflict(_("Review the objection before deciding."), ListingErrorCode.OBJECTION_PENDING)
        listing.status = ListingStatus.LISTED
        listing.listed_on = listing.published_on = decided_on
        listing.expires_on = add_years(decided_on, TERM_YEARS)
        listing.decided_by = user
        listing.decision_number = next_document_number(office_code=listing.region_id, kind=DocumentKind.LISTING_DECISION,
                                                       year=decided_on.year)
        listing.save()
        _event(listing, ListingEventType.LISTED, user, comment, decision=listing.decision_number,
               listed_on=decided_on.isoformat(), expires_on=listing.expires_on.isoformat())
        _event(listing, ListingEventType.PUBLISHED, user, published_on=decided_on.isoformat())
        refresh_enterprise_effects(listing.enterprise)
    return listing


def listing_remove(*, listing, user, reason, pledge, removed_on=None):
    """Early removal after credit repair (信用修复): the case is cleared, at least 6 months have passed
    since it was cleared, and the subject gave a written credit pledge."""
    _may_act(user)
    if reason != RemovalReason.CREDIT_REPAIR:
        raise ValidationError({"reason": [_("Choose one of: %s.") % ", ".join(RemovalReason.values)]})
    pledge = _text(pledge, "pledge", _("Early removal needs the written credit pledge."))
    removed_on = _day(removed_on, "removed_on", timezone.localdate())
    with transaction.atomic():
        listing = _lock(listing)
        if listing.status != ListingStatus.LISTED:
            raise ListingConflict(_("Only a listing in force can be removed (this one is “%(s)s”).")
                                  % {"s": listing.get_status_display()})
        case = listing.case
        if case.status != CaseStatus.CLEARED or not case.cleared_on:
            raise ListingConflict(_("The arrears of the case are not cleared: credit repair needs them paid."),
                                  ListingErrorCode.REPAIR_NOT_ALLOWED)
        earliest = add_months(case.cleared_on, REPAIR_MONTHS)
        if removed_on < earliest:
            raise ListingConflict(
                _("The case was cleared on %(cleared)s: early removal is possible from %(day)s (6 months later).")
                % {"cleared": case.cleared_on.isoformat(), "day": earliest.isoformat()}, ListingErrorCode.REPAIR_NOT_ALLOWED)
        listing.status = ListingStatus.REMOVED
        listing.removed_on = listing.ended_on = removed_on
        listing.removal_reason, listing.pledge = reason, pledge
        listing.save()
        _event(listing, ListingEventType.REMOVED, user, pledge, removed_on=removed_on.isoformat(), reason=reason)
        refresh_enterprise_effects(listing.enterprise)
    return listing


def listings_expire(*, today=None, job="blacklist.expire_listings"):
    """Daily: listings whose 3-year term has run out leave the list. Returns how many."""
    today = today or timezone.localdate()
    count = 0
    for pk in Listing.objects.filter(status=ListingStatus.LISTED, expires_on__lte=today).values_list("pk", flat=True):
        with transaction.atomic():
            listing = Listing.objects.select_for_update().select_related("enterprise").get(pk=pk)
            if listing.status != ListingStatus.LISTED or listing.expires_on > today:
                continue
            listing.status, listing.ended_on = ListingStatus.EXPIRED, listing.expires_on
            listing.save()
            _event(listing, ListingEventType.EXPIRED, None, job=job, expires_on=listing.expires_on.isoformat())
            refresh_enterprise_effects(listing.enterprise, as_of=today)
            count += 1
    return count


def listing_note(*, listing, user, comment):
    _may_act(user)
    return _event(listing, ListingEventType.NOTE, user, _text(comment, "comment"))


def case_facts(case):
    """The facts of a case as an official text (Chinese, as published)."""
    project = f"在“{case.project.name}”项目" if case.project_id else ""
    text = f"{case.enterprise.name}{project}拖欠{case.workers_owed}名劳动者工资共计{case.amount_owed:,.2f}元"
    if case.order_issued_on:
        text += f"，经劳动保障监察机构于{case.order_issued_on:%Y年%m月%d日}责令限期于{case.order_pay_by:%Y年%m月%d日}前支付，逾期仍未支付"
    return text + "。"


# --- Pushes to the credit-information platform ---------------------------------------------------

EXPORT_FORMAT = "wagecase.credit-export/1"


def _pending_exports(listings):
    """(listing, action) pairs not yet sent: a decision once listed, then its removal or expiry."""
    sent = CreditExportEntry.objects.filter(listing=OuterRef("pk"))
    pairs = []
    ever_listed = listings.filter(listed_on__isnull=False).select_related("region", "enterprise")
    for action, statuses in ((ExportAction.LIST, None), (ExportAction.REMOVE, [ListingStatus.REMOVED]),
                             (ExportAction.EXPIRE, [ListingStatus.EXPIRED])):
        qs = ever_listed.annotate(sent=Exists(sent.filter(action=action))).filter(sent=False)
        if statuses:
            qs = qs.filter(status__in=statuses)
        pairs += [(listing, action) for listing in qs.order_by("pk")]
    return pairs


def export_record(listing, action):
    """One listing as the credit-information platform takes it (full identifiers: the platform needs them)."""
    return {
        "action": str(action),
        "list": LIST_NAME,
        "subject_type": listing.subject_type,
        "person_role": listing.person_role or None,
        "name": listing.name,
        "uscc": listing.uscc or None,
        "id_number": listing.id_number or None,
        "enterprise": {"name": listing.enterprise.name, "uscc": listing.enterprise.uscc},
        "basis": listing.basis,
        "facts": listing.facts,
        "deciding_office": listing.region_id,
        "deciding_office_name": listing.region.full_name or listing.region.name,
        "notice_number": listing.notice_number,
        "decision_number": listing.decision_number,
        "listed_on": listing.listed_on.isoformat() if listing.listed_on else None,
        "expires_on": listing.expires_on.isoformat() if listing.expires_on else None,
        "ended_on": listing.ended_on.isoformat() if listing.ended_on and action != ExportAction.LIST else None,
        "removal_reason": listing.removal_reason or None if action == ExportAction.REMOVE else None,
    }


def credit_export_create(*, user, region=None):
    """Send what changed since the office's last push: one JSON file, every entry recorded, so nothing
    is sent twice. Needs the personal-data permission (the file carries full ID numbers); logged."""
    from wagecase.core.pii import can_view_pii, pii_log_access

    _may_act(user)
    if user is not None and not can_view_pii(user):
        raise PermissionDenied(_("The export carries full ID numbers: it needs the personal-data permission."))
    region = region or (Region.objects.get(pk=user.scope_prefix) if user is not None and user.scope_prefix else None)
    if region is None:
        raise ValidationError({"region_code": [_("Choose the office (a region code).")]})
    with transaction.atomic():
        listings = Listing.objects.filter(region__code__startswith=region.code)
        if user is not None:
            listings = listings.restrict(user, "view")
        pairs = _pending_exports(listings)
        if not pairs:
            raise ListingConflict(_("Nothing new to send: every decision, removal and expiry was already exported."),
                                  "nothing_to_export")
        now = timezone.now()
        payload = {
            "format": EXPORT_FORMAT, "office": region.code, "office_name": region.name,
            "created": now.isoformat(), "count": len(pairs),
            "entries": [export_record(listing, action) for listing, action in pairs],
        }
        export = CreditExport(region=region, created=now, created_by=user, entry_count=len(pairs))
        export.file.save(f"credit-export-{region.code}-{timezone.localtime(now):%Y%m%d-%H%M%S}.json",
                         ContentFile(json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")), save=False)
        export.save()
        CreditExportEntry.objects.bulk_create(
            [CreditExportEntry(export=export, listing=listing, action=action) for listing, action in pairs])
        for listing, action in pairs:
            _event(listing, ListingEventType.EXPORTED, user, export=export.pk, action=str(action))
        persons = [(listing, "id_number") for listing, _a in pairs if listing.id_number]
        if persons and user is not None:
            pii_log_access(user=user, objects_fields=persons, channel="export")
    return export


# =================================================================================================
# Publication of major violations (Decree 29)
# =================================================================================================

def _quarter_end(year, quarter):
    return add_months(datetime.date(year, 3 * quarter - 2, 1), 3) - datetime.timedelta(days=1)


def publication_reason(case, as_of):
    """Why a case is a major violation by `as_of`, or None: referred for prosecution, or an ignored
    order to pay on arrears reaching the criminal threshold (数额较大)."""
    referral = getattr(case, "referral", None)
    if referral is not None and referral.referred_on <= as_of and referral.status != ReferralStatus.WITHDRAWN:
        return PublicationReason.PROSECUTION
    if case.order_pay_by and case.order_pay_by < as_of and case.order_ignored(as_of) and case.criminal_threshold_met():
        return PublicationReason.LARGE_ARREARS
    return None


def publication_candidates(*, region_code, year, quarter, user=None):
    """Cases of the office's region that qualify by the quarter's end and were never published."""
    end = _quarter_end(year, quarter)
    cases = ArrearsCase.objects.filter(region__code__startswith=region_code, occurred_on__lte=end)
    if user is not None:
        cases = cases.restrict(user)
    cases = (cases.filter(Q(referral__isnull=False) | Q(order_pay_by__lt=end))
             .exclude(publications__isnull=False)
             .select_related("enterprise", "project", "referral").prefetch_related("payments"))
    return [(case, reason) for case in cases.order_by("occurred_on", "pk") if (reason := publication_reason(case, end))]


def case_handling(case, reason):
    parts = []
    if case.order_issued_on:
        parts.append(f"{case.order_issued_on:%Y年%m月%d日}下达限期支付指令")
    if case.compensation_percent:
        parts.append(f"责令按应付金额{case.compensation_percent}%加付赔偿金")
    referral = getattr(case, "referral", None) if reason == PublicationReason.PROSECUTION else None
    if referral is not None:
        parts.append(f"{referral.referred_on:%Y年%m月%d日}涉嫌拒不支付劳动报酬罪移送{referral.police_unit}")
    if case.listings.filter(status=ListingStatus.LISTED).exists():
        parts.append("列入拖欠农民工工资失信联合惩戒对象名单")
    if case.status == CaseStatus.CLEARED:
        parts.append(f"{case.cleared_on:%Y年%m月%d日}已全部清偿")
    else:
        parts.append(f"已支付{case.amount_paid:,.2f}元，尚欠{case.amount_outstanding:,.2f}元，正在督促清偿")
    return "；".join(parts) + "。"


def _entry_for(batch, case, reason):
    enterprise = case.enterprise
    return PublicationEntry(
        batch=batch, case=case, reason=reason, enterprise_name=enterprise.name, uscc=enterprise.uscc,
        address=enterprise.address, legal_representative=enterprise.legal_representative,
        facts=case_facts(case), handling=case_handling(case, reason),
    )


def batch_create(*, user, region, year, quarter):
    """Prepare the quarter's batch with every qualifying case (the clerk can take entries out)."""
    _may_act(user, "blacklist.add_publicationbatch")
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": [_("Choose a quarter from 1 to 4.")]})
    if len(region.code) not in (4, 6):
        raise ValidationError({"region_code": [_("County and city offices publish: give a 4- or 6-digit code.")]})
    if user is not None and user.scope_prefix and not region.code.startswith(user.scope_prefix):
        raise ValidationError({"region_code": [_("This region is outside your jurisdiction.")]})
    with transaction.atomic():
        if PublicationBatch.objects.filter(region=region, year=year, quarter=quarter).exists():
            raise ListingConflict(_("This office's batch for the quarter exists."), BatchErrorCode.BATCH_EXISTS)
        quarter_name = "一二三四"[quarter - 1]
        try:
            with transaction.atomic():
                batch = PublicationBatch.objects.create(
                    region=region, year=year, quarter=quarter, created_by=user,
                    title=f"{region.name}{year}年第{quarter_name}季度重大劳动保障违法行为社会公布")
        except IntegrityError:  # the same batch created at the same moment by someone else
            raise ListingConflict(_("This office's batch for the quarter exists."), BatchErrorCode.BATCH_EXISTS)
        entries = [_entry_for(batch, case, reason)
                   for case, reason in publication_candidates(region_code=region.code, year=year, quarter=quarter, user=user)]
        for entry in entries:
            entry.full_clean()
            entry.save()
    return batch


def _lock_batch(batch):
    return PublicationBatch.objects.select_for_update().get(pk=batch.pk)


def batch_entry_add(*, batch, case, user):
    _may_act(user, "blacklist.change_publicationbatch")
    with transaction.atomic():
        batch = _lock_batch(batch)
        if batch.status != BatchStatus.DRAFT:
            raise ListingConflict(_("Entries change only while the batch is a draft."), BatchErrorCode.WRONG_STATE)
        if not case.region_id.startswith(batch.region_id):
            raise ValidationError({"case": [_("The case lies outside the office's region.")]})
        reason = publication_reason(case, batch.period_end)
        if reason is None:
            raise ListingConflict(_("The case is not a major violation: it needs a referral for prosecution or an "
                                    "ignored order on arrears over the criminal threshold."), ListingErrorCode.BASIS_NOT_MET)
        if PublicationEntry.objects.filter(case=case).exists():
            raise ListingConflict(_("The case was already proposed for publication."), ListingErrorCode.ALREADY_LISTED)
        entry = _entry_for(batch, case, reason)
        entry.full_clean()
        entry.save()
    return entry


def batch_entry_remove(*, entry, user):
    _may_act(user, "blacklist.change_publicationbatch")
    with transaction.atomic():
        batch = _lock_batch(entry.batch)
        if batch.status != BatchStatus.DRAFT:
            raise ListingConflict(_("Entries change only while the batch is a draft."), BatchErrorCode.WRONG_STATE)
        entry.delete()


def batch_review(*, batch, user):
    _may_act(user, "blacklist.change_publicationbatch")
    with transaction.atomic():
        batch = _lock_batch(batch)
        if batch.status != BatchStatus.DRAFT:
            raise ListingConflict(_("Only a draft batch is reviewed."), BatchErrorCode.WRONG_STATE)
        if not batch.entries.exists():
            raise ListingConflict(_("The batch has no entries."), BatchErrorCode.EMPTY)
        batch.status, batch.reviewed_by, batch.reviewed_on = BatchStatus.REVIEWED, user, timezone.localdate()
        batch.save()
    return batch


def batch_approve(*, batch, user):
    """Approval by the office head, who is not the reviewer."""
    _may_act(user, "blacklist.change_publicationbatch")
    if not _is_head(user):
        raise PermissionDenied(_("The office head approves a publication."))
    with transaction.atomic():
        batch = _lock_batch(batch)
        if batch.status != BatchStatus.REVIEWED:
            raise ListingConflict(_("Only a reviewed batch is approved."), BatchErrorCode.WRONG_STATE)
        if batch.reviewed_by_id == user.pk:
            raise ListingConflict(_("The reviewer cannot also approve."), BatchErrorCode.SAME_PERSON)
        batch.status, batch.approved_by, batch.approved_on = BatchStatus.APPROVED, user, timezone.localdate()
        batch.save()
    return batch


def batch_publish(*, batch, user, published_on=None):
    _may_act(user, "blacklist.change_publicationbatch")
    published_on = _day(published_on, "published_on", timezone.localdate())
    with transaction.atomic():
        batch = _lock_batch(batch)
        if batch.status != BatchStatus.APPROVED:
            raise ListingConflict(_("Only an approved batch is published."), BatchErrorCode.WRONG_STATE)
        batch.status, batch.published_on = BatchStatus.PUBLISHED, published_on
        batch.save()
    return batch


# =================================================================================================
# Labour-compliance rating (守法诚信等级)
# =================================================================================================

RATING_RULES = """\
C (serious violations) when, as of the day of computation, any of:
  - the enterprise (or its legal representative) is on the credit-punishment list in force;
  - a case of the enterprise was referred to the police for refusal to pay (within 3 years);
  - two or more of its orders to pay were ignored within 3 years.
B (basically law-abiding), when not C, and any of:
  - an arrears case of the enterprise is open, or one arose within the last 2 years;
  - an order to pay was ignored within 3 years;
  - a rectification order to it was escalated (not rectified) within 2 years, or is overdue now;
  - a listing of it ended (removed or expired) within the last year.
A (law-abiding) otherwise; inspections without findings keep an enterprise at A.
"""


def rating_reasons(enterprise, today=None):
    """(rating, [reasons]) by RATING_RULES, from a handful of aggregate queries."""
    from inspections.choices import OrderStatus
    from inspections.models import RectificationOrder

    today = today or timezone.localdate()
    three_years, two_years, one_year = add_years(today, -3), add_years(today, -2), add_years(today, -1)
    c, b = [], []
    in_force = Listing.objects.filter(enterprise=enterprise, status=ListingStatus.LISTED, listed_on__lte=today,
                                      expires_on__gt=today)
    if in_force.exists():
        c.append(_("On the credit-punishment list until %(day)s.") % {"day": max(in_force.values_list("expires_on", flat=True))})
    referrals = CriminalReferral.objects.filter(case__enterprise=enterprise, referred_on__gte=three_years,
                                                referred_on__lte=today).count()
    if referrals:
        c.append(_("%(n)s case(s) referred to the police for refusal to pay in the last 3 years.") % {"n": referrals})
    cases = list(ArrearsCase.objects.filter(enterprise=enterprise).filter(Q(status=CaseStatus.OPEN) | Q(occurred_on__gte=three_years))
                 .prefetch_related("payments").only("pk", "status", "occurred_on", "order_pay_by", "amount_owed"))
    ignored = [case for case in cases if case.order_pay_by and case.order_pay_by >= three_years and case.order_ignored(today)]
    if len(ignored) >= 2:
        c.append(_("%(n)s orders to pay ignored in the last 3 years.") % {"n": len(ignored)})
    elif ignored:
        b.append(_("An order to pay was ignored in the last 3 years."))
    open_cases = sum(1 for case in cases if case.status == CaseStatus.OPEN)
    recent = sum(1 for case in cases if case.occurred_on >= two_years)
    if open_cases:
        b.append(_("%(n)s arrears case(s) open.") % {"n": open_cases})
    elif recent:
        b.append(_("%(n)s arrears case(s) in the last 2 years.") % {"n": recent})
    orders = RectificationOrder.objects.filter(enterprise=enterprise)
    escalated = orders.filter(status=OrderStatus.ESCALATED, issued_on__gte=two_years).count()
    overdue = orders.filter(status__in=(OrderStatus.OPEN, OrderStatus.OVERDUE), rectify_by__lt=today).count()
    if escalated:
        b.append(_("%(n)s rectification order(s) not rectified and escalated in the last 2 years.") % {"n": escalated})
    if overdue:
        b.append(_("%(n)s rectification order(s) overdue.") % {"n": overdue})
    ended = Listing.objects.filter(enterprise=enterprise, status__in=(ListingStatus.REMOVED, ListingStatus.EXPIRED),
                                   ended_on__gte=one_year).exists()
    if ended and not in_force.exists():
        b.append(_("Left the credit-punishment list within the last year."))
    if c:
        return CreditRating.C, c + b
    if b:
        return CreditRating.B, b
    return CreditRating.A, [_("No arrears, ignored orders, unrectified findings or listings on record.")]


def rating_compute(*, enterprise, today=None):
    """Recompute and store an enterprise's rating; the adjusted one, if any, stays in force."""
    today = today or timezone.localdate()
    computed, reasons = rating_reasons(enterprise, today)
    with transaction.atomic():
        rating = EnterpriseRating.objects.select_for_update().filter(enterprise=enterprise).first()
        if rating is None:
            rating = EnterpriseRating(enterprise=enterprise)
        if (rating.pk and rating.computed == computed and rating.reasons == [str(r) for r in reasons]):
            if rating.computed_on != today:
                EnterpriseRating.objects.filter(pk=rating.pk).update(computed_on=today)
        else:
            rating.computed, rating.reasons, rating.computed_on = computed, [str(r) for r in reasons], today
            rating.save()
        if enterprise.credit_rating != rating.rating:
            Enterprise.objects.filter(pk=enterprise.pk).update(credit_rating=rating.rating)
            enterprise.credit_rating = rating.rating
    return rating


def ratings_recompute(*, today=None):
    """Daily: every enterprise with a record (cases, orders, listings) or a stored rating."""
    from inspections.models import RectificationOrder

    ids = set(ArrearsCase.objects.values_list("enterprise_id", flat=True))
    ids |= set(RectificationOrder.objects.values_list("enterprise_id", flat=True))
    ids |= set(Listing.objects.values_list("enterprise_id", flat=True))
    ids |= set(EnterpriseRating.objects.values_list("enterprise_id", flat=True))
    count = 0
    for enterprise in Enterprise.objects.filter(pk__in=ids).iterator():
        rating_compute(enterprise=enterprise, today=today)
        count += 1
    return count


def rating_adjust(*, enterprise, user, rating, reason):
    """The office head sets the rating by hand, with the reason recorded; `rating=""` returns to the computed one."""
    if not _is_head(user):
        raise PermissionDenied(_("Only the office head adjusts a rating."))
    if rating and rating not in CreditRating.values:
        raise ValidationError({"rating": [_("Choose one of: %s.") % ", ".join(CreditRating.values)]})
    reason = _text(reason, "reason", _("Give the reason for the adjustment."))
    with transaction.atomic():
        current = rating_compute(enterprise=enterprise)
        current = EnterpriseRating.objects.select_for_update().get(pk=current.pk)
        current.adjusted, current.adjustment_reason = rating or "", reason
        current.adjusted_by, current.adjusted_on = user, timezone.localdate()
        current.save()
        Enterprise.objects.filter(pk=enterprise.pk).update(credit_rating=current.rating)
        enterprise.credit_rating = current.rating
    return current


# --- Effects elsewhere ----------------------------------------------------------------------------

def enterprises_listed(enterprise_ids, as_of):
    """For projects.deposit.BLACKLIST_CHECKS: which of these enterprises are themselves (not their
    people) on the list in force on `as_of`. One query for any number of enterprises."""
    return set(Listing.objects.filter(enterprise_id__in=list(enterprise_ids), subject_type=SubjectType.ENTERPRISE,
                                      status=ListingStatus.LISTED, listed_on__lte=as_of, expires_on__gt=as_of)
               .values_list("enterprise_id", flat=True))


def listed_enterprise_ids(enterprise_ids, today=None):
    """Which of these enterprises are on the list in force (one query, for flags on lists and pages)."""
    today = today or timezone.localdate()
    return set(Listing.objects.in_force(today).filter(enterprise_id__in=list(enterprise_ids))
               .values_list("enterprise_id", flat=True))
