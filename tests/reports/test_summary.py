"""`GET /api/v1/stats/summary/`: every figure against hand-counted data, with the period's bounds, the
caller's scope (another county, a bureau of another industry) and the errors of bad parameters."""
import datetime as dt
from decimal import Decimal

import pytest

from complaints import services as clue_services
from tests.blacklist.conftest import head, listable_case  # noqa: F401  (fixtures)
from tests.complaints.conftest import at, make_case, make_clue  # noqa: F401  (fixtures)
from tests.conftest import HOME, OTHER
from tests.inspections.conftest import checklist, inspector_pair, make_inspection  # noqa: F401  (fixtures)
from tests.projects.conftest import make_project  # noqa: F401  (a fixture)

D = dt.date.fromisoformat
URL = "/api/v1/stats/summary/"


def close(clue, user, workers, amount):
    clue = clue_services.clue_accept(clue=clue, user=user)
    clue = clue_services.clue_classify(clue=clue, user=user, category="wage_arrears")
    clue = clue_services.clue_resolve(clue=clue, user=user, workers_paid=workers, amount_recovered=Decimal(amount),
                                      result="已足额支付。")
    return clue_services.clue_close(clue=clue, user=user, reply="已告知投诉人。")


@pytest.fixture
def data(make_clue, make_case, make_project, make_inspection, inspector, other_inspector, listable_case, head):
    from blacklist import services as blacklist_services
    from wagecase.core.models import Region

    # Projects: two monitored in progress at home (one from the listable case), one completed before the period,
    # one planned, one under the monitoring threshold; one in the other county.
    in_progress = make_project()
    make_project(status="completed", completed_on=D("2025-12-20"), planned_end_date=D("2025-12-31"),
                 start_date=D("2025-01-10"), contract_signed_on=D("2025-01-01"))
    make_project(status="planned", start_date=D("2026-12-20"), contract_signed_on=D("2026-11-01"))
    make_project(contract_amount=Decimal("1000000.00"))
    make_project(region=OTHER)
    # Inspections: the same project twice in the period counts once; one before the period.
    make_inspection(project=in_progress, inspected_on=D("2026-03-02"))
    make_inspection(project=in_progress, inspected_on=D("2026-04-02"))
    make_inspection(project=listable_case.project, inspected_on=D("2025-12-15"))
    # Clues: 3 received in the period at home (2 closed: 3 + 2 workers, 18,600 + 5,000), one before it, one elsewhere.
    close(make_clue(received_at=at("2026-02-02")), inspector, 3, "18600.00")
    close(make_clue(received_at=at("2026-06-30")), inspector, 2, "5000.00")
    make_clue(received_at=at("2026-05-05"))
    close(make_clue(received_at=at("2025-12-31"), workers_involved=9, amount_claimed=Decimal("99999.00")), inspector, 9,
          "99999.00")
    make_clue(region=OTHER, user=other_inspector, received_at=at("2026-03-03"))
    # A case payment in the period (12 workers, 96,000) on a case not opened from a clue; one before the period.
    other_case = make_case(occurred_on=D("2025-11-01"), amount_owed=Decimal("5000.00"), workers_owed=1)
    clue_services.case_payment_add(case=other_case, user=inspector, amount="5000.00", paid_on=D("2025-12-30"),
                                   source="enterprise", workers=1)
    # Listing decided in the period; a publication published in the period with one entry.
    listing = blacklist_services.listing_propose(case=listable_case, user=inspector, subject_type="enterprise",
                                                 basis="threshold", notified_on=D("2026-02-12"))
    blacklist_services.listing_decide(listing=listing, user=inspector, decided_on=D("2026-02-27"))
    clue_services.case_payment_add(case=listable_case, user=inspector, amount="96000.00", paid_on=D("2026-03-10"),
                                   source="enterprise", workers=12)
    batch = blacklist_services.batch_create(user=inspector, region=Region.objects.get(pk=HOME), year=2026, quarter=1)
    blacklist_services.batch_review(batch=batch, user=inspector)
    blacklist_services.batch_approve(batch=batch, user=head)
    blacklist_services.batch_publish(batch=batch, user=inspector, published_on=D("2026-04-10"))


def test_summary_hand_counted(data, api_as, inspector):
    response = api_as(inspector).get(URL, {"date_from": "2026-01-01", "date_to": "2026-06-30"})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "region_code": "620502", "date_from": "2026-01-01", "date_to": "2026-06-30",
        "projects_monitored": 2, "projects_inspected": 1,
        "clues_received": 3, "clues_closed": 2, "closure_rate": "66.7",
        "workers_paid": 3 + 2 + 12, "amount_recovered": "119600.00",
        "violations_published": 1, "blacklisted": 1,
    }


