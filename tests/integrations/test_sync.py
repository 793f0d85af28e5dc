"""Incremental and full sync: `updated_since` on the lists, and cursor pagination that walks a table
without duplicates or gaps while rows change."""
import datetime as dt
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from blacklist import services as blacklist_services
from complaints import services as complaint_services
from complaints.models import ArrearsCase, Clue
from inspections.models import Inspection
from projects.models import Project, ProjectWarning
from projects.services import worker_register
from tests.complaints.conftest import make_case, make_clue  # noqa: F401  (fixtures)
from tests.inspections.conftest import inspector_pair, make_inspection  # noqa: F401  (fixtures)
from tests.projects.conftest import make_project  # noqa: F401  (a fixture)
from wagecase.core.api.pagination import StandardPagination
from wagecase.core.identifiers import make_id_number
from wagecase.core.models import Enterprise

TZ = ZoneInfo("Asia/Shanghai")
OLD = dt.datetime(2026, 1, 10, 9, 0, tzinfo=TZ)
NEW = dt.datetime(2026, 6, 10, 9, 0, tzinfo=TZ)
SINCE = "2026-03-01T00:00:00+08:00"
D = dt.date.fromisoformat


def stamp(obj, when):
    """Set a row's modification time by hand (queryset.update does not touch auto_now)."""
    type(obj)._base_manager.filter(pk=obj.pk).update(last_updated=when)


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture
def client(api_as, inspector):
    return api_as(inspector)


# --- updated_since ------------------------------------------------------------------------------------


def listing_for(case, user):
    listing = blacklist_services.listing_propose(case=case, user=user, subject_type="enterprise", basis="threshold",
                                                 notified_on=D("2026-02-12"))
    return listing


@pytest.fixture
def listable(make_case, make_project, inspector):
    def make():
        project = make_project()
        case = make_case(project=project, enterprise=project.general_contractor, occurred_on=D("2025-12-01"),
                         workers_owed=12, amount_owed=Decimal("96000.00"), deadline=D("2026-03-01"))
        complaint_services.case_order(case=case, user=inspector, issued_on=D("2026-01-05"), pay_by=D("2026-01-20"))
        case.refresh_from_db()
        return listing_for(case, inspector)
    return make


@pytest.mark.parametrize("endpoint, key", [
    ("/api/v1/projects/", "code"),
    ("/api/v1/clues/", "number"),
    ("/api/v1/cases/", "id"),
    ("/api/v1/inspections/", "id"),
    ("/api/v1/blacklist/", "id"),
])
def test_updated_since_keeps_rows_changed_since(client, endpoint, key, make_project, make_clue, make_case,
                                                make_inspection, listable):
    makers = {
        "/api/v1/projects/": make_project,
        "/api/v1/clues/": make_clue,
        "/api/v1/cases/": make_case,
        "/api/v1/inspections/": make_inspection,
        "/api/v1/blacklist/": listable,
    }
    old, new = makers[endpoint](), makers[endpoint]()
    stamp(old, OLD)
    stamp(new, NEW)
    if endpoint == "/api/v1/projects/":
        # Making a project also stamps its sub-resources; keep them old too.
        for project in (old, new):
            project.roster.update(last_updated=OLD)
    keys = {getattr(old, key), getattr(new, key)}

    everything = {row[key] for row in results(client.get(endpoint))}
    assert keys <= everything

    since = {row[key] for row in results(client.get(endpoint, {"updated_since": SINCE}))}
    assert getattr(new, key) in since and getattr(old, key) not in since
    # A date means that day from midnight Beijing time; the boundary is inclusive.
    assert getattr(new, key) in {row[key] for row in results(client.get(endpoint, {"updated_since": "2026-06-10"}))}
    assert {row[key] for row in results(client.get(endpoint, {"updated_since": NEW.isoformat()}))} & keys == {getattr(new, key)}
    assert not {row[key] for row in results(client.get(endpoint, {"updated_since": "2026-06-11"}))} & keys


