"""Campaign daily reporting (日报/零报告): while a campaign has daily reporting on, each county of its
region files its day's figures or a zero report; the figures are compared with what the system
itself recorded that day; the counties that did not file are flagged to the city office.

System figures of a county's day: clues received that day; clues closed that day; distinct projects
inspected that day; workers and wages paid that day on arrears cases; emergency incidents that
occurred that day. Each is one grouped query for all the counties at once."""
import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from wagecase.core.models import Region

from .models import DAILY_FIGURES, DailySubmission


def campaign_counties(campaign):
    """The counties that report for a campaign: the campaign's county, or the counties under its city/province."""
    code = campaign.region_id
    if len(code) >= 6:
        return list(Region.objects.filter(code=code[:6]))
    return list(Region.objects.filter(code__startswith=code, code__regex=r"^\d{6}$").order_by("code"))


def reporting_on(campaign, day):
    return campaign.daily_reporting and campaign.starts_on <= day <= campaign.ends_on


def system_figures(codes, day):
    """{county code: {figure: value}} of what the system recorded on `day`."""
    figures = system_figures_many([(code, day) for code in codes])
    return {code: figures[(code, day)] for code in codes}


def system_figures_many(pairs):
    """{(county code, day): {figure: value}} for many (county, day) pairs: the same five grouped
    queries whatever the number of pairs (a list of submissions of many counties and days)."""
    from complaints.choices import ClueStatus
    from complaints.models import CasePayment, Clue, Incident
    from inspections.models import Inspection

    pairs = list(dict.fromkeys(pairs))
    result = {pair: {key: 0 for key in DAILY_FIGURES} for pair in pairs}
    for pair in pairs:
        result[pair]["amount_paid"] = Decimal("0.00")
    if not pairs:
        return result
    codes, days = {code for code, _day in pairs}, {day for _code, day in pairs}
    received, closed, occurred = (_on_days(field, days) for field in ("received_at", "closed_at", "occurred_at"))

    def merge(rows, key_field, day_field, **names):
        for row in rows:
            target = result.get((row[key_field], row[day_field]))
            if target is not None:
                for name, source in names.items():
                    target[name] = row[source]

    merge(Clue.objects.counted().filter(received, region_id__in=codes).order_by()
          .annotate(d=TruncDate("received_at")).values("region_id", "d").annotate(n=Count("pk")),
          "region_id", "d", clues_received="n")
    merge(Clue.objects.counted().filter(closed, region_id__in=codes, status=ClueStatus.CLOSED).order_by()
          .annotate(d=TruncDate("closed_at")).values("region_id", "d").annotate(n=Count("pk")),
          "region_id", "d", clues_closed="n")
    merge(Inspection.objects.filter(project__region_id__in=codes, inspected_on__in=days).order_by()
          .values("project__region_id", "inspected_on").annotate(n=Count("project", distinct=True)),
          "project__region_id", "inspected_on", projects_inspected="n")
    merge(CasePayment.objects.filter(case__region_id__in=codes, paid_on__in=days).order_by()
          .values("case__region_id", "paid_on")
          .annotate(w=Coalesce(Sum("workers"), 0), a=Coalesce(Sum("amount"), Decimal("0"))),
          "case__region_id", "paid_on", workers_paid="w", amount_paid="a")
    merge(Incident.objects.filter(occurred, region_id__in=codes).order_by()
          .annotate(d=TruncDate("occurred_at")).values("region_id", "d").annotate(n=Count("pk")),
          "region_id", "d", incidents="n")
    for pair in pairs:
        result[pair]["amount_paid"] = Decimal(result[pair]["amount_paid"]).quantize(Decimal("0.01"))
    return result


def _on_days(field, days):
    """A time field on one of `days` (local dates): `__date__in`, which an index cannot serve (it
    converts every row's time), bounded by the first day's start and the last day's end, which an
    index on the time (or the region and the time) can."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(min(days), datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(max(days) + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end, f"{field}__date__in": days})


def differences(submitted, system):
    """[(figure, submitted, system, difference)] for the figures that differ."""
    rows = []
    for key in DAILY_FIGURES:
        mine, theirs = submitted.get(key, 0), system.get(key, 0)
        if mine != theirs:
            rows.append((key, mine, theirs, mine - theirs))
    return rows


def board(campaign, day):
    """Per county: the submission (or None), the system's figures and the differences."""
    counties = campaign_counties(campaign)
    submissions = {s.region_id: s for s in DailySubmission.objects.filter(campaign=campaign, day=day)
                   .select_related("submitted_by")}
    system = system_figures([c.code for c in counties], day)
    rows = []
    for county in counties:
        submission = submissions.get(county.code)
        rows.append({
            "region": county, "submission": submission, "system": system[county.code],
            "differences": differences(submission.figures(), system[county.code]) if submission else [],
        })
    return rows


