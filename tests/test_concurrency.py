"""Concurrency and atomicity (issue 11, item 3).

Races (PostgreSQL only: SQLite serialises writers on the whole file, so it cannot show a lost update):
two requests on the same clue, case, rectification order, listing or publication batch, started
together on two threads with their own connections, → exactly one wins, the other gets the domain
conflict (409 through the API, the service's conflict exception below it); payments that together
exceed the amount owed never overpay a case; concurrent intakes never share a number.

Each race widens its window: the row's `save()` sleeps `HOLD` seconds, after the state check and
before the commit. A service that checks without holding the row's lock lets both requests pass the
check during that sleep, and the test fails; a service that locks makes the second request wait for
the first to commit and re-read the new state.

Atomicity (any database): an import or bulk call whose LAST row fails leaves nothing behind; a Celery
task retried after a failure half-way does not repeat what the first attempt already did.

Transactional tests end by emptying every table; a fixture puts back the part of what migrations load
that these tests need (Gansu's regions and the working-day calendar), tests/conftest.py the rest
after the file."""
import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from blacklist import services as blacklist_services
from blacklist.models import Listing, ListingEvent, PublicationBatch
from complaints import services as complaint_services
from complaints.models import ArrearsCase, CasePayment, Clue, ClueEvent
from inspections import services as inspection_services
from inspections.choices import ChecklistItem, OrderStatus
from inspections.models import RectificationOrder, Reinspection
from projects.models import Employment, Project, Worker
from tests.complaints.conftest import make_case  # noqa: F401  (a fixture)
from tests import migration_data
from tests.conftest import HOME
from tests.projects.conftest import make_project  # noqa: F401  (a fixture)
from wagecase.core.choices import Role
from wagecase.core.models import ObjectChange, Region

pytestmark = pytest.mark.django_db(transaction=True)

HOLD = 0.3  # seconds a winning request holds its transaction open after the state check
D = dt.date.fromisoformat


def today():
    return timezone.localdate()


def ago(days):
    return today() - dt.timedelta(days=days)


# --- What migrations load, put back after a transactional test emptied the tables -----------------

@pytest.fixture(autouse=True)
def _migration_data(transactional_db):
    migration_data.load_gansu_regions()


@pytest.fixture
def pg():
    if connection.vendor != "postgresql":
        pytest.skip("race tests need PostgreSQL (row locks, concurrent writers); SQLite serialises every write")


# --- Running calls at once -------------------------------------------------------------------------

