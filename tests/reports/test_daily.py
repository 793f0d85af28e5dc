"""Campaign daily reporting (日报/零报告): a county files its figures or a zero report while the campaign's
daily reporting is on; the system's own figures and the differences; corrections keep one report per
day; missing counties are flagged to the city office by the daily job; bad input; scope."""
import datetime as dt
from decimal import Decimal

import pytest

from complaints import services as clue_services
from inspections.models import Campaign
from inspections.services import campaign_save
from tests.complaints.conftest import at, make_case, make_clue  # noqa: F401  (fixtures)
from tests.conftest import HOME, OTHER
from tests.projects.conftest import make_project  # noqa: F401  (a fixture)
from wagecase.core.choices import Role
from wagecase.core.models import Notification
from wagecase.reports.models import DailySubmission

D = dt.date.fromisoformat
URL = "/api/v1/reports/daily/"
DAY = D("2026-11-10")


@pytest.fixture
def campaign(db):
    return campaign_save(campaign=Campaign(name="2026年冬季根治欠薪专项行动", kind="winter", region_id="6205",
                                           starts_on=D("2026-11-01"), ends_on=D("2027-02-05"), daily_reporting=True))


@pytest.fixture
def day_data(make_clue, make_case, inspector):
    make_clue(received_at=at("2026-11-10"))
    make_clue(received_at=at("2026-11-10", 15))
    make_clue(received_at=at("2026-11-09"))
    case = make_case(occurred_on=D("2026-10-01"), workers_owed=5, amount_owed=Decimal("10000.00"))
    clue_services.case_payment_add(case=case, user=inspector, amount="3000.00", paid_on=DAY, source="enterprise", workers=2)


def test_file_compare_and_correct(campaign, day_data, api_as, inspector):
    client = api_as(inspector)
    body = {"campaign": campaign.pk, "region_code": HOME, "day": "2026-11-10", "clues_received": 3, "workers_paid": 2,
            "amount_paid": "3000.00"}
    response = client.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["system"]["clues_received"] == 2 and data["system"]["amount_paid"] == "3000.00"
    assert data["differences"] == [{"figure": "clues_received", "submitted": 3, "system": 2, "difference": 1}]
    corrected = client.post(URL, {**body, "clues_received": 2}, format="json")
    assert corrected.status_code == 201 and corrected.json()["differences"] == []
    assert DailySubmission.objects.count() == 1
    board = client.get(f"{URL}status/", {"campaign": campaign.pk, "day": "2026-11-10"}).json()
    assert board["reporting_on"] and [r["region_code"] for r in board["counties"]] == [HOME]
    assert board["counties"][0]["state"] == "filed" and board["missing"] == 0


def test_zero_report_and_bad_input(campaign, api_as, inspector, other_inspector, bureau):
    client = api_as(inspector)
    base = {"campaign": campaign.pk, "region_code": HOME, "day": "2026-11-11"}
    assert client.post(URL, {**base, "zero_report": True}, format="json").status_code == 201
    response = client.post(URL, {**base, "zero_report": True, "clues_received": 1}, format="json")
    assert response.status_code == 400 and "zero_report" in response.json()
    assert client.post(URL, {**base, "day": "2026-10-31"}, format="json").status_code == 400  # before the campaign
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    assert client.post(URL, {**base, "day": future}, format="json").status_code == 400
    assert client.post(URL, {**base, "clues_received": -1}, format="json").status_code == 400
    assert client.post(URL, {**base, "region_code": OTHER}, format="json").status_code == 404
    assert client.post(URL, {**base, "region_code": "620102"}, format="json").status_code == 404  # another city: outside scope
    assert api_as(bureau).post(URL, base, format="json").status_code == 403
    Campaign.objects.filter(pk=campaign.pk).update(daily_reporting=False)
    assert client.post(URL, {**base, "day": "2026-11-12"}, format="json").status_code == 400
    assert DailySubmission.objects.count() == 1 and DailySubmission.objects.get().zero_report
    assert api_as(other_inspector).get(URL).json()["count"] == 0
    assert api_as(other_inspector).get(f"{URL}{DailySubmission.objects.get().pk}/").status_code == 404


