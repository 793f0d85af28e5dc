"""Query budgets for every list page and list endpoint (issue 10: "they fail when a change adds an N+1").

Nothing here lists the routes by hand. The endpoints are the GET paths of `/api/schema/` that answer
a list (a paginated `results`, or a JSON array): those without a path parameter, and the
sub-resources with one (`/projects/{code}/workers/`…), whose parameter is filled with the first row
of the parent collection. The pages are the URLconf's routes without a parameter that answer HTML
and are named `*_list` or render a table (forms — `*_add`, `*_edit` — excepted), public lists
included. A new list is covered without editing this file; it fails until its budget is written
into ENDPOINT_BUDGETS or PAGE_BUDGETS.

The data is the world of test_bureau_scope (three zones, each a project with everything hanging
off it), made richer so that every list has rows (a published listing, a publication batch, a
penalty, a campaign with a draw and a daily report, ratings, a credit export, reports, jobs,
notifications, webhooks and their deliveries…). Each list is measured (as a superuser; the
`clients/me` paths as the bureau's client, the public pages anonymously) once with that world (1×)
and again after two more rounds of the same zones in other counties, with more rows under the
parents the sub-resources were read from (3×). The count must not grow with the rows, and stays
within the budget written here."""
import datetime as dt
import itertools
import json
import os
import random
import re
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from tests.integrations import test_bureau_scope as bureau_scope
from tests.integrations.test_bureau_scope import build_world, build_zone, client_for, new_user
from wagecase.core.choices import DepartmentKind, Role
from wagecase.core.identifiers import make_id_number, make_mobile
from wagecase.core.models import Department, Region, User

D = dt.date.fromisoformat

# --- Budgets ------------------------------------------------------------------------------------------
# The most queries a request may make, per route: the count measured (the same at 1× and 3×) plus
# one or two of slack. A new list must be given its budget here; raise one only with a reason.
ENDPOINT_BUDGETS = {
    "/api/v1/blacklist/": 7,
    "/api/v1/blacklist/{id}/events/": 7,
    "/api/v1/blacklist/{id}/objections/": 7,
    "/api/v1/campaigns/": 6,
    "/api/v1/cases/": 9,
    "/api/v1/cases/key-monitoring/": 8,
    "/api/v1/cases/{id}/events/": 9,
    "/api/v1/cases/{id}/payments/": 9,
    "/api/v1/clients/me/calls/": 9,
    "/api/v1/clients/me/tokens/": 9,
    "/api/v1/clues/": 7,
    "/api/v1/clues/duplicates/": 4,
    "/api/v1/clues/{number}/events/": 7,
    "/api/v1/credit-exports/": 5,
    "/api/v1/departments/": 5,
    "/api/v1/draws/": 5,
    "/api/v1/enterprises/": 6,
    "/api/v1/incidents/": 5,
    "/api/v1/inspections/": 7,
    "/api/v1/notifications/": 5,
    "/api/v1/penalties/": 5,
    "/api/v1/projects/": 5,
    "/api/v1/projects/{code}/allocations/": 6,
    "/api/v1/projects/{code}/attendance/": 8,
    "/api/v1/projects/{code}/payrolls/": 8,
    "/api/v1/projects/{code}/subcontractors/": 6,
    "/api/v1/projects/{code}/teams/": 7,
    "/api/v1/projects/{code}/workers/": 7,
    "/api/v1/public/blacklist/": 4,
    "/api/v1/publications/": 5,
    "/api/v1/ratings/": 6,
    "/api/v1/rectifications/": 7,
    "/api/v1/regions/": 5,
    "/api/v1/reports/daily/": 10,
    "/api/v1/reports/monthly/": 6,
    "/api/v1/reports/quarterly/": 6,
    "/api/v1/reports/weekly/": 6,
    "/api/v1/warnings/": 5,
    "/api/v1/webhooks/": 6,
    "/api/v1/webhooks/{id}/deliveries/": 7,
}
PAGE_BUDGETS = {
    "blacklist:batch_list": 6,
    "blacklist:export_list": 6,
    "blacklist:listing_list": 6,
    "blacklist:rating_list": 6,
    "complaints:arrearscase_key_monitoring": 6,
    "complaints:arrearscase_list": 6,
    "complaints:clue_attention": 8,
    "complaints:clue_figures": 7,
    "complaints:clue_list": 6,
    "complaints:clue_mine": 6,
    "complaints:incident_list": 6,
    "complaints:notification_list": 7,
    "complaints:zero_clearance": 8,
    "core:department_list": 6,
    "core:enterprise_list": 6,
    "core:job_list": 6,
    "core:piiaccesslog_list": 9,
    "core:policyvalue_list": 8,
    "core:region_list": 6,
    "core:user_list": 6,
    "home": 17,
    "inspections:campaign_list": 6,
    "inspections:inspection_list": 7,
    "inspections:ledger": 9,
    "inspections:penaltydecision_list": 6,
    "inspections:rectificationorder_list": 6,
    "projects:project_list": 6,
    "projects:projectwarning_list": 6,
    "projects:rates": 19,
    "projects:risk_ranking": 7,
    "projects:worker_list": 6,
    "public_blacklist:list": 5,
    "public_blacklist:violations": 4,
    "reports:dashboard": 21,
    "reports:report_list": 7,
}
# How many routes are covered: removing coverage (a list that stops being found) is noticed.
ENDPOINTS_COVERED = 40
PAGES_COVERED = 35

