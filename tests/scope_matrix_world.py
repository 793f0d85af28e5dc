"""The data world of the scope matrix (tests/test_scope_matrix.py).

Four zones, each a project with everything that hangs off it (test_bureau_scope.build_zone), made
richer by test_query_budgets.enrich_zone (listings decided and pending, objections, ratings, a
published quarterly publication, an order not rectified and its penalty, a campaign with a draw and
a daily report, a credit export, weekly/monthly/quarterly reports, a key-monitoring case):

- `ours`: housing in 秦州区 620502, the zone whose records every route is called with;
- `transport`: transport in 620502 (same county, another industry);
- `neighbour`: housing in 麦积区 620503 (same city, another county);
- `away`: housing in 兰州市城关区 620102 (another city).

The callers: anonymous; in scope of `ours` — an inspector, an office clerk and an office head of
620502, an administrator of 6205, the housing bureau of 6205 (API client); out of scope — the
inspector, clerk and head of 620503, an administrator of 6201 (Lanzhou), the transport bureau of
6205 and the housing bureau of 6201.

Each zone's records carry texts that must not show to a caller out of that zone's scope (the
zone's marker, project code and name, clue number, enterprise names)."""
import datetime as dt
import io
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.integrations import test_bureau_scope as bureau_scope
from wagecase.core.choices import Role

D = dt.date.fromisoformat

ZONE_COUNTIES = {"ours": "620502", "transport": "620502", "neighbour": "620503", "away": "620102"}
NEIGHBOUR = ("housing", "620503", "NEIGHBOUR-ONLY")

# Callers: name -> (role, region, zones in its scope, kind). kind: "page" (session login, pages and
# API), "api" (token only: API clients). The in-scope twin of an out-of-scope caller is the same
# role in `ours`' scope.
CALLERS = {
    "anonymous": (None, None, (), "page"),
    "inspector": (Role.INSPECTOR, "620502", ("ours", "transport"), "page"),
    "office_staff": (Role.OFFICE_STAFF, "620502", ("ours", "transport"), "page"),
    "office_head": (Role.OFFICE_HEAD, "620502", ("ours", "transport"), "page"),
    "admin": (Role.ADMIN, "6205", ("ours", "transport", "neighbour"), "page"),
    "bureau": (Role.BUREAU, "6205", ("ours", "neighbour"), "api"),
    "inspector@other_county": (Role.INSPECTOR, "620503", ("neighbour",), "page"),
    "office_staff@other_county": (Role.OFFICE_STAFF, "620503", ("neighbour",), "page"),
    "office_head@other_county": (Role.OFFICE_HEAD, "620503", ("neighbour",), "page"),
    "admin@other_city": (Role.ADMIN, "6201", ("away",), "page"),
    "bureau@other_industry": (Role.BUREAU, "6205", ("transport",), "api"),
    "bureau@other_city": (Role.BUREAU, "6201", ("away",), "api"),
}
IN_SCOPE = ("inspector", "office_staff", "office_head", "admin", "bureau")
OUT_OF_SCOPE = {  # caller -> its in-scope twin
    "inspector@other_county": "inspector",
    "office_staff@other_county": "office_staff",
    "office_head@other_county": "office_head",
    "admin@other_city": "admin",
    "bureau@other_industry": "bureau",
    "bureau@other_city": "bureau",
}
BUREAUS = {"bureau": ("scope_bureau_housing", ["housing"], "6205"),
           "bureau@other_industry": ("scope_bureau_transport", ["transport"], "6205"),
           "bureau@other_city": ("scope_bureau_lanzhou", ["housing"], "6201")}