def test_missing_counties_flagged_to_the_city(campaign, api_as, inspector, make_user):
    from wagecase.reports.daily import campaign_counties
    from wagecase.reports.tasks import flag_missing_daily

    city_staff = make_user(Role.OFFICE_STAFF, "6205")
    county_head = make_user(Role.OFFICE_HEAD, OTHER)
    api_as(inspector).post(URL, {"campaign": campaign.pk, "region_code": HOME, "day": "2026-11-10", "zero_report": True},
                           format="json")
    counties = campaign_counties(campaign)
    assert len(counties) > 2 and counties[0].code == HOME
    flagged = flag_missing_daily.delay(day="2026-11-10").get()
    assert flagged == {str(campaign.pk): [c.code for c in counties if c.code != HOME]}
    notification = Notification.objects.get(user=city_staff)
    assert "2026-11-10" in notification.title and "麦积区" in notification.body and "秦州区" not in notification.body
    assert not Notification.objects.filter(user=county_head).exists()
    flag_missing_daily.delay(day="2026-11-10").get()
    assert Notification.objects.filter(user=city_staff).count() == 1  # once per day


def test_board_page(campaign, day_data, client, inspector, other_inspector):
    client.force_login(inspector)
    page = client.get(f"/reports/daily/{campaign.pk}/?day=2026-11-10")
    assert page.status_code == 200
    text = page.content.decode()
    assert "秦州区" in text and "麦积区" not in text  # only the counties in the user's jurisdiction
    response = client.post(f"/reports/daily/{campaign.pk}/?day=2026-11-10", {
        "region_code": HOME, "day": "2026-11-10", "clues_received": 5, "clues_closed": 0, "projects_inspected": 0,
        "workers_paid": 2, "amount_paid": "3000.00", "incidents": 0})
    assert response.status_code == 302
    assert DailySubmission.objects.get().clues_received == 5
    board = client.get(f"/reports/daily/{campaign.pk}/?day=2026-11-10").content.decode()
    assert "5 / 2" in board  # filed 5, the system counted 2
    bad = client.post(f"/reports/daily/{campaign.pk}/", {"region_code": HOME, "day": "2026-11-10", "zero_report": "on",
                                                         "clues_received": 1, "clues_closed": 0, "projects_inspected": 0,
                                                         "workers_paid": 0, "amount_paid": "0", "incidents": 0})
    assert bad.status_code == 400 and DailySubmission.objects.get().clues_received == 5


def test_system_figures_count_local_days_only(make_clue):
    """A clue belongs to the Beijing-time day it was received: the first second of a day counts,
    the last second of the day before does not, and a day between two asked for is left out (the
    query bounds the times by the first and last day, and keeps only the days asked for)."""
    from wagecase.reports.daily import system_figures_many

    make_clue(received_at=at("2026-11-08", 0))             # 00:00 on the 8th
    make_clue(received_at=at("2026-11-08", 12))            # noon on the 8th
    make_clue(received_at=at("2026-11-09", 0) - dt.timedelta(seconds=1))  # 23:59:59 on the 8th
    make_clue(received_at=at("2026-11-09", 12))            # the 9th: not asked for
    make_clue(received_at=at("2026-11-10", 0))             # 00:00 on the 10th
    make_clue(received_at=at("2026-11-11", 0))             # the 11th: after the last day
    make_clue(received_at=at("2026-11-07", 23))            # the 7th: before the first day
    figures = system_figures_many([(HOME, D("2026-11-08")), (HOME, D("2026-11-10")), (OTHER, D("2026-11-10"))])
    assert figures[(HOME, D("2026-11-08"))]["clues_received"] == 3
    assert figures[(HOME, D("2026-11-10"))]["clues_received"] == 1
    assert figures[(OTHER, D("2026-11-10"))]["clues_received"] == 0
