"""Service functions of reports: request a report (once per kind, region and period), generate it
in the background (status, progress, the reason of a failure, retry), and the scheduled runs.

Periods: a weekly report runs Monday–Sunday (week_start must be a Monday); a monthly one a calendar
month; a quarterly bulletin a calendar quarter."""
import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wagecase.core.choices import Role
from wagecase.core.models import Region, User

from wagecase.core.choices import SignCapacity

from .choices import ReportErrorCode, ReportKind, ReportStatus
from .models import Report, ReportSignature

logger = logging.getLogger(__name__)


class ReportConflict(ValidationError):
    """Not allowed in the report's current state (409 `{detail, code}`)."""

    def __init__(self, message, code):
        super().__init__(message, code=str(code))
        self.detail = message
        self.error_code = str(code)


def add_months(day, months):
    index = day.month - 1 + months
    return datetime.date(day.year + index // 12, index % 12 + 1, 1)


def period_of(kind, start):
    """(start, end) of the report's period, or ValidationError if `start` does not begin one."""
    if kind == ReportKind.WEEKLY:
        if start.weekday() != 0:
            raise ValidationError({"week_start": [_("A weekly report starts on a Monday.")]})
        return start, start + datetime.timedelta(days=6)
    if kind == ReportKind.MONTHLY:
        if start.day != 1:
            raise ValidationError({"month": [_("A monthly report starts on the first day of a month.")]})
        return start, add_months(start, 1) - datetime.timedelta(days=1)
    if kind == ReportKind.QUARTERLY:
        if start.day != 1 or start.month not in (1, 4, 7, 10):
            raise ValidationError({"quarter": [_("A quarterly bulletin starts on the first day of a quarter.")]})
        return start, add_months(start, 3) - datetime.timedelta(days=1)
    raise ValidationError({"kind": [_("Unknown report kind.")]})


def _check_region(region, user):
    if len(region.code) not in (2, 4, 6):
        raise ValidationError({"region_code": [_("Reports are made for a county, a city or the province.")]})
    if user is not None:
        if user.is_bureau or user.scope_prefix is None:
            raise PermissionDenied(_("Reports are the wage-arrears office's."))
        if not region.code.startswith(user.scope_prefix):
            # Outside the jurisdiction: the same answer as a region that does not exist.
            raise Region.DoesNotExist


def report_request(*, kind, region, period_start, user=None, regenerate=False):
    """The report of (kind, region, period): made and queued when new; queued again when it failed or
    `regenerate` is asked. Never two reports of the same period. Returns (report, queued)."""
    start, end = period_of(kind, period_start)
    _check_region(region, user)
    if start > timezone.localdate():
        raise ValidationError({"week_start" if kind == ReportKind.WEEKLY else "period": [
            _("The period has not started yet.")]})
    with transaction.atomic():
        report, created = Report.objects.select_for_update().get_or_create(
            kind=kind, region=region, period_start=start,
            defaults={"period_end": end, "requested_by": user, "status": ReportStatus.PENDING})
        queue = created or report.status == ReportStatus.FAILED or (regenerate and report.status == ReportStatus.DONE)
        if queue and report.submitted_at:
            raise ReportConflict(_("The report was submitted: it is not generated again."), ReportErrorCode.SUBMITTED)
        if queue and not created:
            # New figures: the signatures given to the old ones no longer hold.
            for signature in report.signatures.all():
                signature.delete()
            report.status, report.error, report.progress = ReportStatus.PENDING, "", 0
            report.requested_by = user or report.requested_by
            report.save()
        if queue:
            transaction.on_commit(lambda: _enqueue(report.pk))
    return report, queue


def _enqueue(report_id):
    from .tasks import generate_report

    generate_report.delay(report_id)


def report_generate(*, report_id, today=None):
    """Compute the figures and write the xlsx. A failure is recorded with its reason (and can be retried
    with report_request); a report already done or running is left alone."""
    from . import dispatch, excel

    updated = Report.objects.filter(pk=report_id, status=ReportStatus.PENDING).update(
        status=ReportStatus.RUNNING, progress=0, error="")
    report = Report.objects.select_related("region").get(pk=report_id)
    if not updated:
        return report
    Report.objects.filter(pk=report.pk).update(attempts=report.attempts + 1)
    steps = {"done": 0}

    def progress():
        steps["done"] += 1
        Report.objects.filter(pk=report.pk).update(progress=min(90, steps["done"] * 15))

    try:
        rows, totals = dispatch.dispatch_rows(report.region, report.period_start, report.period_end, today=today,
                                              progress=progress)
        signatures = signature_lines(report)
        content = excel.dispatch_xlsx(report, rows, totals, signatures)
    except Exception as exc:  # recorded on the report: the office sees why and retries
        logger.exception("report %s failed", report.pk)
        Report.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED, error=f"{type(exc).__name__}: {exc}")
        report.refresh_from_db()
        return report
    report.refresh_from_db()
    if report.file:
        report.file.delete(save=False)
    report.file.save(excel.filename(report), ContentFile(content), save=False)
    report.figures = {"rows": [{"region_code": code, "region_name": name, **_json(values)} for code, name, values in rows],
                      "totals": _json(totals)}
    report.status, report.progress, report.generated_at = ReportStatus.DONE, 100, timezone.now()
    report.save()
    return report


