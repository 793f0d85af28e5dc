"""`make load` (python -m bench.load): a short load test — locust against gunicorn on PostgreSQL.

Like `make bench` it starts a throwaway PostgreSQL unless DATABASE_URL is set, migrates and loads
generated data of BENCH_SCALE (skipped when the database holds it already). Then it prepares the
load's own accounts in the database — inspectors with a password made for this run, and one bureau
API client per city with a fresh token and a rate limit high enough not to throttle the test —
and writes what each of them may ask for (projects, clues, cases, regions, chosen from the data
through the same scope the application applies) to a JSON file for bench/locustfile.py. It starts
gunicorn (wagecase/gunicorn.conf.py, settings wagecase.settings.local with DEBUG off, static files
from whitenoise) on a free loopback port, runs locust headless, and writes LOAD_OUT (JSON) and a
table. Exit status 1 when any request failed: under load every request must answer.

On exit it stops gunicorn and the throwaway cluster; on an existing database it also removes what
the run wrote (the load clients' API call log, their personal-data access log and sessions) and
revokes the run's tokens and passwords, so that the accounts stay but cannot be used.

Environment: LOAD_USERS (50), LOAD_SPAWN_RATE (10 a second), LOAD_TIME (60s; locust's notation:
90s, 5m, 1h30m), LOAD_WORKERS (gunicorn workers; 2 × CPUs + 1), GUNICORN_THREADS (2, from
gunicorn.conf.py), LOAD_WAIT (think time, "0.5-2" seconds), LOAD_CITIES (3), LOAD_OUT
(bench/results/load.json), BENCH_SCALE (small), DATABASE_URL, CONN_MAX_AGE (60, as in
docker-compose.yml)."""
import datetime
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bench.run import ROOT, SCALES, ThrowawayPostgres, free_port, load_data

PREFIX = "load-"  # user names of the load's accounts
LOAD_RATE = "1000000/min"  # the load clients' rate limit: the test measures the server, not the throttle
SAMPLE = 50  # projects, clues and cases per account
SEED = 20261203
KINDS = ("api", "page", "public", "static")  # the first word of a locust request name (see bench/locustfile.py)


def log(message):
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", flush=True)


def parse_duration(text):
    """Locust's run time notation ("60", "90s", "5m", "1h30m") in seconds; ValueError otherwise."""
    text = (text or "").strip().lower()
    if text.isdigit():
        return int(text)
    parts = re.fullmatch(r"(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?", text)
    if not text or parts is None:
        raise ValueError(text)
    hours, minutes, seconds = (int(p or 0) for p in parts.groups())
    return hours * 3600 + minutes * 60 + seconds


def default_workers(cpus=None):
    return 2 * (cpus or os.cpu_count() or 1) + 1


# --- the load's accounts and what they ask for ------------------------------------------------------

def _sample(rng, values, size=SAMPLE):
    values = sorted(values)
    return rng.sample(values, min(size, len(values)))


def _scope(user, rng):
    """What `user` may see, as locust asks for it: regions to filter by, and a sample of projects,
    clues and cases taken from the user's own restricted querysets (so each one answers 200)."""
    from django.db.models import Count

    from complaints.models import ArrearsCase, Clue
    from projects.models import Project

    projects = Project.objects.restrict(user, "view")
    code = user.jurisdiction_id
    counties = [row["region_id"] for row in projects.filter(region__code__startswith=code).exclude(region_id=code)
                .values("region_id").annotate(n=Count("id")).order_by("-n", "region_id")[:3]]
    return {
        "regions": [code, *[c for c in counties if c != code]],
        "projects": _sample(rng, projects.values_list("code", flat=True)),
        "clues": _sample(rng, Clue.objects.restrict(user, "view").values_list("number", flat=True)),
        "cases": _sample(rng, ArrearsCase.objects.restrict(user, "view").values_list("pk", flat=True)),
    }


def _inspector(username, region_code, password):
    from wagecase.core.choices import DepartmentKind, Role
    from wagecase.core.models import Department, User

    user = User.objects.filter(username=username).first() or User(username=username)
    user.full_name = "load test"
    user.role = Role.INSPECTOR
    user.jurisdiction_id = region_code
    user.department = Department.responsible_for(DepartmentKind.LABOUR_INSPECTION, region_code)
    user.is_active = True
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