def test_summary_period_bounds(data, api_as, inspector):
    client = api_as(inspector)
    first_day = client.get(URL, {"date_from": "2026-06-30", "date_to": "2026-06-30"}).json()
    assert (first_day["clues_received"], first_day["clues_closed"], first_day["workers_paid"]) == (1, 1, 2)
    before = client.get(URL, {"date_from": "2025-12-01", "date_to": "2025-12-31"}).json()
    assert (before["clues_received"], before["projects_inspected"], before["amount_recovered"], before["blacklisted"]) == (
        1, 1, "104999.00", 0)
    assert before["projects_monitored"] == 3  # with the one completed on 20 December, still under construction then


def test_summary_scope(data, api_as, other_inspector, bureau, make_user):
    from wagecase.core.choices import Role

    other = api_as(other_inspector).get(URL, {"date_from": "2026-01-01", "date_to": "2026-06-30"}).json()
    assert (other["clues_received"], other["projects_monitored"], other["blacklisted"], other["violations_published"]) == (1, 1, 0, 0)
    assert api_as(other_inspector).get(URL, {"region_code": HOME}).status_code == 404
    housing = api_as(bureau).get(URL, {"region_code": HOME, "date_from": "2026-01-01", "date_to": "2026-06-30"}).json()
    assert (housing["projects_monitored"], housing["blacklisted"], housing["violations_published"]) == (2, 1, 1)
    transport = make_user(Role.BUREAU, "6205", industries=["transport"])
    figures = api_as(transport).get(URL, {"region_code": HOME, "date_from": "2026-01-01", "date_to": "2026-06-30"}).json()
    assert (figures["projects_monitored"], figures["blacklisted"], figures["violations_published"], figures["workers_paid"]) == (
        0, 0, 0, 0)


def test_summary_bad_parameters(api_as, inspector, api_client):
    client = api_as(inspector)
    response = client.get(URL, {"date_from": "2026-06-30", "date_to": "2026-01-01"})
    assert response.status_code == 400 and "date_to" in response.json()
    assert client.get(URL, {"region_code": "62x"}).status_code == 400
    assert client.get(URL, {"date_from": "2026-13-01"}).status_code == 400
    assert api_client.get(URL).status_code == 401
    wider = client.get(URL, {"region_code": "6205"})
    assert wider.status_code == 200 and wider.json()["region_code"] == "620502"


def test_summary_counts_clues_by_beijing_date_at_the_edges_of_the_day(make_clue, api_as, inspector):
    """The period is a range on received_at itself (so PostgreSQL can use its index): the same clues as
    received_at::date in Beijing — the first and the last instant of the period in, the next instant out."""
    from complaints.models import Clue
    from wagecase.core.workdays import within_days

    TZ = dt.timezone(dt.timedelta(hours=8))
    edges = [dt.datetime(2026, 2, 28, 23, 59, 59, 999999, tzinfo=TZ), dt.datetime(2026, 3, 1, 0, 0, tzinfo=TZ),
             dt.datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=TZ), dt.datetime(2026, 4, 1, 0, 0, tzinfo=TZ),
             dt.datetime(2026, 3, 15, 17, 0, tzinfo=dt.timezone.utc)]  # 16 March 01:00 in Beijing
    for received_at in edges:
        make_clue(received_at=received_at)
    march = api_as(inspector).get(URL, {"date_from": "2026-03-01", "date_to": "2026-03-31"}).json()
    assert march["clues_received"] == 3
    one_day = api_as(inspector).get(URL, {"date_from": "2026-03-16", "date_to": "2026-03-16"}).json()
    assert one_day["clues_received"] == 1
    for date_from, date_to in [(D("2026-03-01"), D("2026-03-31")), (D("2026-03-01"), None), (None, D("2026-02-28")),
                               (D("2026-03-16"), D("2026-03-16")), (None, None)]:
        by_date = Clue.objects.all()
        if date_from:
            by_date = by_date.filter(received_at__date__gte=date_from)
        if date_to:
            by_date = by_date.filter(received_at__date__lte=date_to)
        assert set(Clue.objects.filter(within_days("received_at", date_from, date_to))) == set(by_date), (date_from, date_to)


def test_summary_compares_received_at_without_converting_each_row(api_as, inspector):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert api_as(inspector).get(URL, {"date_from": "2026-03-01", "date_to": "2026-03-31"}).status_code == 200
    clue_sql = [q["sql"] for q in queries.captured_queries if "complaints_clue" in q["sql"]]
    assert clue_sql
    for sql in clue_sql:
        assert "AT TIME ZONE" not in sql and "django_datetime_cast_date" not in sql, sql