# Lists that cannot get rows from generic data, with the reason (aim for none).
EXCLUDED = {
}
# Lists whose rows do not grow with the data by nature (reference data): still measured at 1× and
# 3×, but their growth proves nothing about an N+1.
FIXED_ROWS = {
    "/api/v1/regions/": "the regions of GB/T 2260, loaded by migrations (a full first page either way)",
    "core:region_list": "the regions of GB/T 2260, loaded by migrations (a full first page either way)",
    "core:policyvalue_list": "the regional policy values, loaded by migrations",
    "complaints:clue_figures": "figures by channel: every clue of the data comes by the 12333 hotline",
    "projects:rates": "the eight rates: eight rows whatever the number of projects",
    "core:piiaccesslog_list": "the API calls of this test unmask personal data for the superuser: a full first page either way",
}
# Known N+1 (the count grows with the rows), reported to the lead: route -> culprit. Each is an
# xfail(strict=True) below, so fixing it fails the test until the entry is removed.
KNOWN_N_PLUS_ONE = {
}
# Extra queries allowed at 3× over 1×, per route: (n, reason). None is needed: the count taken is
# the second of two requests, so per-process caches (policy values, ContentTypes, the API client's
# once-a-minute `last_used`) are filled before it.
GROWTH_ALLOWANCE = {
}

# Rounds of data: the counties of the zones ours (housing), transport and away (housing, another city).
ROUNDS = [
    ("620502", "620502", "620102"),  # round 0: the world of test_bureau_scope as it is
    ("620503", "620521", "620103"),
    ("620522", "620523", "620104"),
]
# Paths a superuser has no answer for: those of an API client about itself.
AS_CLIENT = ("/api/v1/clients/me/",)
# Page namespaces for anyone, without login.
PUBLIC_NAMESPACES = ("public", "public_draws", "public_blacklist")
# Query strings some lists need to answer at all.
LIST_QUERY = {
    "/api/v1/clues/duplicates/": "?employer_name=天水重复测试劳务有限公司",
}
DUPLICATE_EMPLOYER = "天水重复测试劳务有限公司"
LOOKUP_FIELD = {"code": "code", "number": "number", "id": "id", "uscc": "uscc", "pk": "id"}
SKIP_PREFIXES = ("admin/", "api/", "i18n/", "healthz/", "login/", "logout/")

_n = itertools.count(1)


# --- The data -----------------------------------------------------------------------------------------


