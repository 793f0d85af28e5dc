"""Demo data of reports: last week's dispatch report for the county and the city (the county's signed
by both signatories and submitted), last month's report, and the winter campaign's daily reports of
the past days (figures, zero reports, one county missing)."""
import datetime


from django.utils import timezone

from wagecase.core.choices import ChangeSource
from wagecase.core.context import change_context
from wagecase.core.demo import CITY, register_seeder

HOME = "620502"


def seed_reports(rng, out):
    from inspections.models import Campaign
    from wagecase.core.models import Region, User

    from . import services
    from .daily import campaign_counties, daily_submit, reporting_on, system_figures
    from .models import DailySubmission, Report

    if Report.objects.exists():
        out(f"reports: {Report.objects.count()} (kept)")
        return
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    users = {u.username: u for u in User.objects.filter(username__in=["staff", "head", "leader_qinzhou", "head_qinzhou",
                                                                      "inspector", "inspector_city"])}
    county, city = Region.objects.get(pk=HOME), Region.objects.get(pk=CITY)
    for region, user in ((county, users["staff"]), (city, users["head"])):
        with change_context(source=ChangeSource.COMMAND, user=user, label="seed_demo"):
            report, _queued = services.report_request(kind="weekly", region=region, period_start=monday, user=user)
        services.report_generate(report_id=report.pk)
    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    with change_context(source=ChangeSource.COMMAND, user=users["head"], label="seed_demo"):
        report, _queued = services.report_request(kind="monthly", region=city, period_start=month, user=users["head"])
    services.report_generate(report_id=report.pk)
    weekly = Report.objects.get(kind="weekly", region=county, period_start=monday)
    for username in ("leader_qinzhou", "head_qinzhou"):
        with change_context(source=ChangeSource.COMMAND, user=users[username], label="seed_demo"):
            services.report_sign(report=weekly, user=users[username])
    with change_context(source=ChangeSource.COMMAND, user=users["staff"], label="seed_demo"):
        services.report_submit(report=weekly, user=users["staff"])

    # Daily reports of the running campaign: the last 5 days; most counties file (the system's figures,
    # a few off by one), the quiet ones file zero reports, one county forgets yesterday.
    campaign = Campaign.objects.filter(daily_reporting=True, starts_on__lte=today, ends_on__gte=today).first()
    filed = 0
    if campaign is not None:
        counties = campaign_counties(campaign)
        filer = users["inspector_city"]
        for back in range(5, 0, -1):
            day = today - datetime.timedelta(days=back)
            if not reporting_on(campaign, day):
                continue
            system = system_figures([c.code for c in counties], day)
            for index, county in enumerate(counties):
                if back == 1 and index == len(counties) - 1:
                    continue  # missing: flagged to the city
                figures = dict(system[county.code])
                if rng.random() < 0.15 and figures["clues_received"]:
                    figures["clues_received"] += 1
                zero = not any(figures.values())
                with change_context(source=ChangeSource.COMMAND, user=filer, label="seed_demo"):
                    daily_submit(campaign=campaign, region=county, day=day, user=filer, zero_report=zero,
                                 note="" if not zero else "今日无新增欠薪线索和案件。",
                                 **({} if zero else {k: v for k, v in figures.items()}))
                filed += 1
        from .daily import flag_missing

        flag_missing(day=today - datetime.timedelta(days=1))
    out(f"reports: {Report.objects.count()}, daily reports: {DailySubmission.objects.count()} (filed {filed})")


register_seeder(60, seed_reports)