def png_bytes():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def build(monkeypatch):
    """The world: {"keys": {zone: {...}}, "users": {caller: User or None}, "markers": {zone: [texts]},
    "superuser": User}."""
    from complaints import services as complaints
    from inspections.services import inspection_photo_add
    from inspections.models import Inspection
    from projects import services as projects
    from projects.models import Project
    from tests.test_query_budgets import client_extras, enrich_zone
    from wagecase.core.services import job_enqueue
    from wagecase.integrations.services import create_api_client, token_create
    from wagecase.integrations.webhooks import subscription_create

    monkeypatch.setitem(bureau_scope.ZONES, "neighbour", NEIGHBOUR)
    # build_world makes every zone of ZONES (neighbour included), the bureaus bureau_housing and
    # bureau_transport of test_bureau_scope (left unused here) and a superuser.
    world = bureau_scope.build_world(seed=20261205)
    superuser = world["superuser"]
    rng = random.Random(20261206)
    keys = world["keys"]
    for zone, county in ZONE_COUNTIES.items():
        keys[zone].update(enrich_zone(keys[zone], county, superuser, rng))
    client_extras(world, 1)

    users, tokens = {"anonymous": None}, {}
    for name, (role, region, _zones, kind) in CALLERS.items():
        if role is None:
            continue
        if name in BUREAUS:
            username, industries, prefix = BUREAUS[name]
            client, key = create_api_client(username, industries, prefix)
            users[name], tokens[name] = client.user, key
        elif name == "inspector":
            users[name] = keys["ours"]["inspectors"][0]  # the clues' and cases' officer
        elif name == "inspector@other_county":
            users[name] = keys["neighbour"]["inspectors"][0]
        else:
            users[name] = bureau_scope.new_user(role, region, f"scope-{name.replace('@', '-')}")

    # What build_zone and enrich_zone leave out: a photo, a drawdown, the officers' own notification
    # and job, a webhook subscription with a delivery and a second token for each bureau.
    for zone in ZONE_COUNTIES:
        project = Project.objects.get(code=keys[zone]["project"])
        officer = keys[zone]["inspectors"][0]
        inspection_photo_add(inspection=Inspection.objects.get(pk=keys[zone]["inspection"]), user=officer,
                             image=SimpleUploadedFile("site.png", png_bytes(), content_type="image/png"),
                             caption=f"{bureau_scope.ZONES[zone][2]} 现场")
        projects.deposit_drawdown(project=project, amount=Decimal("1000.00"), drawn_on=D("2026-02-01"),
                                  reason=f"{bureau_scope.ZONES[zone][2]} 代发工资")
        complaints.notify(user=officer, key=f"scope-{zone}", title=f"{bureau_scope.ZONES[zone][2]} 提醒")
        job_enqueue(kind="export", user=officer, title=f"{bureau_scope.ZONES[zone][2]} 导出",
                    params={"model": "projects.project", "query": ""})
    from wagecase.core.models import PolicyValue
    from wagecase.integrations import events
    from wagecase.integrations.models import ApiClient

    for county in ("620502", "620503", "620102"):  # a county's own value of a policy
        value = PolicyValue(region_id=county, key="deposit_rate", value=Decimal("2.50"))
        value.full_clean()
        value.save()

    for name in BUREAUS:
        client = ApiClient.objects.get(user=users[name])
        token_create(client, f"{name}-second")
        subscription_create(client=client, url=f"https://{client.name.replace('_', '-')}.example.invalid/hooks/{name.replace('@', '-')}", events=["case.opened"])
    for zone in ("ours", "transport", "away"):
        industry, county, _marker = bureau_scope.ZONES[zone]
        events.emit(events.WebhookEvent.CASE_OPENED, region_code=county, industry=industry, data={"zone": zone})

    files_for_ours(keys["ours"], users)
    admin_records(keys, users)
    return {"keys": keys, "users": users, "tokens": tokens, "superuser": superuser, "markers": markers(keys)}


def files_for_ours(keys, users):
    """The files `ours`' download routes serve: its reports generated, its officer's export run,
    a notice-board photo, and a criminal referral of its case (so the referral route has one)."""
    from complaints import services as complaints
    from complaints.models import ArrearsCase
    from projects import services as projects
    from projects.models import Project
    from wagecase.core.models import Job
    from wagecase.core.services import job_run
    from wagecase.reports.models import Report
    from wagecase.reports.services import report_generate

    for report in Report.objects.filter(region_id="620502"):
        report_generate(report_id=report.pk)
    officer = keys["inspectors"][0]
    for job in Job.objects.filter(user=officer):
        job_run(job_id=job.pk)
    project = Project.objects.get(code=keys["project"])
    projects.notice_board_set(project=project, installed_on=D("2025-12-12"), items=["builder", "general_contractor"],
                              photo=SimpleUploadedFile("board.png", png_bytes(), content_type="image/png"))
    case = ArrearsCase.objects.get(pk=keys["case"])
    complaints.case_refer(case=case, user=users["office_head"], referred_on=D("2026-02-20"), police_unit="秦州区公安分局")


