"""The reports' demo seeder on the core demo and a running campaign: last week's reports of the county
(signed twice and submitted) and the city, last month's city report, the campaign's daily reports of the
past days with one county missing yesterday (flagged to the city); a second run changes nothing."""
import datetime
import io
import random

import pytest
from django.utils import timezone

from inspections.models import Campaign
from inspections.services import campaign_save
from wagecase.core.demo import seed_core
from wagecase.reports.demo import seed_reports
from wagecase.reports.models import DailySubmission, Report


@pytest.mark.django_db
def test_seed_reports():
    out = io.StringIO()
    seed_core(random.Random(1), lambda line: out.write(line + "\n"))
    today = timezone.localdate()
    campaign_save(campaign=Campaign(name="冬季专项行动", kind="winter", region_id="6205", starts_on=today - datetime.timedelta(days=20),
                                    ends_on=today + datetime.timedelta(days=60), daily_reporting=True))
    seed_reports(random.Random(2), lambda line: out.write(line + "\n"))
    assert set(Report.objects.values_list("kind", "region_id", "status")) == {
        ("weekly", "620502", "done"), ("weekly", "6205", "done"), ("monthly", "6205", "done")}
    weekly = Report.objects.get(kind="weekly", region_id="620502")
    assert weekly.submitted_at and weekly.signatures.count() == 2 and weekly.file
    yesterday = today - datetime.timedelta(days=1)
    counties = 7  # 天水市: two districts and five counties
    assert DailySubmission.objects.filter(day=yesterday).count() == counties - 1
    assert DailySubmission.objects.filter(day=today - datetime.timedelta(days=2)).count() == counties
    assert DailySubmission.objects.filter(zero_report=True).exists()
    from wagecase.core.models import Notification
    assert Notification.objects.filter(key__startswith="daily-missing-", user__username="head").exists()
    before = (Report.objects.count(), DailySubmission.objects.count())
    seed_reports(random.Random(2), lambda line: out.write(line + "\n"))
    assert (Report.objects.count(), DailySubmission.objects.count()) == before