def test_unescaped_plus_of_the_offset_is_understood(client, make_clue):
    old, new = make_clue(), make_clue()
    stamp(old, OLD)
    stamp(new, NEW)
    # "+08:00" not written as %2B reaches the server as " 08:00".
    response = client.get(f"/api/v1/clues/?updated_since={SINCE}")
    assert [row["number"] for row in results(response)] == [new.number]
    utc = client.get("/api/v1/clues/", {"updated_since": "2026-06-10T01:00:00Z"})  # = 09:00 Beijing
    assert [row["number"] for row in results(utc)] == [new.number]


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "2026-06-10T25:00:00+08:00", "1718000000"])
def test_invalid_updated_since_is_400_on_the_field(client, make_clue, value):
    make_clue()
    response = client.get("/api/v1/clues/", {"updated_since": value})
    assert response.status_code == 400
    assert list(response.json()) == ["updated_since"] and response.json()["updated_since"]


def test_a_list_without_modification_time_says_so(client):
    response = client.get("/api/v1/regions/", {"updated_since": SINCE})
    assert response.status_code == 400 and "updated_since" in response.json()


def test_updated_since_never_hides_a_detail(client, make_clue):
    clue = make_clue()
    stamp(clue, OLD)
    assert client.get(f"/api/v1/clues/{clue.number}/", {"updated_since": SINCE}).status_code == 200


def test_a_project_counts_as_updated_when_a_sub_resource_changed(client, make_project, rng):
    quiet, busy = make_project(), make_project()
    for project in (quiet, busy):
        project.roster.update(last_updated=OLD)
        stamp(project, OLD)
    assert not results(client.get("/api/v1/projects/", {"updated_since": SINCE}))

    worker_register(project=busy, id_number=make_id_number(rng, "620502"), name="马小军", entered_on=D("2026-01-05"),
                    contract_signed_on=D("2026-01-04"), refresh=False)
    stamp(busy, OLD)
    rows = results(client.get("/api/v1/projects/", {"updated_since": SINCE}))
    assert [row["code"] for row in rows] == [busy.code]
    # …and its roster tells which rows changed.
    workers = results(client.get(f"/api/v1/projects/{busy.code}/workers/", {"updated_since": SINCE}))
    assert [w["name"] for w in workers] == ["马小军"]


def test_warnings_by_the_days_raised_or_cleared(client, make_project):
    project = make_project()
    ProjectWarning.objects.filter(project=project).delete()
    old = ProjectWarning.objects.create(project=project, rule="a", severity="low", message="旧", raised_on=D("2026-01-05"))
    cleared = ProjectWarning.objects.create(project=project, rule="b", severity="low", message="解除", raised_on=D("2026-01-05"),
                                            cleared_on=D("2026-04-01"), active=False)
    new = ProjectWarning.objects.create(project=project, rule="c", severity="low", message="新", raised_on=D("2026-05-01"))
    ids = {row["id"] for row in results(client.get("/api/v1/warnings/", {"updated_since": SINCE}))}
    assert ids == {cleared.pk, new.pk} and old.pk not in ids


def test_reports_lists_take_updated_since_too(client):
    assert client.get("/api/v1/reports/weekly/", {"updated_since": SINCE}).status_code == 200
    assert client.get("/api/v1/reports/weekly/", {"updated_since": "nonsense"}).status_code == 400
    assert client.get("/api/v1/reports/daily/", {"updated_since": "nonsense"}).status_code == 400


def test_scope_still_applies_with_updated_since(api_as, other_inspector, make_clue):
    clue = make_clue()
    stamp(clue, NEW)
    assert results(api_as(other_inspector).get("/api/v1/clues/", {"updated_since": SINCE})) == []