def admin_records(keys, users):
    """A record of every model the admin site shows that the zones do not make: for `ours` where
    the model has a jurisdiction (the logins, unmasked views, notes and API calls of its people),
    once where it is installation-wide (tokens, groups, the task schedule and results, the calendar)."""
    import datetime

    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from django_celery_beat.models import (
        ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule,
    )
    from django_celery_results.models import GroupResult, TaskResult
    from rest_framework.authtoken.models import Token

    from complaints.models import Clue
    from wagecase.core.models import CalendarDay, CalendarYear, JournalEntry, PiiAccessLog
    from wagecase.integrations.models import ApiCall, ApiClient

    officer = users["inspector"]
    clue = Clue.objects.get(number=keys["ours"]["clue"])
    clue_type = ContentType.objects.get_for_model(Clue)
    Group.objects.get_or_create(name="scope-matrix operators")
    Token.objects.get_or_create(user=officer)
    interval, _ = IntervalSchedule.objects.get_or_create(every=7, period=IntervalSchedule.DAYS)
    CrontabSchedule.objects.get_or_create(minute="5", hour="3", day_of_week="*", day_of_month="*", month_of_year="*")
    SolarSchedule.objects.get_or_create(event="sunrise", latitude=Decimal("34.58"), longitude=Decimal("105.72"))
    ClockedSchedule.objects.get_or_create(clocked_time=timezone.now() + datetime.timedelta(days=30))
    PeriodicTask.objects.get_or_create(name="scope-matrix task", defaults={"task": "wagecase.core.tasks.noop",
                                                                            "interval": interval})
    TaskResult.objects.get_or_create(task_id="scope-matrix-task", defaults={"status": "SUCCESS"})
    GroupResult.objects.get_or_create(group_id="scope-matrix-group")
    request = {"ip_address": "10.20.30.40", "user_agent": "scope-matrix", "http_accept": "*/*", "path_info": "/login/"}
    AccessAttempt.objects.create(username=officer.username, get_data="", post_data="", failures_since_start=2, **request)
    AccessLog.objects.create(username=officer.username, **request)
    AccessFailureLog.objects.create(username=officer.username, **request)
    if not CalendarYear.objects.exists():
        CalendarYear.objects.create(year=2026, note="scope matrix")
    if not CalendarDay.objects.exists():
        CalendarDay.objects.create(date=D("2026-10-01"), is_working_day=False, name="国庆节")
    PiiAccessLog.objects.create(user=officer, object_type=clue_type, object_id=str(clue.pk),
                                field="complainant_phone", channel="page")
    JournalEntry.objects.create(assigned_object_type=clue_type, assigned_object_id=str(clue.pk), created_by=officer,
                                comments="scope matrix note")
    ApiCall.objects.create(client=ApiClient.objects.get(user=users["bureau"]), method="GET", path="/api/v1/projects/",
                           status=200)


def markers(keys):
    """Texts of each zone's own records, found nowhere else: {zone: [(text, model label, pk)]}. A
    caller whose scope hides that record must not be shown its text."""
    from complaints.models import Clue
    from projects.models import Project

    out = {}
    for zone, k in keys.items():
        project = Project.objects.select_related("builder", "general_contractor").get(code=k["project"])
        clue = Clue.objects.get(number=k["clue"])
        # (Enterprise names end in a running number: 集团1 is inside 集团12, so their USCCs stand for them.)
        out[zone] = [(bureau_scope.ZONES[zone][2], "projects.Project", project.pk),
                     (project.code, "projects.Project", project.pk), (project.name, "projects.Project", project.pk),
                     (clue.number, "complaints.Clue", clue.pk),
                     (project.builder.uscc, "core.Enterprise", project.builder_id),
                     (project.general_contractor.uscc, "core.Enterprise", project.general_contractor_id)]
    return out