def _json(values):
    return {key: (str(value) if not isinstance(value, int) else value) for key, value in values.items()}


def signature_lines(report):
    """[(capacity label, name, signed at)] of the report's signatures, locality first."""
    labels = dict(SignCapacity.choices)
    chinese = {SignCapacity.LOCALITY: "属地负责人", SignCapacity.DEPARTMENT: "部门负责人"}
    signatures = sorted(report.signatures.select_related("user"), key=lambda s: SignCapacity.values.index(s.capacity))
    return [(chinese.get(s.capacity, str(labels.get(s.capacity))), str(s.user), s.signed_at) for s in signatures]


def _rerender(report):
    """Write the file again from the stored figures, with the signatures as they are now."""
    from decimal import Decimal

    from . import excel
    from .dispatch import MONEY_KEYS, RATE_KEYS

    def values(raw):
        return {key: Decimal(value) if key in MONEY_KEYS | RATE_KEYS else value for key, value in raw.items()
                if key not in ("region_code", "region_name")}

    rows = [(row["region_code"], row["region_name"], values(row)) for row in report.figures.get("rows", [])]
    content = excel.dispatch_xlsx(report, rows, values(report.figures.get("totals", {})), signature_lines(report))
    old = report.file.name
    report.file.save(excel.filename(report), ContentFile(content), save=False)
    Report.objects.filter(pk=report.pk).update(file=report.file.name)
    if old and old != report.file.name:
        report.file.storage.delete(old)


def report_sign(*, report, user, capacity=None):
    """Sign a generated report as the locality's or the department's responsible person of its region
    (the user's `signs_for` and jurisdiction say who may). The signature is printed on the document."""
    capacity = capacity or user.signs_for
    if capacity not in SignCapacity.values:
        raise ValidationError({"capacity": [_("Choose one of: %s.") % ", ".join(SignCapacity.values)]})
    if user.signs_for != capacity or user.jurisdiction_id != report.region_id:
        raise PermissionDenied(_("Only the %(capacity)s of %(region)s signs this report.")
                               % {"capacity": SignCapacity(capacity).label, "region": report.region.name})
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("region").get(pk=report.pk)
        if report.status != ReportStatus.DONE:
            raise ReportConflict(_("Sign the report once it is generated."), ReportErrorCode.NOT_READY)
        if report.submitted_at:
            raise ReportConflict(_("The report was already submitted."), ReportErrorCode.SUBMITTED)
        existing = {s.capacity: s for s in report.signatures.all()}
        if capacity in existing:
            raise ReportConflict(_("This signature is already given (by %(name)s).") % {"name": existing[capacity].user},
                                 ReportErrorCode.ALREADY_SIGNED)
        if any(s.user_id == user.pk for s in existing.values()):
            raise ReportConflict(_("The two signatures need two different people."), ReportErrorCode.SAME_PERSON)
        signature = ReportSignature(report=report, capacity=capacity, user=user, signed_at=timezone.now())
        signature.full_clean()
        signature.save()
        _rerender(report)
    return signature


def report_submit(*, report, user):
    """Send the report up: only with both signatures."""
    if user is not None and (user.is_bureau or not user.has_perm("reports.change_report")):
        raise PermissionDenied(_("Reports are the wage-arrears office's."))
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.submitted_at:
            raise ReportConflict(_("The report was already submitted."), ReportErrorCode.SUBMITTED)
        capacities = set(report.signatures.values_list("capacity", flat=True))
        missing = [SignCapacity(c).label for c in SignCapacity.values if c not in capacities]
        if missing:
            raise ReportConflict(_("Signatures missing: %s.") % "、".join(str(m) for m in missing),
                                 ReportErrorCode.SIGNATURES_MISSING)
        report.submitted_at, report.submitted_by = timezone.now(), user
        report.save()
    return report


def office_regions():
    """The offices that get scheduled reports: the counties and cities that are some active office
    user's jurisdiction."""
    codes = (User.objects.filter(is_active=True, role__in=(Role.INSPECTOR, Role.OFFICE_STAFF, Role.OFFICE_HEAD))
             .exclude(jurisdiction__isnull=True).values_list("jurisdiction_id", flat=True).distinct())
    return Region.objects.filter(code__in=[c for c in codes if len(c) in (4, 6)]).order_by("code")


def scheduled_reports(*, kind, today=None):
    """The beat's run: the previous complete period's report for every office (once; a second run
    the same day changes nothing)."""
    today = today or timezone.localdate()
    if kind == ReportKind.WEEKLY:
        start = today - datetime.timedelta(days=today.weekday() + 7)
    elif kind == ReportKind.MONTHLY:
        start = add_months(today.replace(day=1), -1)
    else:
        quarter_start = today.replace(day=1, month=3 * ((today.month - 1) // 3) + 1)
        start = add_months(quarter_start, -3)
    made = 0
    for region in office_regions():
        _report, queued = report_request(kind=kind, region=region, period_start=start)
        made += bool(queued)
    return made