def enrich_zone(keys, county, superuser, rng):
    """What build_zone leaves out, for one zone: the lists of blacklist, inspections, reports,
    core and the integrations get rows. Returns more keys."""
    from blacklist import services as blacklist
    from blacklist.models import Listing, PublicationBatch
    from complaints import services as complaints
    from complaints.models import ArrearsCase
    from inspections import services as inspections
    from inspections.models import Campaign, RectificationOrder
    from projects.models import Project
    from wagecase.core.services import job_enqueue
    from wagecase.reports.daily import daily_submit
    from wagecase.reports.services import report_request

    n = next(_n)
    region = Region.objects.get(code=county)
    inspector = User.objects.get(username=keys["inspectors"][0].username)
    inspectors = keys["inspectors"]
    head = new_user(Role.OFFICE_HEAD, county, f"qb-head-{n}")
    for kind in (DepartmentKind.HRSS, DepartmentKind.HOUSING):
        department = Department(kind=kind, region=region, name=f"{region.name}{kind}{n}")
        department.full_clean()
        department.save()
    project = Project.objects.get(code=keys["project"])
    case = ArrearsCase.objects.get(pk=keys["case"])
    # The listing decided (the public list), and a second one still in its objection period.
    listing = Listing.objects.get(pk=keys["listing"])
    blacklist.listing_decide(listing=listing, user=inspector, decided_on=D("2026-02-27"))
    pending = blacklist.listing_propose(case=case, user=inspector, subject_type="enterprise", basis="threshold",
                                        notified_on=D("2026-02-02"), facts="拒不支付")
    blacklist.listing_object(listing=pending, user=inspector, text="已在筹款。", received_on=D("2026-02-05"))
    for enterprise in (case.enterprise, project.builder):
        blacklist.rating_compute(enterprise=enterprise, today=D("2026-03-01"))
    per_county = not PublicationBatch.objects.filter(region=region).exists()  # the county's first zone
    if per_county:
        # The quarter's publication of major violations (every qualifying case of the county), published.
        batch = blacklist.batch_create(user=inspector, region=region, year=2026, quarter=1)
        blacklist.batch_review(batch=batch, user=inspector)
        blacklist.batch_approve(batch=batch, user=head)
        blacklist.batch_publish(batch=batch, user=inspector, published_on=D("2026-04-10"))
    # The order not rectified, and its penalty.
    order = RectificationOrder.objects.get(pk=keys["order"])
    inspections.order_reinspect(order=order, user=inspector, reinspected_on=D("2026-04-01"), rectified=False)
    order.refresh_from_db()
    inspections.penalty_decide(order=order, user=inspector, article="55", amount=Decimal("60000"), facts="逾期未整改。",
                               decided_on=D("2026-04-10"))
    # A campaign with a draw and a day's report.
    campaign = inspections.campaign_save(campaign=Campaign(
        region=region, name=f"冬季专项行动{n}", kind="winter", starts_on=D("2026-11-01"), ends_on=D("2027-02-28"),
        daily_reporting=True))
    inspections.draw_make(campaign=campaign, user=inspector, region=region, count=1, projects=[project],
                          inspectors=list(inspectors), seed=7)
    daily_submit(campaign=campaign, region=region, day=D("2026-11-10"), user=inspector, zero_report=True)
    if per_county:
        blacklist.credit_export_create(user=superuser, region=region)
        for kind, start in (("weekly", "2026-01-05"), ("monthly", "2026-01-01"), ("quarterly", "2026-01-01")):
            report_request(kind=kind, region=region, period_start=D(start))
    # Paid in part; and a case for key monitoring (30 workers or more).
    complaints.case_payment_add(case=case, user=inspector, amount="2000.00", paid_on=D("2026-02-08"), source="enterprise",
                                workers=1)
    key_case = complaints.case_open(
        user=inspector, project=project, enterprise=case.enterprise, occurred_on=D("2025-12-01"), workers_owed=36,
        amount_owed=Decimal("288000.00"), responsible_unit="住建局", responsible_leader="王副区长", responsible_person="李志强",
        measures="约谈总包单位。", deadline=D("2026-03-01"), description="三十六名工人欠薪", workers=[])
    complaints.case_payment_add(case=key_case, user=inspector, amount="8000.00", paid_on=D("2026-02-08"),
                                source="enterprise", workers=1)
    # The superuser's own: a notification, a job, a clue in its queue (a recent one, about an employer
    # every round's clue names: the duplicate check finds them).
    complaints.notify(user=superuser, key=f"qb-{n}", title=f"线索即将到期{n}")
    job_enqueue(kind="export", user=superuser, title=f"导出{n}", params={"model": "projects.project", "query": ""})
    clue = complaints.clue_receive(
        user=superuser, channel="hotline_12333", received_at=timezone.now() - dt.timedelta(days=1),
        region=region, complainant_name="李小红", complainant_phone=make_mobile(rng),
        complainant_id_number=make_id_number(rng, county), project=project, employer_name=DUPLICATE_EMPLOYER, workers_involved=2, amount_claimed=Decimal("3000.00"),
        description="两名工人工资未发放。")
    complaints.clue_accept(clue=clue, user=superuser)
    return {"pending_listing": pending.pk, "campaign": campaign.pk}