def _bureau(name, city, industries, run_label):
    """The city's load client with a new token (its earlier ones revoked): (user, raw key)."""
    from wagecase.integrations.models import ApiClient
    from wagecase.integrations.services import client_revoke_tokens, create_api_client, token_create

    client = ApiClient.objects.select_related("user").filter(name=name).first()
    if client is None:
        client, key = create_api_client(name, industries, city, full_name="load test bureau", rate=LOAD_RATE)
        return client.user, key
    client_revoke_tokens(client)
    user = client.user
    if user.industries != industries or user.jurisdiction_id != city or not user.is_active:
        user.industries, user.jurisdiction_id, user.is_active = industries, city, True
        user.save()
    if client.rate != LOAD_RATE or not client.active:
        client.rate, client.active = LOAD_RATE, True
        client.save()
    _token, key = token_create(client, name=run_label)
    return user, key


def prepare_subjects(*, cities=3, now=None, seed=SEED):
    """Create or refresh the load's accounts in the `cities` with most projects and return the subjects
    JSON of bench/locustfile.py (it holds this run's passwords and tokens: keep it private)."""
    from django.db import transaction
    from django.db.models import Count
    from django.db.models.functions import Substr
    from django.utils import timezone

    from blacklist.models import Listing
    from projects.models import Project
    from wagecase.core.choices import ChangeSource
    from wagecase.core.context import change_context
    from wagecase.core.models import Enterprise

    now = now or timezone.now()
    rng = random.Random(seed)
    password = secrets.token_urlsafe(18)
    run_label = f"load {timezone.localtime(now):%Y-%m-%d %H:%M:%S}"
    top = list(Project.objects.annotate(city=Substr("region_id", 1, 4)).values("city").annotate(n=Count("id"))
               .order_by("-n", "city").values_list("city", flat=True)[:cities])
    if not top:
        raise SystemExit("load: the database holds no projects (run generate_scale first)")
    inspectors, bureaus = [], []
    with change_context(source=ChangeSource.COMMAND, label="bench.load"), transaction.atomic():
        for city in top:
            busiest = (Project.objects.filter(region__code__startswith=city).values("region_id").annotate(n=Count("id"))
                       .order_by("-n", "region_id").values_list("region_id", flat=True).first())
            for code in dict.fromkeys([city, busiest]):  # the city's office and its busiest county
                user = _inspector(f"{PREFIX}inspector-{code}", code, password)
                inspectors.append({"username": user.username, "password": password, **_scope(user, rng)})
            industries = sorted(set(Project.objects.filter(region__code__startswith=city).values_list("industry", flat=True)))
            user, key = _bureau(f"{PREFIX}bureau-{city}", city, industries, run_label)
            bureaus.append({"username": user.username, "token": key, "industries": industries, **_scope(user, rng)})
    for entry in inspectors + bureaus:
        if not entry["projects"] or (entry in inspectors and not entry["clues"]):
            raise SystemExit(f"load: {entry['username']} sees no projects or no clues; the data cannot drive the load test")
    today = timezone.localdate(now)
    return {
        "generated_at": now.isoformat(timespec="seconds"),
        "inspectors": inspectors,
        "bureaus": bureaus,
        "public_queries": public_queries(
            list(Listing.objects.values_list("name", flat=True).order_by("pk")[:200])
            + list(Enterprise.objects.values_list("name", flat=True).order_by("pk")[:200]),
            list(Enterprise.objects.values_list("uscc", flat=True).order_by("pk")[:50]), rng),
        "period": {"date_from": (today - datetime.timedelta(days=365)).isoformat(), "date_to": today.isoformat()},
        "updated_since": (now - datetime.timedelta(days=30)).isoformat(timespec="seconds"),
    }


