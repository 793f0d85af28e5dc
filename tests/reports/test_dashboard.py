"""/reports/dashboard/: figures against hand-counted data (period bounds, merged duplicates, the
caller's scope), the region filter (wider → the jurisdiction, outside → 404), every drill-down URL
opening a list that shows the rows counted, and a bounded number of queries."""
import datetime as dt
import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import services as clue_services
from projects.models import Project, ProjectWarning
from tests.complaints.conftest import at, make_case, make_clue  # noqa: F401  (fixtures)
from tests.conftest import HOME, OTHER
from tests.projects.conftest import make_project  # noqa: F401  (a fixture)
from wagecase.core.choices import Role
from wagecase.reports import dashboard as selectors

D = dt.date.fromisoformat
URL = "/reports/dashboard/"
PERIOD = {"date_from": "2026-01-01", "date_to": "2026-06-30"}


def close(clue, user, workers, amount):
    clue = clue_services.clue_accept(clue=clue, user=user)
    clue = clue_services.clue_classify(clue=clue, user=user, category="wage_arrears")
    clue = clue_services.clue_resolve(clue=clue, user=user, workers_paid=workers, amount_recovered=Decimal(amount),
                                      result="已足额支付。")
    return clue_services.clue_close(clue=clue, user=user, reply="已告知投诉人。")


def warn(project, *rules, active=True):
    for rule in rules:
        ProjectWarning.objects.create(project=project, rule=rule, severity="red", message=rule, raised_on=D("2026-11-01"),
                                      active=active)


@pytest.fixture
def data(make_clue, make_case, make_project, inspector, other_inspector):
    """At home: five clues in the first half of 2026 (weeks 2, 2, 3, 10, 27; two closed), one on
    31 December 2025 (ISO week 2026-W01, outside the period) and a duplicate merged into the online
    one; three open cases (one key-monitoring and overdue, one government-type and overdue, one
    recent) and a cleared one; three projects in progress with chosen warnings and scores, and a
    planned one. In the neighbouring county: a clue, a case and a project of its own."""
    today = timezone.localdate()
    clues = {
        "c1": close(make_clue(received_at=at("2026-01-05"), channel="hotline_12333"), inspector, 3, "18600.00"),
        "c2": make_clue(received_at=at("2026-01-07"), channel="online"),
        "c3": close(make_clue(received_at=at("2026-01-14"), channel="hotline_12333"), inspector, 2, "5000.00"),
        "c4": make_clue(received_at=at("2026-03-02"), channel="qr_code"),
        "c5": make_clue(received_at=at("2026-06-30", 23), channel="hotline_12345"),
        "before": make_clue(received_at=at("2025-12-31"), channel="hotline_12333"),
        "other": make_clue(region=OTHER, user=other_inspector, received_at=at("2026-01-06"), channel="window"),
    }
    duplicate = make_clue(received_at=at("2026-01-08"), channel="online")
    clues["duplicate"] = clue_services.clue_merge(clue=duplicate, into=clues["c2"], user=inspector)

    government = make_project(investment_type="government", industry="housing")
    housing = make_project(industry="housing")
    transport = make_project(industry="transport")
    make_project(status="planned", start_date=D("2027-03-01"), contract_signed_on=D("2026-11-01"),
                 planned_end_date=D("2028-01-01"))
    other_project = make_project(region=OTHER)
    ProjectWarning.objects.all().delete()
    warn(housing, "payroll_late", "no_notice_board")
    warn(transport, "roster_empty")
    warn(government, "deposit_short", active=False)  # cleared: does not count
    warn(other_project, "allocation_missing")
    Project.objects.filter(pk=government.pk).update(compliance_score=100)
    Project.objects.filter(pk__in=[housing.pk, transport.pk, other_project.pk]).update(compliance_score=60)

    cases = {
        "key": make_case(occurred_on=D("2025-10-01"), workers_owed=40, amount_owed=Decimal("500000.00")),
        "government": make_case(project=government, enterprise=government.general_contractor, occurred_on=D("2025-06-01"),
                                workers_owed=5, amount_owed=Decimal("50000.00")),
        "recent": make_case(occurred_on=today - dt.timedelta(days=1), workers_owed=12, amount_owed=Decimal("96000.00")),
        "cleared": make_case(occurred_on=D("2025-11-01"), workers_owed=2, amount_owed=Decimal("8000.00")),
        "other": make_case(region=OTHER, user=other_inspector, occurred_on=D("2025-10-01"), workers_owed=3,
                           amount_owed=Decimal("70000.00")),
    }
    clue_services.case_payment_add(case=cases["key"], user=inspector, amount="100000.00", paid_on=D("2026-02-10"),
                                   source="enterprise", workers=10)
    clue_services.case_payment_add(case=cases["cleared"], user=inspector, amount="8000.00", paid_on=D("2026-03-10"),
                                   source="enterprise", workers=2)
    for key in cases:
        cases[key].refresh_from_db()
    return {"clues": clues, "cases": cases, "projects": {"government": government, "housing": housing,
                                                         "transport": transport, "other": other_project}}