def race(*calls, timeout=30):
    """Run `calls` at the same moment, each on its own thread (so its own database connection);
    the list of what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=timeout)
            outcomes[index] = call()
        except BaseException as exc:  # noqa: BLE001 — the outcome is what the test looks at
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a racing call did not finish (deadlock?)"
    return outcomes


@pytest.fixture
def hold(monkeypatch):
    """hold(Model, ...): each save() of these models sleeps HOLD seconds before writing."""

    def patch(*models):
        for model in models:
            original = model.save

            def slow_save(self, *args, __original=original, **kwargs):
                time.sleep(HOLD)
                return __original(self, *args, **kwargs)

            monkeypatch.setattr(model, "save", slow_save)

    return patch


def post(user, path, data=None):
    """A call for race(): POST as `user` with a client of its own (token authentication)."""
    token, _ = Token.objects.get_or_create(user=user)

    def call():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client.post(path, data or {}, format="json")

    return call


def statuses(outcomes):
    return sorted(getattr(o, "status_code", repr(o)) for o in outcomes)


def one_wins(outcomes, won=200, lost=409):
    assert statuses(outcomes) == sorted([won, lost]), [getattr(o, "content", o) for o in outcomes]


def service_call(func, **kwargs):
    return lambda: func(**kwargs)


def one_service_wins(outcomes, conflict):
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(errors) == 1, outcomes
    assert isinstance(errors[0], conflict), errors[0]


# --- Fixture data, made through the services ---------------------------------------------------------

@pytest.fixture
def clue_in(make_user):
    """clue_in(state): a clue of HOME brought to `state` (received, accepted, in_progress, resolved)."""
    from tests.complaints.conftest import at

    officer = make_user(Role.INSPECTOR, HOME)

    def make(state="received"):
        clue = complaint_services.clue_receive(
            user=officer, channel="hotline_12333", received_at=at(ago(3)), region=Region.objects.get(pk=HOME),
            complainant_name="王小明", complainant_phone="13900000001", employer_name="甘肃测试劳务有限公司",
            workers_involved=3, amount_claimed=Decimal("18600.00"), description="工资未发放。")
        if state == "received":
            return clue
        clue = complaint_services.clue_accept(clue=clue, user=officer)
        if state == "accepted":
            return clue
        clue = complaint_services.clue_classify(clue=clue, user=officer, category="wage_arrears")
        if state == "in_progress":
            return clue
        return complaint_services.clue_resolve(clue=clue, user=officer, workers_paid=3, amount_recovered=Decimal("18600.00"),
                                               result="工资已全部支付。")

    return make


@pytest.fixture
def case_of(make_case):
    def make(amount="1000.00", workers=4, **fields):
        return make_case(occurred_on=ago(90), workers_owed=workers, amount_owed=Decimal(amount), **fields)

    return make


@pytest.fixture
def order_of(make_project, make_user, inspector):
    """order_of(overdue=False): a rectification order of HOME (past its deadline when overdue)."""
    pair = [inspector, make_user(Role.INSPECTOR, HOME)]

    def make(overdue=False):
        checklist = {item: "pass" for item in ChecklistItem.values} | {"wage_deposit": "fail"}
        inspected = ago(60) if overdue else ago(3)
        inspection = inspection_services.inspection_record(
            user=inspector, project=make_project(), inspected_on=inspected, method="routine", inspectors=pair,
            checklist=checklist, findings="未存储工资保证金。", rectify_by=ago(30) if overdue else None)
        return inspection.order

    return make


@pytest.fixture
def decidable_listing(make_case, make_project, inspector):
    """A listing notified three weeks ago (objection period over, no objection): ready to decide."""
    def make():
        project = make_project()
        case = make_case(project=project, enterprise=project.general_contractor, occurred_on=ago(200), workers_owed=12,
                         amount_owed=Decimal("96000.00"))
        complaint_services.case_order(case=case, user=inspector, issued_on=ago(150), pay_by=ago(120))
        return blacklist_services.listing_propose(case=case, user=inspector, subject_type="enterprise", basis="threshold",
                                                  notified_on=ago(21))

    return make


def events(model, **filters):
    return model.objects.filter(**filters).count()


# =================================================================================================
# Races (PostgreSQL)
# =================================================================================================

def test_clue_accepted_twice_at_once(pg, hold, clue_in, inspector, office_staff):
    clue = clue_in("received")
    hold(Clue)
    path = f"/api/v1/clues/{clue.number}/accept/"
    one_wins(race(post(inspector, path), post(office_staff, path)))
    assert events(ClueEvent, clue=clue, type="accepted") == 1
    clue.refresh_from_db()
    assert clue.status == "accepted"


def test_clue_accepted_and_rejected_at_once(pg, hold, clue_in, inspector, office_staff):
    clue = clue_in("received")
    hold(Clue)
    base = f"/api/v1/clues/{clue.number}/"
    outcomes = race(post(inspector, base + "accept/"), post(office_staff, base + "reject/", {"reason": "超过两年时效。"}))
    one_wins(outcomes)
    clue.refresh_from_db()
    winner = "accepted" if outcomes[0].status_code == 200 else "closed"
    assert clue.status == winner and events(ClueEvent, clue=clue, type__in=["accepted", "rejected"]) == 1


def test_clue_closed_twice_at_once(pg, hold, clue_in, inspector, office_staff):
    clue = clue_in("resolved")
    hold(Clue)
    path = f"/api/v1/clues/{clue.number}/close/"
    one_wins(race(post(inspector, path, {"reply": "已答复投诉人。"}), post(office_staff, path, {"reply": "已电话答复。"})))
    assert events(ClueEvent, clue=clue, type="closed") == 1


def test_clue_extension_approved_twice_at_once(pg, hold, clue_in, make_user):
    clue = clue_in("in_progress")
    heads = [make_user(Role.OFFICE_HEAD, HOME), make_user(Role.OFFICE_HEAD, HOME)]
    hold(Clue)
    outcomes = race(*(service_call(complaint_services.clue_extension_approve, clue=clue, user=head, comment="案情复杂。")
                      for head in heads))
    one_service_wins(outcomes, complaint_services.ClueConflict)
    assert events(ClueEvent, clue=clue, type="extended") == 1


def test_clue_intake_at_once_gives_distinct_numbers(pg, inspector, office_staff):
    """Two clues received at the same moment in a county-year without a number yet."""
    from tests.complaints.conftest import at

    def receive(user):
        return service_call(complaint_services.clue_receive, user=user, channel="window", received_at=at(ago(1)),
                            region=Region.objects.get(pk="620503"), complainant_name="李四", complainant_phone="13900000009",
                            employer_name="麦积劳务公司", workers_involved=2, amount_claimed=Decimal("5000.00"),
                            description="工资未发放。")

    outcomes = race(receive(inspector), receive(office_staff))
    assert all(isinstance(o, Clue) for o in outcomes), outcomes
    assert len({o.number for o in outcomes}) == 2


def test_case_cleared_twice_at_once(pg, hold, case_of, inspector, office_staff):
    case = case_of("1000.00")
    hold(ArrearsCase)
    path = f"/api/v1/cases/{case.pk}/payments/"
    body = {"amount": "1000.00", "workers": 4, "paid_on": ago(1).isoformat(), "source": "enterprise"}
    one_wins(race(post(inspector, path, body), post(office_staff, path, body)), won=201)
    case.refresh_from_db()
    assert (case.status, case.amount_paid, CasePayment.objects.filter(case=case).count()) == ("cleared", Decimal("1000.00"), 1)


def test_payments_together_over_the_amount_owed_never_overpay(pg, hold, case_of, inspector, office_staff):
    case = case_of("1000.00")
    hold(ArrearsCase)
    path = f"/api/v1/cases/{case.pk}/payments/"
    body = {"amount": "600.00", "workers": 2, "paid_on": ago(1).isoformat(), "source": "enterprise"}
    outcomes = race(post(inspector, path, body), post(office_staff, path, body))
    one_wins(outcomes, won=201, lost=400)
    case.refresh_from_db()
    paid = sum(p.amount for p in CasePayment.objects.filter(case=case))
    assert case.amount_paid == paid == Decimal("600.00") <= case.amount_owed


def test_many_small_payments_at_once_stop_at_the_amount_owed(pg, hold, case_of, make_user):
    """Four officers record ¥400 each on ¥1,000 owed: two pass, the case is never overpaid."""
    case = case_of("1000.00", workers=8)
    officers = [make_user(Role.INSPECTOR, HOME) for _ in range(4)]
    hold(ArrearsCase)
    path = f"/api/v1/cases/{case.pk}/payments/"
    body = {"amount": "400.00", "workers": 1, "paid_on": ago(1).isoformat(), "source": "enterprise"}
    outcomes = race(*(post(officer, path, body) for officer in officers))
    assert statuses(outcomes) == [201, 201, 400, 400], [o.content for o in outcomes]
    case.refresh_from_db()
    assert case.amount_paid == sum(p.amount for p in case.payments.all()) == Decimal("800.00")


def test_case_order_recorded_twice_at_once(pg, hold, case_of, inspector, office_staff):
    case = case_of("1000.00")
    hold(ArrearsCase)
    path = f"/api/v1/cases/{case.pk}/order/"
    body = {"issued_on": ago(10).isoformat(), "pay_by": ago(-5).isoformat()}
    outcomes = race(post(inspector, path, body), post(office_staff, path, body))
    assert sorted(o.status_code for o in outcomes)[1] == 409, [o.content for o in outcomes]
    assert sorted(o.status_code for o in outcomes)[0] in (200, 201)


def test_order_reinspected_twice_at_once(pg, hold, order_of, inspector, make_user):
    order = order_of()
    hold(RectificationOrder)
    path = f"/api/v1/rectifications/{order.pk}/reinspect/"
    body = {"reinspected_on": today().isoformat(), "rectified": True}
    one_wins(race(post(inspector, path, body), post(make_user(Role.INSPECTOR, HOME), path, body)))
    assert Reinspection.objects.filter(order=order).count() == 1


def test_order_escalated_and_closed_at_once(pg, hold, order_of, inspector, make_user):
    order = order_of(overdue=True)
    hold(RectificationOrder)
    path = f"/api/v1/rectifications/{order.pk}/reinspect/"
    day = today().isoformat()
    outcomes = race(post(inspector, path, {"reinspected_on": day, "rectified": False}),
                    post(make_user(Role.INSPECTOR, HOME), path, {"reinspected_on": day, "rectified": True}))
    one_wins(outcomes)
    order.refresh_from_db()
    assert order.status == (OrderStatus.ESCALATED if outcomes[0].status_code == 200 else OrderStatus.CLOSED)
    assert Reinspection.objects.filter(order=order).count() == 1


def test_listing_decided_twice_at_once(pg, hold, decidable_listing, inspector, make_user):
    listing = decidable_listing()
    hold(Listing)
    path = f"/api/v1/blacklist/{listing.pk}/decide/"
    one_wins(race(post(inspector, path), post(make_user(Role.OFFICE_HEAD, HOME), path)))
    assert events(ListingEvent, listing=listing, type="listed") == 1
    listing.refresh_from_db()
    assert listing.status == "listed" and listing.decision_number


def test_listing_proposed_twice_at_once(pg, hold, decidable_listing, inspector, make_user):
    """The same subject for the same case, proposed by two officers at once: one listing."""
    case = decidable_listing().case
    Listing.objects.filter(case=case).delete()  # start from the case alone
    hold(Listing)
    body = {"case": case.pk, "subject_type": "enterprise", "basis": "threshold", "notified_on": ago(2).isoformat()}
    one_wins(race(post(inspector, "/api/v1/blacklist/", body), post(make_user(Role.OFFICE_HEAD, HOME), "/api/v1/blacklist/", body)),
             won=201)
    assert Listing.objects.filter(case=case).count() == 1


def test_objection_reviewed_twice_at_once(pg, hold, decidable_listing, inspector, make_user):
    from blacklist.models import Objection

    listing = decidable_listing()
    objection = blacklist_services.listing_object(listing=listing, user=inspector, text="已支付部分工资。", received_on=ago(20))
    head = make_user(Role.OFFICE_HEAD, HOME)
    hold(Objection)
    outcomes = race(
        service_call(blacklist_services.objection_review, objection=objection, user=inspector, outcome="rejected", review="理由不成立。"),
        service_call(blacklist_services.objection_review, objection=objection, user=head, outcome="upheld", review="理由成立。"))
    one_service_wins(outcomes, blacklist_services.ListingConflict)
    assert events(ListingEvent, listing=listing, type="reviewed") == 1


def test_publication_batch_created_twice_at_once(pg, hold, inspector, make_user):
    hold(PublicationBatch)
    body = {"region_code": HOME, "year": today().year, "quarter": 1}
    one_wins(race(post(inspector, "/api/v1/publications/", body), post(make_user(Role.OFFICE_HEAD, HOME), "/api/v1/publications/", body)),
             won=201)
    assert PublicationBatch.objects.count() == 1


def test_report_requested_twice_at_once(pg, make_user):
    """Two officers ask for the same weekly report at once: one report (and one generation)."""
    from wagecase.reports.models import Report
    from wagecase.reports.services import report_request

    monday = today() - dt.timedelta(days=today().weekday() + 7)
    users = [make_user(Role.OFFICE_STAFF, HOME), make_user(Role.OFFICE_HEAD, HOME)]
    outcomes = race(*(service_call(report_request, kind="weekly", region=Region.objects.get(pk=HOME), period_start=monday,
                                   user=user) for user in users))
    assert all(isinstance(o, tuple) for o in outcomes), outcomes
    assert Report.objects.count() == 1
    assert sorted(queued for _r, queued in outcomes) == [False, True]


# =================================================================================================
# Atomicity: the last row fails → nothing stays (any database)
# =================================================================================================

def _snapshot():
    return (Project.objects.count(), Worker.objects.count(), Employment.objects.count(), ObjectChange.objects.count())


def test_project_import_failing_on_its_last_row_saves_nothing(inspector, rng):
    from projects.excel import import_projects_file
    from tests.projects.fixtures.workbooks import bad_uscc, fill, project_row

    rows = [project_row(f"ATOM-{n:03d}", rng) for n in range(1, 6)]
    rows[-1]["施工总承包单位统一社会信用代码"] = bad_uscc(rng)
    before = _snapshot()
    result = import_projects_file(fill("projects", rows), inspector)
    assert [e["row"] for e in result["errors"]] and result["created"] == 0
    assert _snapshot() == before


def test_project_import_crashing_on_its_last_row_saves_nothing(inspector, rng, monkeypatch):
    """Every row valid, and the database fails while saving the last one: the rows before it go too."""
    from projects import excel
    from tests.projects.fixtures.workbooks import fill, project_row

    rows = [project_row(f"CRASH-{n:03d}", rng) for n in range(1, 6)]
    original = excel.project_save

    def failing(*, project, **kwargs):
        if project.code == "CRASH-005":
            raise RuntimeError("connection lost")
        return original(project=project, **kwargs)

    monkeypatch.setattr(excel, "project_save", failing)
    before = _snapshot()
    with pytest.raises(RuntimeError):
        excel.import_projects_file(fill("projects", rows), inspector)
    assert _snapshot() == before


def test_roster_import_failing_in_its_last_chunk_rolls_back_the_chunks_applied(inspector, make_project, rng, monkeypatch):
    from projects import excel
    from tests.projects.fixtures.workbooks import fill, roster_row, unique_ids

    project = make_project()
    monkeypatch.setattr(excel, "CHUNK", 3)  # rows 1-3 and 4-6 are applied before row 7 is read
    ids = unique_ids(rng, 7)
    rows = [roster_row(id_number, name=f"工人{n}") for n, id_number in enumerate(ids)]
    rows[-1]["身份证号"] = ids[-1][:-1] + ("0" if ids[-1][-1] != "0" else "1")  # a wrong check digit
    before = _snapshot()
    result = excel.import_roster_file(fill("roster", rows, meta={"项目编号": project.code}), inspector, project=project)
    assert result["created"] == 0 and len(result["errors"]) == 1, result
    assert _snapshot() == before


def test_roster_import_crashing_in_its_last_chunk_rolls_back_the_chunks_applied(inspector, make_project, rng, monkeypatch):
    from projects import excel
    from tests.projects.fixtures.workbooks import fill, roster_row, unique_ids

    project = make_project()
    monkeypatch.setattr(excel, "CHUNK", 3)
    monkeypatch.setattr(excel, "FIRST_CHUNK", 3)
    rows = [roster_row(id_number, name=f"工人{n}") for n, id_number in enumerate(unique_ids(rng, 7))]
    original, calls = excel.roster_register_many, []

    def failing(**kwargs):
        calls.append(len(kwargs["entries"]))
        if len(calls) == 3:
            raise RuntimeError("connection lost")
        return original(**kwargs)

    monkeypatch.setattr(excel, "roster_register_many", failing)
    before = _snapshot()
    with pytest.raises(RuntimeError):
        excel.import_roster_file(fill("roster", rows, meta={"项目编号": project.code}), inspector, project=project)
    assert calls == [3, 3, 1] and _snapshot() == before


def test_payroll_import_failing_on_its_last_row_saves_nothing(inspector, make_project, rng):
    from projects import excel, services
    from projects.models import Payroll, PayrollLine
    from tests.projects.fixtures.workbooks import fill, unique_ids

    project = make_project()
    ids = unique_ids(rng, 4)
    for n, id_number in enumerate(ids[:3]):
        services.worker_register(project=project, id_number=id_number, name=f"工人{n}", entered_on=ago(100),
                                 contract_signed_on=ago(101))
    period = (today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    rows = [{"身份证号": i, "应发金额": "5000", "实发金额": "5000"} for i in ids]  # the last one is not on the roster
    before = (Payroll.objects.count(), PayrollLine.objects.count(), ObjectChange.objects.count())
    result = excel.import_payroll_file(fill("payroll", rows, meta={"项目编号": project.code}), inspector, project=project,
                                       period=period, paid_on=period + dt.timedelta(days=40), paid_via="contractor_bank")
    assert [e["row"] for e in result["errors"]] and result["created"] == 0, result
    assert (Payroll.objects.count(), PayrollLine.objects.count(), ObjectChange.objects.count()) == before


def _bulk_items(rng, n):
    from wagecase.core.identifiers import make_uscc

    return [{"code": f"BULK-{i:03d}", "name": f"批量项目{i}", "region_code": HOME, "investment_type": "social",
             "industry": "housing", "contract_amount": "9000000.00", "contract_signed_on": "2026-01-05",
             "start_date": "2026-02-01", "planned_end_date": "2027-06-30", "status": "in_progress",
             "builder": {"uscc": make_uscc(rng, HOME), "name": f"建设单位{i}"},
             "general_contractor": {"uscc": make_uscc(rng, HOME), "name": f"总承包单位{i}"}} for i in range(1, n + 1)]


def test_bulk_projects_failing_on_the_last_item_saves_nothing(api_as, inspector, rng):
    items = _bulk_items(rng, 5)
    items[-1]["planned_end_date"] = "2025-01-01"  # before the start
    before = _snapshot()
    response = api_as(inspector).post("/api/v1/projects/bulk/", items, format="json")
    assert response.status_code == 400 and [e["index"] for e in response.json()["errors"]] == [4], response.content
    assert _snapshot() == before


def test_bulk_projects_crashing_on_the_last_save_saves_nothing(api_as, inspector, rng, monkeypatch):
    """The items pass validation; saving the last one fails in the database: the first four go too."""
    from projects.api import serializers

    items = _bulk_items(rng, 5)
    original = serializers.ProjectSerializer.save

    def failing(self, **kwargs):
        if self.validated_data.get("code") == "BULK-005":
            raise RuntimeError("connection lost")
        return original(self, **kwargs)

    monkeypatch.setattr(serializers.ProjectSerializer, "save", failing)
    before = _snapshot()
    client = api_as(inspector)
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        client.post("/api/v1/projects/bulk/", items, format="json")
    assert _snapshot() == before


def test_bulk_workers_failing_on_the_last_item_saves_nothing(api_as, inspector, make_project, rng):
    from tests.projects.fixtures.workbooks import unique_ids

    project = make_project()
    ids = unique_ids(rng, 4)
    items = [{"id_number": i, "name": f"工人{n}", "contract_signed_on": ago(30).isoformat(), "entered_on": ago(29).isoformat()}
             for n, i in enumerate(ids)]
    items[-1]["id_number"] = ids[-1][:-1] + ("0" if ids[-1][-1] != "0" else "1")
    before = _snapshot()
    response = api_as(inspector).post(f"/api/v1/projects/{project.code}/workers/bulk/", items, format="json")
    assert response.status_code == 400, response.content
    assert _snapshot() == before


# =================================================================================================
# Celery tasks retried after a failure half-way: no effect twice
# =================================================================================================

def test_expiry_job_retried_after_failing_half_way(decidable_listing, inspector, monkeypatch):
    from blacklist import tasks

    listings = [blacklist_services.listing_decide(listing=decidable_listing(), user=inspector) for _ in range(3)]
    Listing.objects.filter(pk__in=[x.pk for x in listings]).update(expires_on=ago(1))
    original, seen = blacklist_services.refresh_enterprise_effects, []

    def failing(enterprise, as_of=None):
        seen.append(enterprise.pk)
        if len(seen) == 2:
            raise RuntimeError("worker lost")
        return original(enterprise, as_of=as_of)

    monkeypatch.setattr(blacklist_services, "refresh_enterprise_effects", failing)
    with pytest.raises(RuntimeError):
        tasks.expire_listings.apply(throw=True)
    assert Listing.objects.filter(status="expired").count() == 1  # the first committed, the second rolled back
    monkeypatch.setattr(blacklist_services, "refresh_enterprise_effects", original)
    assert tasks.expire_listings.apply(throw=True).get() == 2
    assert tasks.expire_listings.apply(throw=True).get() == 0
    for listing in listings:
        assert events(ListingEvent, listing=listing, type="expired") == 1
        expired = ListingEvent.objects.get(listing=listing, type="expired")
        assert expired.job == "blacklist.expire_listings" and expired.user is None


def test_deadline_job_retried_after_failing_half_way(clue_in, monkeypatch):
    from complaints import tasks
    from wagecase.core.models import Notification

    clues = [clue_in("received") for _ in range(3)]
    Clue.objects.filter(pk__in=[c.pk for c in clues]).update(warn_on=ago(2), due_on=ago(1), accept_due=ago(1))
    original, calls = complaint_services.notify, []

    def failing(**kwargs):
        calls.append(kwargs["key"])
        if len(calls) == 2:
            raise RuntimeError("worker lost")
        return original(**kwargs)

    monkeypatch.setattr(complaint_services, "notify", failing)
    with pytest.raises(RuntimeError):
        tasks.deadline_notifications.apply(throw=True)
    monkeypatch.setattr(complaint_services, "notify", original)
    tasks.deadline_notifications.apply(throw=True)
    tasks.deadline_notifications.apply(throw=True)
    for clue in clues:
        assert events(ClueEvent, clue=clue, type="overdue") == 1
    keys = list(Notification.objects.values_list("user_id", "key"))
    assert keys and len(keys) == len(set(keys))


def test_report_generation_retried_after_failing_half_way(make_user, monkeypatch):
    from wagecase.reports import excel, services, tasks
    from wagecase.reports.models import Report

    monday = today() - dt.timedelta(days=today().weekday() + 7)
    user = make_user(Role.OFFICE_STAFF, HOME)
    original = excel.dispatch_xlsx
    monkeypatch.setattr(excel, "dispatch_xlsx", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("disk full")))
    report, _queued = services.report_request(kind="weekly", region=Region.objects.get(pk=HOME), period_start=monday, user=user)
    report.refresh_from_db()
    assert report.status == "failed" and "disk full" in report.error
    monkeypatch.setattr(excel, "dispatch_xlsx", original)
    tasks.generate_report.apply(args=[report.pk], throw=True)  # a redelivered task: the failed report is not redone
    report.refresh_from_db()
    assert report.status == "failed" and report.attempts == 1
    report, queued = services.report_request(kind="weekly", region=report.region, period_start=monday, user=user)
    report.refresh_from_db()
    assert queued and report.status == "done" and report.attempts == 2
    name = report.file.name
    tasks.generate_report.apply(args=[report.pk], throw=True)  # redelivered after success: left alone
    report.refresh_from_db()
    assert (Report.objects.count(), report.attempts, report.file.name) == (1, 2, name)


def test_webhook_delivery_retried_after_a_crash_is_sent_once(monkeypatch, make_user):
    from wagecase.integrations import tasks, webhooks
    from wagecase.integrations.models import WebhookDelivery
    from wagecase.integrations.services import create_api_client

    client, _key = create_api_client("hook-client", ["housing"], "6205")
    subscription = webhooks.subscription_create(client=client, url="https://receiver.example/hook", events=["case.opened"])
    sent = []

    def crash(url, body, headers, timeout=None):
        sent.append(headers["X-Wagecase-Delivery"])
        raise RuntimeError("worker killed after sending")

    monkeypatch.setattr(webhooks, "http_post", crash)
    delivery = webhooks._new_delivery(subscription, webhooks.make_payload("case.opened", {}))
    with pytest.raises(RuntimeError):
        tasks.deliver_webhook.apply(args=[delivery.pk], throw=True)
    monkeypatch.setattr(webhooks, "http_post", lambda url, body, headers, timeout=None: sent.append(
        headers["X-Wagecase-Delivery"]) or (200, "ok"))
    tasks.deliver_webhook.apply(args=[delivery.pk], throw=True)  # redelivered at once: the lease holds
    assert sent == [str(delivery.pk)]
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())  # the lease ran out
    tasks.deliver_webhook.apply(args=[delivery.pk], throw=True)
    tasks.deliver_webhook.apply(args=[delivery.pk], throw=True)  # and once more: already delivered
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 1 and len(sent) == 2
    assert WebhookDelivery.objects.count() == 1


def test_job_redelivered_after_it_ran_is_not_run_again(make_user, monkeypatch):
    from wagecase.core import services as core_services
    from wagecase.core import tasks
    from wagecase.core.models import Job

    runs = []
    monkeypatch.setitem(core_services.JOB_HANDLERS, "count-runs", lambda job, progress: runs.append(job.pk) or {"n": 1})
    job = Job.objects.create(kind="count-runs", user=make_user(Role.OFFICE_STAFF, HOME), title="t")
    for _ in range(3):
        tasks.run_job.apply(args=[str(job.pk)], throw=True)
    job.refresh_from_db()
    assert runs == [job.pk] and job.status == "done"