def test_schema_documents_the_parameters_in_chinese_and_english(django_db_setup, django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        schema = json.loads(APIClient().get("/api/schema/?format=json").content)

    def params(path):
        return {p["name"]: p for p in schema["paths"][path]["get"].get("parameters", [])}

    for path in ("/api/v1/projects/", "/api/v1/clues/", "/api/v1/cases/", "/api/v1/inspections/", "/api/v1/blacklist/",
                 "/api/v1/projects/{code}/payrolls/", "/api/v1/reports/weekly/", "/api/v1/warnings/"):
        found = params(path)
        assert "updated_since" in found and "cursor" in found and "page_size" in found, path
        assert "增量同步" in found["updated_since"]["description"] and "Incremental" in found["updated_since"]["description"]
    assert "sub-resources" in params("/api/v1/projects/")["updated_since"]["description"]
    assert "updated_since" not in params("/api/v1/regions/")
    assert params("/api/v1/clues/")["page_size"]["schema"]["maximum"] == 500
    assert schema["components"]["schemas"]["PaginatedClueList"]["required"] == ["results"]


# --- Cursor pagination ---------------------------------------------------------------------------------


def walk(client, url, params):
    """Follow `next` from the first cursor page; returns (pages, watermarks)."""
    pages, marks = [], set()
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"next", "previous", "results"}
        pages.append(body)
        marks.add(response["Sync-Watermark"])
        if body["next"] is None:
            return pages, marks
        response = client.get(body["next"])


def test_cursor_walks_25_rows_without_duplicates_or_gaps_while_rows_change(client, make_clue, inspector):
    clues = [make_clue() for _ in range(25)]
    seen, pages = [], []
    response = client.get("/api/v1/clues/", {"cursor": "", "page_size": 10})
    step = 0
    while True:
        assert response.status_code == 200
        body = response.json()
        assert "count" not in body
        pages.append(body)
        seen += [row["number"] for row in body["results"]]
        step += 1
        if step == 1:
            # Mid-walk: a row already seen and a row not yet seen change, and a new one arrives.
            complaint_services.clue_accept(clue=clues[2], user=inspector)
            complaint_services.clue_accept(clue=clues[17], user=inspector)
            late = make_clue()
        if body["next"] is None:
            break
        response = client.get(body["next"])
    assert [len(page["results"]) for page in pages] == [10, 10, 6]
    assert len(seen) == len(set(seen)) == 26
    assert set(seen) == {c.number for c in clues} | {late.number}
    assert seen[-1] == late.number  # rows created during the walk come at the end
    assert pages[0]["previous"] is None

    # `previous` goes back exactly one page.
    back = client.get(pages[1]["previous"]).json()
    assert [row["number"] for row in back["results"]] == [row["number"] for row in pages[0]["results"]]
    assert back["previous"] is None and back["next"]


def test_every_page_of_a_walk_carries_the_watermark_of_its_start(client, make_clue):
    for _ in range(5):
        make_clue()
    pages, marks = walk(client, "/api/v1/clues/", {"pagination": "cursor", "page_size": 2})
    assert len(pages) == 3 and len(marks) == 1
    watermark = dt.datetime.fromisoformat(marks.pop())
    assert watermark.tzinfo is not None
    # The recommended incremental pull: since the watermark less a few minutes of overlap.
    response = client.get("/api/v1/clues/", {"updated_since": (watermark - dt.timedelta(minutes=5)).isoformat(), "cursor": ""})
    assert len(response.json()["results"]) == 5


def test_cursor_combines_with_filters_and_updated_since(client, make_clue):
    old = [make_clue() for _ in range(3)]
    new = [make_clue() for _ in range(4)]
    for clue in old:
        stamp(clue, OLD)
    for clue in new:
        stamp(clue, NEW)
    pages, _marks = walk(client, "/api/v1/clues/", {"cursor": "", "page_size": 3, "updated_since": SINCE})
    assert [row["number"] for page in pages for row in page["results"]] == [c.number for c in new]