@pytest.fixture
def city_staff(make_user):
    return make_user(Role.OFFICE_STAFF, "6205", username="staff_city")


def dashboard(client, user, **params):
    client.force_login(user)
    response = client.get(URL, {**PERIOD, **params})
    assert response.status_code == 200, response.content[:2000]
    return response


def chart_data(response):
    html, tag = response.content.decode(), '<script id="dashboard-data" type="application/json">'
    start = html.index(tag) + len(tag)
    return json.loads(html[start:html.index("</script>", start)])


def tiles(response):
    return {tile["key"]: tile for tile in response.context["tiles"]}


def listed(client, url):
    """The records a list page shows for `url` (all pages: the filter's queryset)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return set(response.context["filter"].qs)


# --- figures ---------------------------------------------------------------------------------------

def test_weeks_hand_counted(data):
    from wagecase.core.models import User

    user = User.objects.get(username="inspector_home")
    weeks = selectors.clue_weeks(user, region_code=HOME, date_from=D("2026-01-01"), date_to=D("2026-06-30"))
    mondays = [w[0] for w in weeks["weeks"]]
    assert mondays[0] == D("2025-12-29") and weeks["weeks"][0][1] == D("2026-01-01")  # week 1 cut to the period
    assert mondays[-1] == D("2026-06-29") and weeks["weeks"][-1][2] == D("2026-06-30") and len(mondays) == 27
    w2, w3, w10, w27 = D("2026-01-05"), D("2026-01-12"), D("2026-03-02"), D("2026-06-29")
    assert weeks["by_channel"] == {"hotline_12333": {w2: 1, w3: 1}, "online": {w2: 1}, "qr_code": {w10: 1},
                                   "hotline_12345": {w27: 1}}
    assert weeks["by_status"] == {"closed": {w2: 1, w3: 1}, "received": {w2: 1, w10: 1, w27: 1}}
    assert weeks["received"] == {w2: 2, w3: 1, w10: 1, w27: 1} and weeks["closed"] == {w2: 1, w3: 1}


def test_page_hand_counted(data, client, inspector):
    response = dashboard(client, inspector)
    shown = tiles(response)
    assert {key: shown[key]["value"] for key in ("clues_received", "clues_closed", "closure_rate", "workers_paid",
                                                 "amount_recovered", "cases_open", "amount_outstanding")} == {
        "clues_received": 5, "clues_closed": 2, "closure_rate": Decimal("40.0"),
        "workers_paid": 3 + 2 + 10 + 2, "amount_recovered": Decimal("131600.00"),  # clues, and payments on cases without a clue
        "cases_open": 3, "amount_outstanding": Decimal("546000.00"),
    }
    assert response.context["region_code"] == HOME
    chart = chart_data(response)
    weeks = chart["weeks"]
    assert len(weeks["labels"]) == 27 and weeks["labels"][0] == "2026-W01" and weeks["labels"][1] == "2026-W02"
    assert sum(weeks["received"]) == 5 and sum(weeks["closed"]) == 2
    assert weeks["rate"][1] == 50.0 and weeks["rate"][2] == 100.0 and weeks["rate"][0] is None
    assert weeks["cumulative"][2] == 66.7 and weeks["cumulative"][-1] == 40.0
    channel = {s["key"]: s["data"] for s in weeks["by_channel"]}
    assert channel["hotline_12333"][1:3] == [1, 1] and channel["online"][1] == 1 and sum(channel["qr_code"]) == 1
    assert chart["systems"]["total"] == 3
    assert dict(zip(["dedicated_account", "real_name", "contractor_payroll", "wage_deposit", "notice_board"],
                    chart["systems"]["ok"])) == {"dedicated_account": 3, "real_name": 2, "contractor_payroll": 2,
                                                 "wage_deposit": 3, "notice_board": 2}
    assert chart["systems"]["rates"] == [100.0, 66.7, 66.7, 100.0, 66.7]
    assert chart["systems"]["levels"] == ["met", "short", "short", "met", "short"]  # coloured as on the 8个100% page
    assert (chart["industries"]["ok"], chart["industries"]["total"], chart["industries"]["rates"]) == ([1, 0], [2, 1], [50.0, 0.0])
    assert chart["industries"]["levels"] == ["short", "short"]
    assert chart["counties"]["amounts"] == [546000.0] and chart["counties"]["cases"] == [3]

    cases = data["cases"]
    assert [c.pk for c in response.context["key_monitoring"]] == [cases["key"].pk]
    assert response.context["key_monitoring_count"] == 1
    assert [c.pk for c in response.context["overdue_cases"]] == [cases["government"].pk, cases["key"].pk]  # earliest due first
    assert response.context["overdue_case_count"] == 2
    clues = data["clues"]
    # The lists are today's, whatever the period: the open clue of 31 December 2025 is overdue too.
    assert {c.pk for c in response.context["overdue_clues"]} == {clues[k].pk for k in ("before", "c2", "c4", "c5")}
    assert response.context["overdue_clue_count"] == 4
    countdown = {card["key"]: card for card in response.context["countdown"]}
    assert (countdown["government"]["open_cases"], countdown["government"]["amount_outstanding"]) == (1, Decimal("50000.00"))
    assert countdown["government"]["overdue_cases"] == 1 and countdown["other"]["overdue_cases"] == 1
    assert countdown["government"]["days_left"] == (countdown["government"]["due"] - timezone.localdate()).days
    html = response.content.decode()
    for chart_id in ("chart-by-channel", "chart-by-status", "chart-closure", "chart-counties", "chart-systems",
                     "chart-industries"):
        assert f'id="{chart_id}"' in html
    assert "vendor/echarts/echarts.min.js" in html and "js/dashboard.js" in html
    # The overdue clues' last column is their deadline (期限), not "Due" as in wages due (应发).
    overdue = html[html.index('id="list-overdue-clues"'):html.index('id="list-overdue-cases"')]
    assert "<th class=\"text-end\">期限</th>" in overdue and "应发" not in overdue


def test_scope_another_county_sees_its_own(data, client, other_inspector):
    response = dashboard(client, other_inspector)
    shown = tiles(response)
    assert (shown["clues_received"]["value"], shown["cases_open"]["value"], shown["amount_outstanding"]["value"]) == (
        1, 1, Decimal("70000.00"))
    chart = chart_data(response)
    assert [s["key"] for s in chart["weeks"]["by_channel"]] == ["window"]
    assert chart["systems"]["total"] == 1 and chart["systems"]["ok"][0] == 0  # its one project lacks allocations
    assert chart["counties"]["labels"] == ["麦积区"]
    assert not response.context["key_monitoring"] and response.context["overdue_clue_count"] == 1
    # Our county is outside its jurisdiction: 404, as in the API.
    assert client.get(URL, {"region_code": HOME}).status_code == 404
    assert client.get(URL, {"region_code": "6201"}).status_code == 404


def test_region_filter(data, client, city_staff, inspector):
    both = dashboard(client, city_staff)
    assert both.context["region_code"] == "6205"
    assert tiles(both)["clues_received"]["value"] == 6 and tiles(both)["cases_open"]["value"] == 4
    chart = chart_data(both)
    assert chart["counties"]["labels"] == ["秦州区", "麦积区"]  # most outstanding first
    assert chart["systems"]["total"] == 4
    home = dashboard(client, city_staff, region_code=HOME)
    assert tiles(home)["clues_received"]["value"] == 5 and home.context["region_code"] == HOME
    # A county user asking for the whole city (or the province) gets its county.
    wider = dashboard(client, inspector, region_code="6205")
    assert wider.context["region_code"] == HOME and tiles(wider)["clues_received"]["value"] == 5
    assert dashboard(client, inspector, region_code="62").context["region_code"] == HOME
    # The region list offers the jurisdiction and what lies below it.
    options = [code for code, _label in both.context["form"].fields["region_code"].widget.choices]
    assert options[0] == "6205" and HOME in options and OTHER in options and all(c.startswith("6205") for c in options)


def test_period_bounds_and_defaults(data, client, inspector):
    first_week = dashboard(client, inspector, date_from="2026-01-01", date_to="2026-01-07")
    assert tiles(first_week)["clues_received"]["value"] == 2  # the merged duplicate of 8 January is not counted anyway
    assert len(chart_data(first_week)["weeks"]["labels"]) == 2
    last_day = dashboard(client, inspector, date_from="2026-06-30", date_to="2026-06-30")  # received 23:00 Beijing time
    assert tiles(last_day)["clues_received"]["value"] == 1
    client.force_login(inspector)
    default = client.get(URL)
    today = timezone.localdate()
    assert (default.context["date_from"], default.context["date_to"]) == (dt.date(today.year, 1, 1), today)


def test_bad_parameters(client, inspector):
    client.force_login(inspector)
    response = client.get(URL, {"date_from": "2026-06-30", "date_to": "2026-01-01"})
    assert response.status_code == 400 and "date_to" in response.context["form"].errors
    assert client.get(URL, {"region_code": "62x"}).status_code == 400
    assert client.get(URL, {"date_from": "2026-13-01"}).status_code == 400
    client.logout()
    assert client.get(URL).status_code == 302  # to the login page


def test_bureau_sees_its_industries(data, client, bureau):
    response = dashboard(client, bureau)  # housing, city-wide
    chart = chart_data(response)
    assert chart["systems"]["total"] == 3  # two housing projects at home, one in the neighbouring county
    assert len(chart["industries"]["labels"]) == 1 and chart["industries"]["total"] == [3]  # no transport


# --- drill-down ------------------------------------------------------------------------------------

def test_drill_down_urls_show_the_counted_rows(data, client, inspector):
    response = dashboard(client, inspector)
    chart = chart_data(response)
    clues, cases, projects = data["clues"], data["cases"], data["projects"]
    shown = tiles(response)

    assert listed(client, shown["clues_received"]["url"]) == {clues[k] for k in ("c1", "c2", "c3", "c4", "c5")}
    assert listed(client, shown["clues_closed"]["url"]) == {clues["c1"], clues["c3"]}
    assert listed(client, shown["cases_open"]["url"]) == {cases["key"], cases["government"], cases["recent"]}
    assert client.get(shown["closure_rate"]["url"]).status_code == 200
    for key in ("projects_monitored", "projects_inspected", "violations_published", "blacklisted"):
        assert client.get(shown[key]["url"]).status_code == 200, key

    weeks = chart["weeks"]
    channel = {s["key"]: s for s in weeks["by_channel"]}
    assert listed(client, channel["hotline_12333"]["urls"][1]) == {clues["c1"]}  # week 2
    assert listed(client, channel["online"]["urls"][1]) == {clues["c2"]}  # not its merged duplicate
    assert listed(client, weeks["urls"][0]) == set()  # week 1 from 1 January: not the clue of 31 December
    assert listed(client, weeks["urls"][-1]) == {clues["c5"]}  # 30 June, 23:00
    status = {s["key"]: s for s in weeks["by_status"]}
    assert listed(client, status["closed"]["urls"][2]) == {clues["c3"]}
    assert listed(client, weeks["closed_urls"][1]) == {clues["c1"]}

    systems = dict(zip(["dedicated_account", "real_name", "contractor_payroll", "wage_deposit", "notice_board"],
                       chart["systems"]["urls"]))
    assert listed(client, systems["contractor_payroll"]) == {projects["housing"]}
    assert listed(client, systems["real_name"]) == {projects["transport"]}
    assert listed(client, systems["wage_deposit"]) == set()  # the cleared warning does not count
    assert listed(client, chart["industries"]["urls"][0]) == {projects["housing"]}  # housing, not all in order

    assert listed(client, chart["counties"]["urls"][0]) == {cases["key"], cases["government"], cases["recent"]}
    countdown = {card["key"]: card for card in response.context["countdown"]}
    assert listed(client, countdown["government"]["url"]) == {cases["government"]}
    assert listed(client, countdown["other"]["overdue_url"]) == {cases["key"]}
    assert listed(client, response.context["key_monitoring_url"]) == {cases["key"]}
    assert listed(client, response.context["overdue_cases_url"]) == {cases["key"], cases["government"]}
    assert listed(client, response.context["overdue_clues_url"]) == {clues[k] for k in ("before", "c2", "c4", "c5")}
    html = response.content.decode()
    for case in (cases["key"], cases["government"]):
        assert f'href="{case.get_absolute_url()}"' in html
    assert f'href="{clues["c4"].get_absolute_url()}"' in html


def test_drill_down_urls_keep_the_region(data, client, city_staff):
    chart = chart_data(dashboard(client, city_staff))
    urls = [s["urls"][1] for s in chart["weeks"]["by_channel"]] + chart["counties"]["urls"] + chart["systems"]["urls"]
    for url in urls:
        region = parse_qs(urlsplit(url).query)["region_code"][0]
        assert region.startswith("6205"), url
    assert listed(client, chart["counties"]["urls"][1]) == {data["cases"]["other"]}


def test_warning_system_filter(data, client, inspector, api_as):
    """The filter the compliance chart drills down to, on the page and in the API alike."""
    client.force_login(inspector)
    url = reverse("projects:project_list")
    projects = data["projects"]
    assert listed(client, f"{url}?warning_system=notice_board&warning_system=real_name") == {
        projects["housing"], projects["transport"]}
    response = api_as(inspector).get("/api/v1/projects/", {"warning_system": "contractor_payroll"})
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == [projects["housing"].code]
    assert client.get(url, {"warning_system": "nonsense"}).status_code == 200  # an invalid choice filters nothing out


# --- menu, home, queries ---------------------------------------------------------------------------

def test_menu_and_home(client, inspector):
    client.force_login(inspector)
    response = client.get(reverse("home"))
    group = next(g for g in response.context["nav_menu"] if any(url == URL for _l, url, _a in g["items"]))
    assert group["items"][0][1] == URL
    panels = dict((panel.name, html) for panel, html in response.context["panels"])
    assert URL in panels["dashboard"]


def test_query_count_bounded(data, client, city_staff, make_clue, make_case, django_assert_max_num_queries):
    # More of everything: the number of queries must not grow with the rows.
    for day in range(1, 28):
        make_clue(received_at=at(f"2026-0{1 + day % 6}-{day:02d}"), channel=["online", "window", "qr_code"][day % 3])
    for n in range(6):
        make_case(occurred_on=D("2025-10-01"), workers_owed=30 + n, amount_owed=Decimal("1200000.00"))
    client.force_login(city_staff)
    client.get(URL, PERIOD)  # warm up the session and the caches
    with django_assert_max_num_queries(25) as queries:
        response = client.get(URL, PERIOD)
    assert response.status_code == 200
    assert len(response.context["key_monitoring"]) == 7
    print(f"dashboard queries: {len(queries)}")



def test_the_clue_figures_are_read_from_one_index_alone(data, city_staff):
    """The dashboard's clue queries (the weekly counts and the period's totals) read only columns that
    clue_region_received_idx holds (complaints migration 0005), so at province scale, where a city's
    ~41,600 clues lie on ~18,700 pages, PostgreSQL answers them by an index-only scan of it (41 and
    15 ms instead of 270 and 80). A column added to either query must be added to the index."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from complaints.models import Clue
    from wagecase.reports import figures

    (index,) = [i for i in Clue._meta.indexes if i.name == "clue_region_received_idx"]
    covered = {Clue._meta.get_field(name).column for name in [*index.fields, *index.include]}
    with CaptureQueriesContext(connection) as queries:
        weeks = selectors.clue_weeks(city_staff, region_code="", date_from=D("2026-01-01"), date_to=D("2026-06-30"))
        totals = figures.summary(city_staff, date_from=D("2026-01-01"), date_to=D("2026-06-30"))
    assert sum(weeks["received"].values()) and totals["clues_received"]  # the data's clues were counted
    clue_queries = [q["sql"] for q in queries.captured_queries if 'FROM "complaints_clue"' in q["sql"]]
    assert len(clue_queries) == 2
    for sql in clue_queries:
        assert 'JOIN' not in sql.split('FROM "complaints_clue"')[1].split("WHERE")[0]
        assert set(re.findall(r'"complaints_clue"\."(\w+)"', sql)) <= covered, sql