def client_extras(world, rounds):
    """The bureau client's own rows: a token and a webhook subscription per round, and a case
    event for each subscription to deliver."""
    from wagecase.integrations import events
    from wagecase.integrations.models import ApiClient
    from wagecase.integrations.services import token_create
    from wagecase.integrations.webhooks import subscription_create

    client = ApiClient.objects.get(name="bureau_housing")
    for _ in range(rounds):
        n = next(_n)
        token_create(client, f"qb-token-{n}")
        subscription_create(client=client, url=f"https://zjj.example.invalid/hooks/{n}", events=["case.opened"])
    for _ in range(rounds):  # each subscription in scope gets a delivery
        events.emit(events.WebhookEvent.CASE_OPENED, region_code="620502", industry="housing", data={"id": next(_n)})


def grow_children(existing):
    """More rows under the parents that existed at 1× (the sub-resources' parents)."""
    from blacklist import services as blacklist
    from blacklist.models import Listing
    from complaints import services as complaints
    from complaints.models import ArrearsCase, Clue
    from projects import services as projects
    from projects.models import Project

    rng = random.Random(20261203)
    for project in Project.objects.filter(pk__in=existing["projects"]):
        team = projects.work_team_save(project=project, name=f"木工班{next(_n)}", leader_name="李班长",
                                       leader_phone=make_mobile(rng))
        workers = []
        for i in range(6):
            id_number = make_id_number(rng, project.region_id)
            projects.worker_register(project=project, id_number=id_number, name=f"新工人{next(_n)}", phone=make_mobile(rng),
                                     trade="木工", team=team, contract_signed_on=D("2025-12-08"), entered_on=D("2025-12-10"))
            workers.append(id_number)
        everyone = list(project.roster.values_list("worker__id_number", flat=True))
        for month in ("2026-02-01", "2026-03-01"):
            projects.payroll_upsert(project=project, period=D(month), paid_on=D(month) + dt.timedelta(days=40),
                                    paid_via="contractor_bank",
                                    lines=[{"id_number": w, "amount_due": Decimal("6000.00"), "amount_paid": Decimal("6000.00")}
                                           for w in everyone])
            projects.allocation_upsert(project=project, period=D(month), amount=Decimal("300000.00"),
                                       paid_on=D(month) + dt.timedelta(days=19))
            projects.attendance_record(project=project, period=D(month), days_by_id_number={w: 20 for w in everyone})
        for _ in range(2):
            sub = bureau_scope.new_enterprise(rng, project.region_id, f"劳务分包有限公司{next(_n)}", set(), "subcontractor")
            projects.subcontractor_add(project=project, enterprise=sub, scope_of_work="劳务分包")
    for case in ArrearsCase.objects.filter(pk__in=existing["cases"]):
        user = User.objects.filter(role=Role.INSPECTOR, jurisdiction_id=case.region_id).first()
        for day in ("2026-02-10", "2026-02-20"):
            complaints.case_payment_add(case=case, user=user, amount="1000.00", paid_on=D(day), source="enterprise",
                                        workers=1)
        complaints.case_note(case=case, user=user, comment="约谈企业负责人。")
    for clue in Clue.objects.filter(pk__in=existing["clues"]):
        user = clue.owner or User.objects.filter(role=Role.INSPECTOR, jurisdiction_id=clue.region_id).first()
        for text in ("电话联系投诉人。", "调取工资表。", "约谈用工单位。"):
            complaints.clue_note(clue=clue, user=user, comment=text)
    for listing in Listing.objects.filter(pk__in=existing["listings"]):
        user = User.objects.filter(role=Role.INSPECTOR, jurisdiction_id=listing.region_id).first()
        for text in ("复核材料。", "补充证据。"):
            blacklist.listing_note(listing=listing, user=user, comment=text)
        if listing.status == "notified":
            for day in ("2026-02-06", "2026-02-07"):
                blacklist.listing_object(listing=listing, user=user, text="补充申辩。", received_on=D(day))