def public_queries(names, usccs, rng, count=30):
    """What visitors type into the public list's search box: part of a name (2 to 4 characters from its
    start, as people type them), a USCC's first 8 characters, and a name that matches nothing."""
    queries = []
    for name in rng.sample(names, min(count, len(names))):
        name = (name or "").strip()
        if len(name) >= 2:
            queries.append(name[: rng.randint(2, min(4, len(name)))])
    queries += [uscc[:8] for uscc in rng.sample(usccs, min(count // 5, len(usccs))) if uscc]
    queries.append("无此企业")
    return sorted(set(queries))


def cleanup(started_at, *, log=log):
    """Remove what the run wrote on behalf of the load's accounts, and make them unusable."""
    from django.conf import settings
    from django.contrib.sessions.models import Session

    from wagecase.core.choices import ChangeSource
    from wagecase.core.context import change_context
    from wagecase.core.models import PiiAccessLog, User
    from wagecase.integrations.models import ApiCall, ApiClient
    from wagecase.integrations.services import client_revoke_tokens

    users = list(User.objects.filter(username__startswith=PREFIX))
    ids = {str(user.pk) for user in users}
    calls = ApiCall.objects.filter(client__user__in=users, time__gte=started_at).delete()[0]
    pii = PiiAccessLog.objects.filter(user__in=users, time__gte=started_at).delete()[0]
    horizon = started_at + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE) - datetime.timedelta(minutes=1)
    sessions = [s.pk for s in Session.objects.filter(expire_date__gte=horizon)
                if str(s.get_decoded().get("_auth_user_id")) in ids]
    Session.objects.filter(pk__in=sessions).delete()
    with change_context(source=ChangeSource.COMMAND, label="bench.load"):
        for client in ApiClient.objects.filter(user__in=users):
            client_revoke_tokens(client)
        for user in users:
            if user.has_usable_password():
                user.set_unusable_password()
                user.save(update_fields=["password"])
    log(f"cleaned up: {calls} API calls, {pii} personal-data access records, {len(sessions)} sessions; "
        "the load's tokens and passwords revoked")


# --- gunicorn and locust ----------------------------------------------------------------------------

def server_env(*, database_url, port, workers, var_dir, base=None):
    env = dict(base if base is not None else os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "wagecase.settings.local",
        "DEBUG": "0",
        "DATABASE_URL": database_url,
        "WAGECASE_VAR_DIR": str(var_dir),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        # Public visitors come from many addresses: the locustfile gives each its own in X-Real-IP,
        # so the public list's per-IP limit applies per visitor, as behind a reverse proxy.
        "RATELIMIT_IP_META_KEY": "HTTP_X_REAL_IP",
        "LOG_LEVEL": env.get("LOG_LEVEL", "WARNING"),
    })
    env.setdefault("CONN_MAX_AGE", "60")
    return env


def start_gunicorn(env, log_path):
    command = [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "wagecase/gunicorn.conf.py"), "wagecase.wsgi"]
    with open(log_path, "ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def wait_until_up(url, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"load: gunicorn exited with status {process.returncode} (see its log)")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise SystemExit(f"load: gunicorn did not answer {url} within {timeout} s")


def stop_process(process, timeout=30):
    """SIGTERM to the process group we started (gunicorn's master and its workers), SIGKILL if it lingers."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def locust_command(*, host, users, spawn_rate, run_time, python=sys.executable):
    return [python, "-m", "locust", "-f", str(ROOT / "bench/locustfile.py"), "--headless", "--host", host,
            "-u", str(users), "-r", str(spawn_rate), "-t", run_time, "--only-summary", "--stop-timeout", "10",
            "--exit-code-on-error", "0"]


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def warm_up(host, subjects, *, concurrency, rounds=2):
    """Each kind of request a few times over before the clock starts, as many at once as gunicorn has
    threads, so that every worker has loaded its URL resolver, templates and translations: the figures
    are those of a warm server. Answers are not checked here (locust does that). The number sent."""
    import http.cookiejar
    from concurrent.futures import ThreadPoolExecutor

    inspector, bureau = subjects["inspectors"][0], subjects["bureaus"][0]
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    try:
        form = browser.open(host + "/login/", timeout=30).read().decode()
        token = CSRF_INPUT.search(form)
        body = urllib.parse.urlencode({"username": inspector["username"], "password": inspector["password"],
                                       "csrfmiddlewaretoken": token.group(1) if token else ""}).encode()
        browser.open(urllib.request.Request(host + "/login/", data=body, headers={"Referer": host + "/login/"}), timeout=30)
    except (urllib.error.URLError, OSError):
        pass
    api = {"Authorization": f"Token {bureau['token']}"}
    project, clue, region = inspector["projects"][0], inspector["clues"][0], inspector["regions"][0]
    requests = [
        (browser, "/projects/", {}), (browser, f"/projects/{project}/", {}), (browser, f"/clues/?region_code={region}", {}),
        (browser, f"/clues/{clue}/", {}), (browser, "/clues/cases/", {}), (browser, "/reports/dashboard/", {}),
        (None, f"/api/v1/projects/?region_code={bureau['regions'][0]}", api),
        (None, f"/api/v1/projects/{bureau['projects'][0]}/compliance/", api),
        (None, f"/api/v1/clues/?region_code={bureau['regions'][0]}", api),
        (None, "/api/v1/stats/summary/", api),
    ]
    requests += [(None, "/public/blacklist/", {"X-Real-IP": f"192.0.2.{n + 1}"}) for n in range(concurrency)]

    def send(item):
        opener, path, headers = item
        try:
            with (opener or urllib.request.build_opener()).open(urllib.request.Request(host + path, headers=headers),
                                                                 timeout=60) as response:
                response.read()
        except (urllib.error.URLError, OSError):
            pass

    batch = [item for item in requests for _ in range(max(1, concurrency // 2))] * rounds
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(send, batch))
    return len(batch)


# --- the results --------------------------------------------------------------------------------------

def percentile(response_times, count, q):
    """Locust's percentile of a response-time histogram {ms: requests} (the same rounding and rule)."""
    wanted = int(count * q)
    seen = 0
    for ms in sorted(response_times, reverse=True):
        seen += response_times[ms]
        if count - seen <= wanted:
            return ms
    return 0


def _histogram(raw):
    return {int(float(ms)): int(n) for ms, n in (raw.get("response_times") or {}).items()}


def _span(raw):
    return (raw.get("last_request_timestamp") or 0) - (raw.get("start_time") or 0)


def entry_row(raw, span=None):
    """One request name's figures from its raw statistics (bench/locustfile.py's raw_stats); requests/s
    over `span` seconds (the whole test's, so that the names' rates add up), else over its own."""
    count = raw["num_requests"]
    times = _histogram(raw)
    span = span if span is not None else _span(raw)
    return {
        "method": raw.get("method") or "",
        "requests": count,
        "failures": raw["num_failures"],
        "requests_per_s": round(count / span, 2) if span > 0 else None,
        "avg_ms": round(raw["total_response_time"] / count, 1) if count else None,
        "min_ms": round(raw["min_response_time"], 1) if raw.get("min_response_time") is not None else None,
        "max_ms": round(raw["max_response_time"], 1) if count else None,
        "p50_ms": percentile(times, count, 0.50) if count else None,
        "p95_ms": percentile(times, count, 0.95) if count else None,
        "p99_ms": percentile(times, count, 0.99) if count else None,
    }


def merge_entries(entries):
    """All requests as one raw entry (locust's "Aggregated")."""
    times = {}
    for raw in entries:
        for ms, n in _histogram(raw).items():
            times[ms] = times.get(ms, 0) + n
    minimums = [raw["min_response_time"] for raw in entries if raw.get("min_response_time") is not None]
    starts = [raw["start_time"] for raw in entries if raw.get("start_time")]
    lasts = [raw["last_request_timestamp"] for raw in entries if raw.get("last_request_timestamp")]
    return {
        "method": "", "name": "total",
        "num_requests": sum(raw["num_requests"] for raw in entries),
        "num_failures": sum(raw["num_failures"] for raw in entries),
        "total_response_time": sum(raw["total_response_time"] for raw in entries),
        "min_response_time": min(minimums) if minimums else None,
        "max_response_time": max((raw["max_response_time"] for raw in entries), default=0),
        "response_times": times,
        "start_time": min(starts) if starts else None,
        "last_request_timestamp": max(lasts) if lasts else None,
    }


def request_kind(name):
    kind = (name or "").split(" ", 1)[0]
    return kind if kind in KINDS else "other"


def request_mix(by_name):
    """Share of the requests per kind (api, page, public), from the names' first word."""
    counts = {}
    for name, row in by_name.items():
        counts[request_kind(name)] = counts.get(request_kind(name), 0) + row["requests"]
    total = sum(counts.values())
    return {kind: round(count / total, 3) for kind, count in sorted(counts.items())} if total else {}


def summarize(raw, *, users, duration_s):
    """The LOAD_OUT document from locust's raw statistics."""
    entries = raw.get("entries") or []
    if not entries:
        raise ValueError("locust recorded no requests")
    merged = merge_entries(entries)
    total = entry_row(merged)
    span = _span(merged)
    by_name = {entry["name"]: entry_row(entry, span) for entry in sorted(entries, key=lambda e: (e["name"], e["method"]))}
    return {
        "users": users,
        "duration_s": duration_s,
        "requests": total["requests"],
        "requests_per_s": total["requests_per_s"],
        "p50_ms": total["p50_ms"],
        "p95_ms": total["p95_ms"],
        "p99_ms": total["p99_ms"],
        "max_ms": total["max_ms"],
        "failures": total["failures"],
        "failure_details": sorted(raw.get("errors") or [], key=lambda e: -e["occurrences"]),
        "mix": request_mix(by_name),
        "by_name": by_name,
    }


def format_table(document):
    header = ("request", "reqs", "fails", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms")

    def cells(name, row):
        return (name, str(row["requests"]), str(row["failures"]), f"{row['requests_per_s'] or 0:.1f}",
                *(str(row[k]) if row[k] is not None else "-" for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms")))

    lines = [cells(name, row) for name, row in document["by_name"].items()]
    total = {k: document[k] for k in ("requests", "failures", "requests_per_s", "p50_ms", "p95_ms", "p99_ms", "max_ms")}
    lines.append(cells("total", total))
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]

    def render(line):
        return "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths)))

    rule = "  ".join("-" * w for w in widths)
    mix = ", ".join(f"{kind} {share:.0%}" for kind, share in document["mix"].items())
    out = [render(header), rule, *map(render, lines[:-1]), rule, render(lines[-1]), "",
           f"{document['users']} users for {document['duration_s']} s: {document['requests']} requests, "
           f"{document['requests_per_s']} req/s, p95 {document['p95_ms']} ms, {document['failures']} failed; mix {mix}"]
    cpu = document.get("cpu")
    if cpu:
        out.append(f"CPUs busy (of {cpu['cpus']}, average): machine {cpu['machine_busy']} = gunicorn {cpu['gunicorn']} "
                   f"+ locust {cpu['locust']} + PostgreSQL {cpu['postgres']} + other processes {cpu['rest']}")
        per = cpu.get("ms_per_request")
        if per:
            out.append(f"CPU ms per request: gunicorn {per['gunicorn']}, PostgreSQL {per['postgres']}, locust {per['locust']}")
    for failure in document.get("failure_details") or ():
        out.append(f"  FAILED {failure['occurrences']}× {failure['method']} {failure['name']}: {failure['error']}")
    return "\n".join(out)


def machine_ticks(stat_text=None):
    """(busy, total) CPU ticks of the whole machine since boot, from /proc/stat's first line."""
    if stat_text is None:
        try:
            stat_text = Path("/proc/stat").read_text()
        except OSError:
            return None
    fields = [int(v) for v in stat_text.splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    total = sum(fields[:8])  # guest time is already counted in user
    return total - idle, total


def process_ticks(*, pgid=None, command=None):
    """{pid: CPU ticks (user + system)} of the live processes of a process group (gunicorn's master and
    its workers), or of those running `command` (e.g. "postgres": every backend, whoever it serves)."""
    ticks = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        # The command may hold spaces and parentheses: it lies between the first "(" and the last ")".
        name, _sep, rest = text.partition("(")[2].rpartition(")")
        fields = rest.split()
        if len(fields) < 13:
            continue
        if (pgid is not None and int(fields[2]) == pgid) or (command is not None and name == command):
            ticks[int(stat.parent.name)] = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks


def ticks_between(before, after):
    """Ticks spent between two process_ticks samples by the processes alive at the second (those that
    started in between count from 0; those that ended in between are not counted)."""
    return sum(max(ticks - before.get(pid, 0), 0) for pid, ticks in after.items())


def cpu_shares(before, after, seconds, *, cpus, hz=None):
    """Average CPUs busy during the run: the machine, gunicorn, locust, PostgreSQL (all its backends, also
    those serving someone else) and the rest (whatever else ran on the machine), from two samples
    {"machine": (busy, total) ticks, "gunicorn": {pid: ticks}, "postgres": {pid: ticks}, "locust": seconds}."""
    if not before.get("machine") or not after.get("machine") or seconds <= 0:
        return None
    busy = after["machine"][0] - before["machine"][0]
    total = after["machine"][1] - before["machine"][1]
    machine = cpus * busy / total if total else 0.0
    hz = hz or os.sysconf("SC_CLK_TCK")
    gunicorn = ticks_between(before["gunicorn"], after["gunicorn"]) / hz / seconds
    postgres = ticks_between(before["postgres"], after["postgres"]) / hz / seconds
    locust = (after["locust"] - before["locust"]) / seconds
    return {"cpus": cpus, "machine_busy": round(machine, 2), "gunicorn": round(gunicorn, 2), "locust": round(locust, 2),
            "postgres": round(postgres, 2), "rest": round(max(machine - gunicorn - locust - postgres, 0.0), 2)}


def cpu_per_request(shares, seconds, requests):
    """CPU milliseconds per request of gunicorn, PostgreSQL and locust: what the server costs whatever
    else runs on the machine (PostgreSQL's includes other clients' queries, if any)."""
    if not requests:
        return None
    return {key: round(shares[key] * seconds * 1000 / requests, 1) for key in ("gunicorn", "postgres", "locust")}


def cpu_sample(gunicorn):
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # locust, once it has exited
    return {"machine": machine_ticks(), "gunicorn": process_ticks(pgid=gunicorn.pid),
            "postgres": process_ticks(command="postgres"), "locust": children.ru_utime + children.ru_stime}


ACCESS_LINE = re.compile(r'"[A-Z]+ [^"]*" (\d{3}) ')


def status_counts(access_log):
    """{status: requests} from gunicorn's access log (its default format)."""
    counts = {}
    for match in ACCESS_LINE.finditer(access_log):
        counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    return dict(sorted(counts.items()))


def _raise_exit(signum, _frame):
    raise SystemExit(128 + signum)


def main(argv=None):
    scale = os.environ.get("BENCH_SCALE", "small")
    if scale not in SCALES:
        raise SystemExit(f"load: BENCH_SCALE must be one of {', '.join(SCALES)}, not {scale!r}")
    out = Path(os.environ.get("LOAD_OUT") or ROOT / "bench/results/load.json")
    users = int(os.environ.get("LOAD_USERS", "50"))
    spawn_rate = os.environ.get("LOAD_SPAWN_RATE", "10")
    run_time = os.environ.get("LOAD_TIME", "60s")
    duration_s = parse_duration(run_time)
    workers = int(os.environ.get("LOAD_WORKERS") or default_workers())
    cities = int(os.environ.get("LOAD_CITIES", "3"))
    warmup_rounds = int(os.environ.get("LOAD_WARMUP", "2"))

    signal.signal(signal.SIGTERM, _raise_exit)
    postgres = gunicorn = None
    started_at = None
    work = Path(tempfile.mkdtemp(prefix="wagecase-load-"))
    try:
        if not os.environ.get("DATABASE_URL"):
            postgres = ThrowawayPostgres()
            os.environ["DATABASE_URL"] = postgres.start()
        database_url = os.environ["DATABASE_URL"]
        if not database_url.startswith(("postgres://", "postgresql://", "pgsql://")):
            raise SystemExit("load: DATABASE_URL must be a PostgreSQL database")
        os.environ["DJANGO_SETTINGS_MODULE"] = "wagecase.settings.local"
        os.environ["DEBUG"] = "0"
        os.environ["WAGECASE_VAR_DIR"] = str(work / "var")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, connections
        from django.utils import timezone

        log("migrate")
        call_command("migrate", interactive=False, verbosity=0)
        load_data(scale)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        started_at = timezone.now()
        log(f"preparing the load's accounts in the {cities} cities with most projects")
        subjects = prepare_subjects(cities=cities, now=started_at)
        subjects_path = work / "subjects.json"
        subjects_path.write_text(json.dumps(subjects, ensure_ascii=False, indent=1))
        subjects_path.chmod(0o600)
        connections.close_all()

        port = free_port(8700)
        host = f"http://127.0.0.1:{port}"
        env = server_env(database_url=database_url, port=port, workers=workers, var_dir=work / "var")
        gunicorn_log = work / "gunicorn.log"
        threads = int(env.get("GUNICORN_THREADS") or 2)
        log(f"gunicorn on {host}: {workers} workers × {threads} threads "
            f"(machine: {os.cpu_count()} CPUs, shared with locust)")
        gunicorn = start_gunicorn(env, gunicorn_log)
        wait_until_up(host + "/healthz/", gunicorn)

        if warmup_rounds:
            sent = warm_up(host, subjects, concurrency=workers * threads, rounds=warmup_rounds)
            log(f"warmed up with {sent} requests")
        log(f"locust: {users} users (spawn {spawn_rate}/s) for {run_time}")
        stats_path = work / "locust-stats.json"
        locust_log = work / "locust.log"
        locust_env = {**os.environ, "LOAD_SUBJECTS": str(subjects_path), "LOAD_STATS": str(stats_path)}
        before, clock = cpu_sample(gunicorn), time.monotonic()
        with open(locust_log, "wb") as locust_out:
            result = subprocess.run(locust_command(host=host, users=users, spawn_rate=spawn_rate, run_time=run_time),
                                    cwd=ROOT, env=locust_env, stdout=locust_out, stderr=subprocess.STDOUT)
        elapsed = time.monotonic() - clock
        cpu = cpu_shares(before, cpu_sample(gunicorn), elapsed, cpus=os.cpu_count() or 1)
        if not stats_path.exists():
            print(locust_log.read_text(errors="replace")[-5000:])
            raise SystemExit(f"load: locust wrote no statistics (exit status {result.returncode})")
        document = summarize(json.loads(stats_path.read_text()), users=users, duration_s=duration_s)
        if cpu:
            cpu["ms_per_request"] = cpu_per_request(cpu, elapsed, document["requests"])
        document.update({
            "generated_at": started_at.astimezone().isoformat(timespec="seconds"),
            "scale": scale,
            "warmup_requests": sent if warmup_rounds else 0,
            "server": {"workers": workers, "threads": threads,
                       "settings": "wagecase.settings.local, DEBUG off", "conn_max_age": int(env["CONN_MAX_AGE"])},
            # Average CPUs busy while locust ran: locust, gunicorn and PostgreSQL share the machine, and
            # anything else running on it at the time ("rest") slows the server down.
            "cpu": cpu,
            "spawn_rate": spawn_rate,
            "wait_s": os.environ.get("LOAD_WAIT", "0.5-2"),
        })
        server_log = gunicorn_log.read_text(errors="replace")
        # What gunicorn answered, warm-up included: a 5xx or a 429 here is a failure even if locust missed it.
        document["server_statuses"] = status_counts(server_log)
        server_errors = [line for line in server_log.splitlines()
                         if "Traceback" in line or " ERROR " in line or "[CRITICAL]" in line]
        if server_errors:
            document["server_errors"] = server_errors[:20]
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        print()
        print(format_table(document))
        print()
        log(f"wrote {out}")
        if document["failures"]:
            log(f"{document['failures']} requests failed: errors must be 0 (logs: {gunicorn_log}, {locust_log})")
            work = None  # keep the logs to look at
            return 1
        return 0
    finally:
        stop_process(gunicorn)
        if started_at is not None and postgres is None:
            try:
                cleanup(started_at)
            except Exception as error:  # noqa: BLE001 - the results are written; say what was left
                log(f"cleanup failed: {error}")
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not be set up yet
            pass
        if postgres is not None:
            postgres.stop()
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