def test_default_is_still_page_numbers(client, make_clue):
    for _ in range(3):
        make_clue()
    body = client.get("/api/v1/clues/", {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and "page=2" in body["next"]


@pytest.mark.parametrize("cursor", ["garbage", "eyJ4IjoxfQ", "!!!"])
def test_invalid_cursor_is_400(client, cursor):
    response = client.get("/api/v1/clues/", {"cursor": cursor})
    assert response.status_code == 400 and "cursor" in response.json()


def test_page_size_cap_applies_to_both_modes():
    paginator = StandardPagination()
    for params in ({"page_size": 5000}, {"page_size": 5000, "cursor": ""}):
        request = Request(APIRequestFactory().get("/api/v1/clues/", params))
        assert paginator.get_page_size(request) == 500


def test_cursor_over_a_grouped_list(client, make_project, rng):
    """Attendance is grouped by month in Python: walked by position."""
    from projects.services import attendance_record

    project = make_project()
    ids = [make_id_number(rng, "620502") for _ in range(2)]
    for i, id_number in enumerate(ids):
        worker_register(project=project, id_number=id_number, name=f"工人{i}", entered_on=D("2026-01-02"),
                        contract_signed_on=D("2026-01-01"))
    for month in ("2026-01", "2026-02", "2026-03"):
        attendance_record(project=project, period=D(f"{month}-01"), days_by_id_number={i: 20 for i in ids})
    pages, _marks = walk(client, f"/api/v1/projects/{project.code}/attendance/", {"cursor": "", "page_size": 2})
    assert [row["period"] for page in pages for row in page["results"]] == ["2026-03", "2026-02", "2026-01"]
    assert all(len(row["days"]) == 2 for page in pages for row in page["results"])


def test_list_query_count_in_cursor_mode(client, make_clue, django_assert_max_num_queries):
    for _ in range(12):
        make_clue()
    client.get("/api/v1/clues/", {"cursor": "", "page_size": 5})  # warm caches (policy, calendar)
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/clues/", {"cursor": "", "page_size": 5})
    assert len(response.json()["results"]) == 5


def test_enterprises_walk_by_key_even_when_the_list_is_ordered_by_name(client, make_enterprise):
    made = [make_enterprise(name=f"企业{n:02d}") for n in (5, 3, 9, 1)]
    pages, _marks = walk(client, "/api/v1/enterprises/", {"cursor": "", "page_size": 3, "region_code": "620502"})
    got = [row["uscc"] for page in pages for row in page["results"]]
    expected = list(Enterprise.objects.filter(region_id="620502").order_by("pk").values_list("uscc", flat=True))
    assert got == expected and {e.uscc for e in made} <= set(got)


def test_models_used_here_change_their_last_updated_on_save(make_case, make_clue, inspector):
    """What updated_since relies on: a service that changes a row saves it (auto_now moves)."""
    case = make_case()
    stamp(case, OLD)
    complaint_services.case_payment_add(case=ArrearsCase.objects.get(pk=case.pk), user=inspector, amount=Decimal("1000.00"),
                                        paid_on=D("2026-10-01"), source="enterprise", workers=1)
    assert ArrearsCase.objects.get(pk=case.pk).last_updated > NEW
    clue = make_clue()
    stamp(clue, OLD)
    complaint_services.clue_accept(clue=Clue.objects.get(pk=clue.pk), user=inspector)
    assert Clue.objects.get(pk=clue.pk).last_updated > NEW
    assert Project._meta.get_field("last_updated").auto_now and Inspection._meta.get_field("last_updated").auto_now


# --- Bulk upserts ---------------------------------------------------------------------------------------


def test_roster_bulk_upsert_is_all_or_nothing_with_errors_by_row(client, make_project, rng, api_as, other_inspector):
    from projects.models import Employment
    from tests.projects.test_api import worker_payload

    project = make_project()
    bulk = f"/api/v1/projects/{project.code}/workers/bulk/"
    items = [worker_payload(rng, name=f"工人{i}") for i in range(4)]
    bad = [*items[:2], {**items[2], "id_number": "620502199001011234"}, items[3], {**items[3], "name": "重复"}]
    response = client.post(bulk, bad, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["index"], list(e["errors"])) for e in errors] == [(2, ["id_number"]), (4, ["id_number"])]
    assert not Employment.objects.filter(project=project).exists()

    assert client.post(bulk, items, format="json").json() == {"created": 4, "updated": 0}
    again = client.post(bulk, [{**items[0], "trade": "木工"}, worker_payload(rng)], format="json")
    assert again.json() == {"created": 1, "updated": 1}
    assert Employment.objects.filter(project=project).count() == 5
    assert Employment.objects.get(project=project, worker__id_number=items[0]["id_number"]).trade == "木工"
    # Not a list, or another county's project.
    assert client.post(bulk, {"id_number": "x"}, format="json").status_code == 400
    assert api_as(other_inspector).post(bulk, items, format="json").status_code == 404