def build_round(k, rng, superuser, monkeypatch):
    """Round k ≥ 1: the three zones again in other counties, with other codes and usernames."""
    ours, transport, away = ROUNDS[k]
    suffix = f"-r{k}"
    monkeypatch.setattr(bureau_scope, "new_user",
                        lambda role, region, username, *a, **kw: new_user(role, region, username + suffix, *a, **kw))
    pii = set()
    for zone, county in (("ours", ours), ("transport", transport), ("away", away)):
        keys = build_zone(zone, rng, pii, code=f"QB-{county}-{zone.upper()}-{k}", county=county)
        enrich_zone(keys, county, superuser, rng)


# --- Routes -------------------------------------------------------------------------------------------


def walk(patterns, prefix="", namespace=None):
    """(route, name, pattern) of every URL pattern, names with their namespace."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(x for x in (namespace, pattern.namespace) if x) or None
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), f"{namespace}:{pattern.name}" if namespace else pattern.name, pattern


def page_candidates():
    """Pages without a path parameter, by name (unnamed ones are redirects)."""
    for route, name, _pattern in walk(get_resolver().url_patterns):
        if not name or route.startswith(SKIP_PREFIXES) or "<" in route or "(?P" in route:
            continue
        if name.split(":")[-1].endswith(("_add", "_edit", "_export", "_import", "_request", "_propose", "_template")):
            continue  # forms and downloads, not lists
        yield name, "/" + route


def api_rows(response):
    if "json" not in response.get("Content-Type", "") or getattr(response, "streaming", False):
        return None  # a file (a download), not a list
    data = response.json()
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return len(data["results"])
    if isinstance(data, list):
        return len(data)
    return None  # an object or figures, not a list


# A record shown as a card or a list item (the public lists, the notifications); a form styled as a
# card is not one.
RECORD = re.compile(r'<(?:div|a|li)\s+class="(?:card pub-card|list-group-item)[\s"]')
TBODY = re.compile(r"<tbody.*?</tbody>", re.S)
ROW = re.compile(r"<tr[\s>].*?</tr>", re.S)


def page_rows(response):
    """Data rows of the page's tables (not a table's "nothing here" row), and records shown as cards or list items."""
    text = response.content.decode("utf-8", "replace")
    rows = [row for body in TBODY.findall(text) for row in ROW.findall(body)]
    data = [row for row in rows if not re.fullmatch(r"<tr[^>]*>\s*<td colspan=[^>]*>[^<]*</td>\s*</tr>", row)]
    return len(data) + len(RECORD.findall(text))


def count_queries(client, url):
    """Queries of the second of two requests (the first fills per-process caches and the API
    client's once-a-minute `last_used`)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


class Measure:
    def __init__(self, world):
        self.world = world
        self.root = client_for(world["superuser"])
        self.client = client_for(world["bureau"])
        self.page_client = Client()
        self.page_client.force_login(world["superuser"])
        self.anonymous = Client()
        self.endpoints = {}  # path template -> url
        self.pages = {}  # name -> url
        self.statuses = {}

    def api(self, path):
        return self.client if path.startswith(AS_CLIENT) else self.root

    def discover(self, schema):
        """The list endpoints and list pages, found with the 1× data."""
        paths = sorted(p for p, ops in schema["paths"].items() if p.startswith("/api/v1/") and "get" in ops)
        for path in paths:
            if path.count("{") > 1 or re.search(r"\{\w+\}/$", path):
                continue  # a detail, not a list
            url = path + LIST_QUERY.get(path, "")
            if "{" in path:
                prefix, param = re.match(r"(/api/v1/.*?/)\{(\w+)\}/", path).groups()
                parents = self.api(prefix).get(prefix)
                first = (parents.json().get("results") or [None])[0] if parents.status_code == 200 else None
                field = LOOKUP_FIELD.get(param, param)
                if not first or field not in first:
                    self.statuses[path] = "no parent"
                    continue
                url = url.replace("{" + param + "}", str(first[field]))
            response = self.api(path).get(url)
            if response.status_code == 200 and api_rows(response) is not None:
                self.endpoints[path] = url
            else:
                self.statuses[path] = response.status_code
        for name, url in page_candidates():
            client = self.anonymous if name.split(":")[0] in PUBLIC_NAMESPACES else self.page_client
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            text = response.content.decode("utf-8", "replace")
            if name.endswith("_list") or "<table" in text or RECORD.search(text):
                self.pages[name] = url

    def measure(self):
        out = {}
        for path, url in self.endpoints.items():
            response, queries = count_queries(self.api(path), url)
            assert response.status_code == 200, (path, response.status_code)
            out[path] = (queries, api_rows(response))
        for name, url in self.pages.items():
            client = self.anonymous if name.split(":")[0] in PUBLIC_NAMESPACES else self.page_client
            response, queries = count_queries(client, url)
            assert response.status_code == 200, (name, response.status_code)
            out[name] = (queries, page_rows(response))
        return out


def dump_queries(measure, routes):
    """QUERY_BUDGETS_DUMP=route,route (with -s): print the SQL of those routes at 3×, to find the culprit.
    QUERY_BUDGETS_REPORT=1 (with -s) prints every route's counts, to fill in a budget."""
    for route in filter(None, routes.split(",")):
        if route in measure.pages:
            url = measure.pages[route]
            client = measure.anonymous if route.split(":")[0] in PUBLIC_NAMESPACES else measure.page_client
        else:
            url, client = measure.endpoints[route], measure.api(route)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        print(f"\n{route}: {len(queries)} queries")
        for query in queries.captured_queries:
            print("   ", query["sql"][:400])


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """{route: (queries at 1×, rows at 1×, queries at 3×, rows at 3×)}, and what was found."""
    from django.core.cache import cache

    from blacklist.models import Listing
    from complaints.models import ArrearsCase, Clue
    from projects.models import Project
    from wagecase.core import policy, workdays

    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as monkeypatch:
        with transaction.atomic():
            policy.clear_cache()
            workdays.clear_cache()
            cache.clear()
            world = build_world()
            rng = random.Random(20261204)
            for zone, county in zip(("ours", "transport", "away"), ROUNDS[0]):
                enrich_zone(world["keys"][zone], county, world["superuser"], rng)
            client_extras(world, 1)
            measure = Measure(world)
            schema = json.loads(APIClient().get("/api/schema/?format=json").content)
            measure.discover(schema)
            once = measure.measure()
            existing = {"projects": list(Project.objects.values_list("pk", flat=True)),
                        "cases": list(ArrearsCase.objects.values_list("pk", flat=True)),
                        "clues": list(Clue.objects.values_list("pk", flat=True)),
                        "listings": list(Listing.objects.values_list("pk", flat=True))}
            for k in (1, 2):
                build_round(k, rng, world["superuser"], monkeypatch)
            monkeypatch.undo()
            client_extras(world, 2)
            grow_children(existing)
            cache.clear()  # the public pages' rate-limit counters
            thrice = measure.measure()
            dump_queries(measure, os.environ.get("QUERY_BUDGETS_DUMP", ""))
            if os.environ.get("QUERY_BUDGETS_REPORT"):
                print("\n" + report(sorted(once), {"routes": {r: (*once[r], *thrice[r]) for r in once}}))
            yield {"routes": {route: (*once[route], *thrice[route]) for route in once},
                   "endpoints": sorted(measure.endpoints), "pages": sorted(measure.pages),
                   "not_lists": measure.statuses}
            transaction.set_rollback(True)
            policy.clear_cache()
            workdays.clear_cache()
            cache.clear()


def report(routes, measured):
    return "\n".join(f"  {route}: {measured['routes'][route][0]} queries at 1× ({measured['routes'][route][1]} rows), "
                     f"{measured['routes'][route][2]} at 3× ({measured['routes'][route][3]} rows)" for route in routes)


# --- Tests --------------------------------------------------------------------------------------------

BUDGETS = {"endpoints": ENDPOINT_BUDGETS, "pages": PAGE_BUDGETS}
COVERED = {"endpoints": ENDPOINTS_COVERED, "pages": PAGES_COVERED}
KINDS = ["endpoints", "pages"]


def covered(measured, kind):
    return [route for route in measured[kind] if route not in EXCLUDED]


@pytest.mark.parametrize("kind", KINDS)
def test_every_list_is_covered_and_has_a_budget(measured, db, kind):
    found = set(measured[kind])
    budgets = BUDGETS[kind]
    missing = sorted(found - set(budgets) - set(EXCLUDED))
    name = "ENDPOINT_BUDGETS" if kind == "endpoints" else "PAGE_BUDGETS"
    assert not missing, (
        f"A list without a query budget: add it to {name} in tests/test_query_budgets.py (the count measured "
        f"plus one or two):\n{report(missing, measured)}")
    gone = sorted(set(budgets) - found)
    assert not gone, f"In {name} but no longer found as a list (removed, renamed, or no longer answers rows?): {gone}"
    assert len(found) == COVERED[kind], f"{kind}: {len(found)} lists found, {COVERED[kind]} expected"


@pytest.mark.parametrize("kind", KINDS)
def test_every_list_returns_rows_and_more_with_more_data(measured, db, kind):
    routes = measured["routes"]
    empty = [route for route in covered(measured, kind) if not routes[route][1]]
    assert not empty, f"Lists without rows prove nothing about their queries:\n{report(empty, measured)}"
    flat = [route for route in covered(measured, kind) if routes[route][3] <= routes[route][1] and route not in FIXED_ROWS]
    assert not flat, f"Lists with no more rows at 3× than at 1× (give them more data):\n{report(flat, measured)}"


def count_query_allowance(route, routes):
    """The API's paginator counts the rows only when the first page is full (CountSparingPaginator):
    one query more at 3× when the 1× page was not full is that count, not an N+1."""
    from wagecase.core.api.pagination import StandardPagination

    _once, rows_once, _thrice, rows_thrice = routes[route]
    page = StandardPagination.page_size
    return 1 if route.startswith("/api/") and rows_once < page <= rows_thrice else 0


@pytest.mark.parametrize("kind", KINDS)
def test_queries_do_not_grow_with_rows(measured, db, kind):
    routes = measured["routes"]
    grown = [route for route in covered(measured, kind) if route not in KNOWN_N_PLUS_ONE
             and routes[route][2] > routes[route][0] + GROWTH_ALLOWANCE.get(route, (0, ""))[0]
             + count_query_allowance(route, routes)]
    assert not grown, (
        f"N+1: more queries with more rows (QUERY_BUDGETS_DUMP=<route> pytest -s {__file__} prints the SQL):\n"
        f"{report(grown, measured)}")


@pytest.mark.parametrize("kind", KINDS)
def test_queries_within_budget(measured, db, kind):
    routes, budgets = measured["routes"], BUDGETS[kind]
    # A known N+1 is held to its budget at 1× (its 3× count is the N+1's, tested below).
    over = [route for route in covered(measured, kind) if route in budgets
            and (routes[route][0] if route in KNOWN_N_PLUS_ONE else max(routes[route][0], routes[route][2])) > budgets[route]]
    assert not over, "Over the query budget:\n" + "\n".join(
        f"{line} > budget {budgets[route]}" for route, line in zip(over, report(over, measured).splitlines()))


@pytest.mark.parametrize("route", [pytest.param(route, marks=pytest.mark.xfail(strict=True, reason=why))
                                   for route, why in KNOWN_N_PLUS_ONE.items()])
def test_known_n_plus_one(measured, db, route):
    """Fixed? Then this passes, strict xfail fails: remove the route from KNOWN_N_PLUS_ONE."""
    once, _rows, thrice, _more = measured["routes"][route]
    assert thrice <= once + GROWTH_ALLOWANCE.get(route, (0, ""))[0] + count_query_allowance(route, measured["routes"])