def _number(value, field, decimal=False):
    try:
        number = Decimal(str(value if value not in (None, "") else 0))
    except Exception:
        raise ValidationError({field: [_("Enter a number.")]})
    if number < 0 or (not decimal and number != number.to_integral_value()):
        raise ValidationError({field: [_("Enter a whole number, 0 or more.") if not decimal else _("Enter an amount, 0 or more.")]})
    if decimal:
        if number != number.quantize(Decimal("0.01")):
            raise ValidationError({field: [_("Give the amount in yuan with at most two decimal places.")]})
        return number.quantize(Decimal("0.01"))
    return int(number)


def daily_submit(*, campaign, region, day, user, zero_report=False, note="", **figures):
    """File (or correct) a county's day. A zero report has every figure 0."""
    if user.is_bureau or not user.has_perm("reports.add_dailysubmission"):
        raise PermissionDenied(_("Daily reports are filed by the wage-arrears office."))
    if user.scope_prefix is None or not region.code.startswith(user.scope_prefix):
        raise Region.DoesNotExist
    unknown = set(figures) - set(DAILY_FIGURES)
    if unknown:
        raise ValidationError({name: [_("Unknown figure.")] for name in unknown})
    if not reporting_on(campaign, day):
        raise ValidationError({"day": [_("The campaign has no daily reporting on that day (%(start)s to %(end)s).")
                                       % {"start": campaign.starts_on, "end": campaign.ends_on}]})
    if day > timezone.localdate():
        raise ValidationError({"day": [_("The date cannot be in the future.")]})
    if region.code not in {c.code for c in campaign_counties(campaign)}:
        raise ValidationError({"region_code": [_("This county does not report for the campaign.")]})
    values = {key: _number(figures.get(key), key, decimal=key == "amount_paid") for key in DAILY_FIGURES}
    if zero_report and any(values.values()):
        raise ValidationError({"zero_report": [_("A zero report has nothing to report: every figure is 0.")]})
    with transaction.atomic():
        submission = DailySubmission.objects.select_for_update().filter(campaign=campaign, region=region, day=day).first()
        if submission is None:
            submission = DailySubmission(campaign=campaign, region=region, day=day)
        for key, value in values.items():
            setattr(submission, key, value)
        submission.zero_report, submission.note = bool(zero_report), (note or "").strip()
        submission.submitted_by, submission.submitted_at = user, timezone.now()
        submission.full_clean()
        submission.save()
    return submission


def flag_missing(*, day=None):
    """Daily (for yesterday by default): tell the city office which counties filed nothing for each
    campaign with daily reporting on. Returns {campaign id: [missing county codes]}."""
    from complaints.services import notify
    from inspections.models import Campaign
    from wagecase.core.choices import Role
    from wagecase.core.models import NotificationLevel, User

    day = day or timezone.localdate() - datetime.timedelta(days=1)
    flagged = {}
    for campaign in Campaign.objects.filter(daily_reporting=True, starts_on__lte=day, ends_on__gte=day):
        counties = campaign_counties(campaign)
        filed = set(DailySubmission.objects.filter(campaign=campaign, day=day).values_list("region_id", flat=True))
        missing = [c for c in counties if c.code not in filed]
        if not missing:
            continue
        flagged[campaign.pk] = [c.code for c in missing]
        city = campaign.region_id[:4]
        recipients = User.objects.filter(is_active=True, jurisdiction_id__in=[city, campaign.region_id],
                                         role__in=(Role.OFFICE_STAFF, Role.OFFICE_HEAD))
        from django.urls import reverse

        url = reverse("reports:daily_board", args=[campaign.pk]) + f"?day={day:%Y-%m-%d}"
        for user in recipients:
            notify(user=user, key=f"daily-missing-{campaign.pk}-{day:%Y%m%d}",
                   title=_("%(n)s counties did not file the daily report of %(day)s") % {"n": len(missing), "day": day},
                   body=f"{campaign.name}：" + "、".join(c.name for c in missing), url=url, level=NotificationLevel.WARNING)
    return flagged
