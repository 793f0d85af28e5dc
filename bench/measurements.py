"""The measurements of `make bench`: each runs our endpoint or job and the equivalent hand-written
SQL on the same data, checks that both return the same rows or figures, and times them.

The pure parts (statistics, the target check, the JSON entry, the table) need no database and are
tested in tests/test_bench.py. "Ours" goes through the whole Django stack in-process: the DRF test
client (`APIClient`, authenticated as a superuser with `force_authenticate`) runs the middleware,
authentication, scope, filters, pagination, serializers and JSON rendering, but no network and no
WSGI server. The SQL side runs on the same connection; its queries are written the way a person who
knows the schema would write them (sargable date bounds, one statement where one will do)."""
import datetime
import io
import math
import os
import statistics
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

# Targets of issue 10.
LIST_TARGET = {"target_ratio": 3, "target_overhead_ms": 20, "target_p95_ms": 100}
FIGURES_TARGET = {"target_ratio": 2, "target_overhead_ms": 20}
IMPORT_TARGET_ROWS_PER_S = 10_000
REPORT_TARGET_MS = 30_000
PAGE_SIZE = 50
ROSTER_FILE_ROWS = 20_000  # projects.excel.MAX_ROWS: a larger roster file is refused, so 100,000 rows are 5 files


# --- statistics and targets (pure) ----------------------------------------------------------------


def percentile(samples, q):
    """The q-th percentile (0–100) by linear interpolation between closest ranks."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarize(samples):
    """{"median", "p95", "min", "max", "n"} of timings in milliseconds."""
    return {
        "median": statistics.median(samples),
        "p95": percentile(samples, 95),
        "min": min(samples),
        "max": max(samples),
        "n": len(samples),
    }


def within_target(entry):
    """True/False against the entry's targets, None when it has none (or no numbers).

    - ratio: ours ≤ max(target_ratio × SQL, SQL + target_overhead_ms), on the medians;
    - target_p95_ms: our p95 at most that;
    - target_ms: our median at most that (absolute);
    - target_rows_per_s: our rows per second at least that."""
    if entry.get("error"):
        return None
    checks = []
    ours, sql = entry.get("ours_ms"), entry.get("sql_ms")
    if entry.get("target_ratio") is not None and ours is not None and sql is not None:
        allowed = max(entry["target_ratio"] * sql, sql + (entry.get("target_overhead_ms") or 0))
        checks.append(ours <= allowed)
    if entry.get("target_p95_ms") is not None and entry.get("ours_p95_ms") is not None:
        checks.append(entry["ours_p95_ms"] <= entry["target_p95_ms"])
    if entry.get("target_ms") is not None and ours is not None:
        checks.append(ours <= entry["target_ms"])
    if entry.get("target_rows_per_s") is not None and entry.get("rows_per_s") is not None:
        checks.append(entry["rows_per_s"] >= entry["target_rows_per_s"])
    return all(checks) if checks else None


def _round(value, digits=2):
    return None if value is None else round(value, digits)


def make_entry(ours_samples, sql_samples, *, target_ratio=None, target_overhead_ms=None, target_p95_ms=None,
               target_ms=None, target_rows_per_s=None, rows=None, warmup=0, **extra):
    """The JSON entry of one measurement from its timings (ms)."""
    ours, sql = summarize(ours_samples), summarize(sql_samples)
    entry = {
        "ours_ms": _round(ours["median"]),
        "sql_ms": _round(sql["median"]),
        "ratio": _round(ours["median"] / sql["median"]) if sql["median"] > 0 else None,
        "target_ratio": target_ratio,
        "target_overhead_ms": target_overhead_ms,
        "ours_p95_ms": _round(ours["p95"]),
        "sql_p95_ms": _round(sql["p95"]),
        "ours_min_ms": _round(ours["min"]),
        "sql_min_ms": _round(sql["min"]),
        "repetitions": {"ours": ours["n"], "sql": sql["n"], "warmup": warmup},
    }
    if target_p95_ms is not None:
        entry["target_p95_ms"] = target_p95_ms
    if target_ms is not None:
        entry["target_ms"] = target_ms
    if rows is not None:
        entry["rows"] = rows
        entry["rows_per_s"] = _round(rows / (ours["median"] / 1000), 0) if ours["median"] > 0 else None
        entry["sql_rows_per_s"] = _round(rows / (sql["median"] / 1000), 0) if sql["median"] > 0 else None
    if target_rows_per_s is not None:
        entry["target_rows_per_s"] = target_rows_per_s
    entry.update(extra)
    entry["within_target"] = within_target(entry)
    return entry


def _target_text(entry):
    parts = []
    if entry.get("target_ratio") is not None:
        parts.append(f"≤{entry['target_ratio']}× or +{entry.get('target_overhead_ms') or 0}ms")
    if entry.get("target_p95_ms") is not None:
        parts.append(f"p95≤{entry['target_p95_ms']}ms")
    if entry.get("target_ms") is not None:
        parts.append(f"≤{entry['target_ms'] / 1000:g}s")
    if entry.get("target_rows_per_s") is not None:
        parts.append(f"≥{entry['target_rows_per_s']:,} rows/s")
    return ", ".join(parts) or "—"


def format_table(results):
    """A readable table of the measurements."""
    header = ("measurement", "ours ms", "ours p95", "SQL ms", "SQL p95", "ratio", "rows/s", "target", "within target")
    lines = []
    for name, entry in results.items():
        if entry.get("error"):
            lines.append((name, "ERROR", "", "", "", "", "", _target_text(entry), entry["error"][:60]))
            continue
        verdict = {True: "yes", False: "NO", None: "n/a"}[entry.get("within_target")]

        def ms(value):
            return "" if value is None else f"{value:,.1f}"

        lines.append((
            name, ms(entry.get("ours_ms")), ms(entry.get("ours_p95_ms")), ms(entry.get("sql_ms")),
            ms(entry.get("sql_p95_ms")), "" if entry.get("ratio") is None else f"{entry['ratio']:.2f}",
            "" if entry.get("rows_per_s") is None else f"{entry['rows_per_s']:,.0f}", _target_text(entry), verdict,
        ))
    widths = [max(len(str(row[i])) for row in [header, *lines]) for i in range(len(header))]
    right = {1, 2, 3, 4, 5, 6}

    def render(row):
        return "  ".join(str(cell).rjust(widths[i]) if i in right else str(cell).ljust(widths[i]) for i, cell in enumerate(row))

    return "\n".join([render(header), "  ".join("-" * w for w in widths), *(render(row) for row in lines)])


# --- running a measurement ------------------------------------------------------------------------


class Mismatch(AssertionError):
    """Ours and the SQL returned different rows or figures: the comparison would not be honest."""


@dataclass
class Measurement:
    name: str
    ours: Callable[[], Any]  # returns what is compared with the SQL's answer
    sql: Callable[[], Any]
    warmup: int = 3
    reps: int = 15
    sql_warmup: int | None = None
    sql_reps: int | None = None
    targets: dict = field(default_factory=dict)
    rows: int | None = None
    note: str = ""
    track_memory: bool = False
    compare: Callable[[Any, Any], bool] | None = None
    teardown: Callable[[], None] | None = None


class PeakRss:
    """The process's resident memory sampled every 20 ms: the peak above the level at start."""

    def __init__(self):
        self.base = self.peak = rss_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_bytes())

    def __enter__(self):
        self.base = self.peak = rss_bytes()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())

    @property
    def growth_mb(self):
        return (self.peak - self.base) / 1024 / 1024


def rss_bytes():
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _timed(func):
    started = time.perf_counter()
    value = func()
    return (time.perf_counter() - started) * 1000, value


def run_measurement(measurement):
    """Warm up, then alternate ours and SQL (so drift hits both alike); check the answers agree."""
    sql_warmup = measurement.warmup if measurement.sql_warmup is None else measurement.sql_warmup
    sql_reps = measurement.reps if measurement.sql_reps is None else measurement.sql_reps
    ours_answer = sql_answer = None
    for index in range(max(measurement.warmup, sql_warmup)):
        if index < measurement.warmup:
            ours_answer = measurement.ours()
        if index < sql_warmup:
            sql_answer = measurement.sql()
    ours_samples, sql_samples, peaks = [], [], []
    for index in range(max(measurement.reps, sql_reps)):
        if index < measurement.reps:
            if measurement.track_memory:
                with PeakRss() as peak:
                    elapsed, ours_answer = _timed(measurement.ours)
                peaks.append(peak.growth_mb)
            else:
                elapsed, ours_answer = _timed(measurement.ours)
            ours_samples.append(elapsed)
        if index < sql_reps:
            elapsed, sql_answer = _timed(measurement.sql)
            sql_samples.append(elapsed)
    same = measurement.compare(ours_answer, sql_answer) if measurement.compare else ours_answer == sql_answer
    if not same:
        raise Mismatch(f"ours {_short(ours_answer)} != SQL {_short(sql_answer)}")
    extra = {"checked": _short(ours_answer, 200)}
    if measurement.note:
        extra["note"] = measurement.note
    if peaks:
        extra["peak_mem_mb"] = round(max(peaks), 1)
    return make_entry(ours_samples, sql_samples, rows=measurement.rows, warmup=measurement.warmup,
                      **measurement.targets, **extra)


def _short(value, limit=300):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


# --- the data the measurements look at -------------------------------------------------------------


def existing_scale():
    """The scale of the data generate_scale loaded into the database, from its marker user
    ("generate_scale <scale> seed <n>"), if that run got as far as the projects; else None."""
    from projects.models import Project
    from wagecase.core.models import User
    from wagecase.core.scale import MARKER_USERNAME, SCALES

    marker = User.objects.filter(username=MARKER_USERNAME).values_list("full_name", flat=True).first()
    if not marker:
        return None
    words = marker.split()
    scale = words[1] if len(words) > 1 and words[1] in SCALES else None
    if scale is None or Project.objects.count() < SCALES[scale].projects:
        return None  # an unknown or unfinished run: generate again (generate_scale replaces it)
    return scale


@dataclass
class Subjects:
    """Regions and rows the measurements ask about, chosen from the data."""

    province: str
    city: str
    project_code: str
    today: datetime.date
    date_from: datetime.date
    date_to: datetime.date


def choose_subjects():
    from django.db import connection
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute("SELECT substr(region_id, 1, 4) AS city, count(*) FROM projects_project GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1")
        city = cursor.fetchone()[0]
        # The detail: the in-progress project of that city with the largest roster (the costliest evaluation).
        cursor.execute(
            "SELECT p.code FROM projects_project p LEFT JOIN projects_employment e ON e.project_id = p.id "
            "WHERE p.region_id LIKE %s AND p.status = 'in_progress' GROUP BY p.id, p.code ORDER BY count(e.id) DESC, p.code LIMIT 1",
            [city + "%"],
        )
        row = cursor.fetchone()
        if row is None:
            cursor.execute("SELECT code FROM projects_project ORDER BY id LIMIT 1")
            row = cursor.fetchone()
    today = timezone.localdate()
    return Subjects(province=city[:2], city=city, project_code=row[0], today=today,
                    date_from=today - datetime.timedelta(days=365), date_to=today)


def bench_user():
    from wagecase.core.choices import Role
    from wagecase.core.models import Region, User

    user = User.objects.filter(username="bench-superuser").first()
    if user is None:
        province = Region.objects.filter(level="province").order_by("code").first()
        user = User(username="bench-superuser", full_name="bench", role=Role.ADMIN, is_superuser=True, is_staff=True,
                    jurisdiction=province)
        user.set_unusable_password()
        user.save()
    return user


def api_client(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


def fetch(sql, params=()):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _get(client, path, params=None):
    response = client.get(path, params or {}, format="json")
    if response.status_code != 200:
        raise AssertionError(f"GET {path} {params} answered {response.status_code}: {str(response.content[:300])}")
    return response


def local_bounds(date_from, date_to):
    """[start of date_from, start of the day after date_to) in Beijing time, as aware datetimes:
    the sargable form of received_at::date BETWEEN date_from AND date_to."""
    from django.utils import timezone

    tz = timezone.get_default_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


# --- list and detail endpoints -------------------------------------------------------------------

PROJECT_SQL_FROM = """
    FROM projects_project p
    JOIN core_region r ON r.code = p.region_id
    JOIN core_enterprise b ON b.id = p.builder_id
    JOIN core_enterprise g ON g.id = p.general_contractor_id
    LEFT JOIN core_department d ON d.id = p.regulator_id"""
PROJECT_SQL_COLUMNS = """
    SELECT p.code, p.name, p.region_id, r.full_name, p.township_id, p.address, p.investment_type, p.industry,
           p.contract_amount, p.contract_signed_on, p.start_date, p.planned_end_date, p.completed_on, p.status,
           b.uscc, b.name, g.uscc, g.name, p.regulator_id, d.name, p.wage_officer_name, p.wage_officer_phone,
           p.injury_insurance, p.payment_guarantee, p.monitoring_required, p.compliance_score, p.compliance_evaluated_on,
           (SELECT count(*) FROM projects_projectwarning w WHERE w.project_id = p.id AND w.active) AS active_warnings"""


def project_list_measurements(client, subjects, warmup, reps):
    filters = {"region_code": subjects.city, "status": "in_progress"}
    where = "WHERE p.region_id LIKE %s AND p.status = 'in_progress'"
    params = [subjects.city + "%"]
    count = fetch(f"SELECT count(*) FROM projects_project p {where}", params)[0][0]
    last_page = max(1, math.ceil(count / PAGE_SIZE))
    deep_page = max(1, math.ceil(last_page * 0.8))

    def ours(page):
        data = _get(client, "/api/v1/projects/", {**filters, "page": page}).json()
        return data["count"], [row["code"] for row in data["results"]]

    def sql(page):
        total = fetch(f"SELECT count(*) FROM projects_project p {where}", params)[0][0]
        rows = fetch(f"{PROJECT_SQL_COLUMNS} {PROJECT_SQL_FROM} {where} ORDER BY p.start_date DESC, p.code "
                     "LIMIT %s OFFSET %s", [*params, PAGE_SIZE, (page - 1) * PAGE_SIZE])
        return total, [row[0] for row in rows]

    note = (f"GET /api/v1/projects/?region_code={subjects.city}&status=in_progress&page=N ({count:,} projects, "
            f"{PAGE_SIZE} a page) vs count(*) + the page's SELECT with its joins and the active-warning count")
    return [
        Measurement("projects_list_first_page", lambda: ours(1), lambda: sql(1), warmup, reps,
                    targets=LIST_TARGET, note=note + "; page 1"),
        Measurement("projects_list_deep_page", lambda: ours(deep_page), lambda: sql(deep_page), warmup, reps,
                    targets=LIST_TARGET, note=note + f"; page {deep_page} of {last_page}"),
    ]


def project_detail_measurements(client, subjects, warmup, reps):
    code = subjects.project_code

    def ours_detail():
        return _get(client, f"/api/v1/projects/{code}/").json()["code"]

    def sql_detail():
        return fetch(f"{PROJECT_SQL_COLUMNS} {PROJECT_SQL_FROM} WHERE p.code = %s", [code])[0][0]

    def ours_compliance():
        data = _get(client, f"/api/v1/projects/{code}/compliance/").json()
        return data["project"], sorted(data["systems"])

    def sql_compliance():
        project = fetch(
            "SELECT p.id, p.code, p.status, p.start_date, p.completed_on, p.contract_signed_on, p.contract_amount, "
            "p.region_id, p.investment_type, g.uscc, a.opened_on, a.closed_on, nb.installed_on, nb.items, "
            "dp.id, dp.amount, dp.exempt, dp.deposited_on "
            "FROM projects_project p JOIN core_enterprise g ON g.id = p.general_contractor_id "
            "LEFT JOIN projects_dedicatedaccount a ON a.project_id = p.id "
            "LEFT JOIN projects_noticeboard nb ON nb.project_id = p.id "
            "LEFT JOIN projects_wagedeposit dp ON dp.project_id = p.id WHERE p.code = %s", [code])[0]
        pk = project[0]
        fetch("SELECT period, amount, paid_on FROM projects_allocation WHERE project_id = %s", [pk])
        fetch("SELECT e.id, e.entered_on, e.exited_on, e.contract_signed_on, w.name FROM projects_employment e "
              "JOIN projects_worker w ON w.id = e.worker_id WHERE e.project_id = %s", [pk])
        fetch("SELECT id, period, paid_on, paid_via FROM projects_payroll WHERE project_id = %s", [pk])
        fetch("SELECT payroll_id, amount_due, amount_paid FROM projects_payrollline WHERE project_id = %s", [pk])
        fetch("SELECT amount, drawn_on, topped_up_on FROM projects_depositdrawdown WHERE project_id = %s", [pk])
        return project[1], sorted(["contractor_payroll", "dedicated_account", "notice_board", "real_name", "wage_deposit"])

    roster = fetch("SELECT count(*) FROM projects_employment e JOIN projects_project p ON p.id = e.project_id "
                   "WHERE p.code = %s", [code])[0][0]
    lines = fetch("SELECT count(*) FROM projects_payrollline l JOIN projects_project p ON p.id = l.project_id "
                  "WHERE p.code = %s", [code])[0][0]
    return [
        Measurement("project_detail", ours_detail, sql_detail, warmup, reps, targets=LIST_TARGET,
                    note=f"GET /api/v1/projects/{code}/ vs one SELECT with its joins"),
        Measurement("project_compliance", ours_compliance, sql_compliance, warmup, reps, targets=LIST_TARGET,
                    note=f"GET /api/v1/projects/{code}/compliance/ (roster {roster:,}, payroll lines {lines:,}; the largest "
                         "roster in the city) vs the six SELECTs of the rows the five rules read; the rules themselves "
                         "run in Python only on our side"),
    ]


def clue_list_measurements(client, subjects, warmup, reps):
    today = subjects.today
    open_statuses = ("received", "accepted", "in_progress", "transferred")
    where = "WHERE c.region_id LIKE %s AND c.status IN %s AND c.due_on < %s"
    params = [subjects.city + "%", open_statuses, today]

    def ours():
        data = _get(client, "/api/v1/clues/", {"overdue": "true", "region_code": subjects.city}).json()
        return data["count"], [row["number"] for row in data["results"]]

    def sql():
        total = fetch(f"SELECT count(*) FROM complaints_clue c {where}", params)[0][0]
        rows = fetch(
            "SELECT c.id, c.number, c.channel, c.received_at, c.region_id, r.full_name, c.complainant_name, "
            "c.complainant_phone, c.complainant_id_number, c.employer_name, c.employer_uscc, c.workers_involved, "
            "c.amount_claimed, c.description, c.industry, c.status, c.category, c.accept_due, c.due_on, c.warn_on, "
            "c.resolve_due, p.code, p.name, o.full_name, rb.full_name, d.name, m.number "
            "FROM complaints_clue c JOIN core_region r ON r.code = c.region_id "
            "LEFT JOIN projects_project p ON p.id = c.project_id LEFT JOIN core_user o ON o.id = c.owner_id "
            "LEFT JOIN core_user rb ON rb.id = c.received_by_id LEFT JOIN core_department d ON d.id = c.transferred_to_id "
            f"LEFT JOIN complaints_clue m ON m.id = c.merged_into_id {where} "
            "ORDER BY c.received_at DESC, c.id DESC LIMIT %s", [*params, PAGE_SIZE])
        ids = tuple(row[0] for row in rows) or (0,)
        fetch("SELECT l.clue_id, l.reasons, k.number, k.received_at FROM complaints_clueduplicate l "
              "JOIN complaints_clue k ON k.id = l.candidate_id WHERE l.clue_id IN %s "
              "ORDER BY k.received_at DESC, k.id DESC", [ids])
        return total, [row[1] for row in rows]

    count = fetch(f"SELECT count(*) FROM complaints_clue c {where}", params)[0][0]
    return [Measurement(
        "clues_list_overdue", ours, sql, warmup, reps, targets=LIST_TARGET,
        note=f"GET /api/v1/clues/?overdue=true&region_code={subjects.city} ({count:,} overdue) vs count(*) + the page "
             "with its joins + the page's duplicate candidates")]


# --- figures --------------------------------------------------------------------------------------

SUMMARY_SQL = """
SELECT
  (SELECT count(*) FROM projects_project p
    WHERE p.region_id LIKE %(region)s AND p.monitoring_required AND p.start_date <= %(date_to)s
      AND p.status <> 'planned' AND (p.completed_on IS NULL OR p.completed_on >= %(date_from)s)),
  (SELECT count(DISTINCT i.project_id) FROM inspections_inspection i JOIN projects_project p ON p.id = i.project_id
    WHERE p.region_id LIKE %(region)s AND i.inspected_on BETWEEN %(date_from)s AND %(date_to)s),
  c.received, c.closed, c.workers, c.amount,
  (SELECT coalesce(sum(cp.workers), 0) FROM complaints_casepayment cp JOIN complaints_arrearscase ac ON ac.id = cp.case_id
    WHERE ac.region_id LIKE %(region)s AND ac.source_clue_id IS NULL AND cp.paid_on BETWEEN %(date_from)s AND %(date_to)s),
  (SELECT coalesce(sum(cp.amount), 0) FROM complaints_casepayment cp JOIN complaints_arrearscase ac ON ac.id = cp.case_id
    WHERE ac.region_id LIKE %(region)s AND ac.source_clue_id IS NULL AND cp.paid_on BETWEEN %(date_from)s AND %(date_to)s),
  (SELECT count(*) FROM blacklist_publicationentry e JOIN blacklist_publicationbatch pb ON pb.id = e.batch_id
    WHERE pb.region_id LIKE %(region)s AND pb.status = 'published' AND pb.published_on BETWEEN %(date_from)s AND %(date_to)s),
  (SELECT count(*) FROM blacklist_listing l
    WHERE l.region_id LIKE %(region)s AND l.listed_on BETWEEN %(date_from)s AND %(date_to)s)
FROM (SELECT count(*) AS received, count(*) FILTER (WHERE status = 'closed') AS closed,
             coalesce(sum(workers_paid), 0) AS workers, coalesce(sum(amount_recovered), 0) AS amount
        FROM complaints_clue
       WHERE region_id LIKE %(region)s AND merged_into_id IS NULL
         AND received_at >= %(start)s AND received_at < %(end)s) c
"""


def summary_measurements(client, subjects, warmup, reps):
    def ours(region):
        data = _get(client, "/api/v1/stats/summary/", {"region_code": region, "date_from": subjects.date_from,
                                                      "date_to": subjects.date_to}).json()
        return (data["projects_monitored"], data["projects_inspected"], data["clues_received"], data["clues_closed"],
                data["workers_paid"], Decimal(str(data["amount_recovered"])), data["violations_published"],
                data["blacklisted"])

    def sql(region):
        start, end = local_bounds(subjects.date_from, subjects.date_to)
        row = fetch(SUMMARY_SQL, {"region": region + "%", "date_from": subjects.date_from, "date_to": subjects.date_to,
                                  "start": start, "end": end})[0]
        monitored, inspected, received, closed, clue_workers, clue_amount, pay_workers, pay_amount, published, listed = row
        return (monitored, inspected, received, closed, int(clue_workers) + int(pay_workers),
                (Decimal(clue_amount) + Decimal(pay_amount)).quantize(Decimal("0.01")), published, listed)

    period = f"date_from={subjects.date_from}&date_to={subjects.date_to}"
    return [
        Measurement("summary_city", lambda: ours(subjects.city), lambda: sql(subjects.city), warmup, reps,
                    targets=FIGURES_TARGET,
                    note=f"GET /api/v1/stats/summary/?region_code={subjects.city}&{period} vs one SELECT of subqueries"),
        Measurement("summary_province", lambda: ours(subjects.province), lambda: sql(subjects.province), warmup, reps,
                    targets=FIGURES_TARGET,
                    note=f"GET /api/v1/stats/summary/?region_code={subjects.province}&{period} vs one SELECT of subqueries"),
    ]


ZERO_SQL_AGGREGATES = """
  count(*) FILTER (WHERE government_type AND zero_clearance_due <= %(gov_due)s),
  coalesce(sum(amount_owed - amount_paid) FILTER (WHERE government_type AND zero_clearance_due <= %(gov_due)s), 0),
  count(*) FILTER (WHERE government_type AND zero_clearance_due < %(as_of)s),
  count(*) FILTER (WHERE NOT government_type AND zero_clearance_due <= %(other_due)s),
  coalesce(sum(amount_owed - amount_paid) FILTER (WHERE NOT government_type AND zero_clearance_due <= %(other_due)s), 0),
  count(*) FILTER (WHERE NOT government_type AND zero_clearance_due < %(as_of)s)"""


def zero_clearance_measurements(client, subjects, warmup, reps):
    from complaints.case_selectors import zero_clearance_dues

    def ours(region):
        data = _get(client, "/api/v1/stats/zero-clearance/", {"region_code": region, "as_of": subjects.today}).json()
        figures = tuple((data[k]["open_cases"], Decimal(str(data[k]["amount_outstanding"])), data[k]["overdue_cases"])
                        for k in ("government", "other"))
        return figures, len(data["by_county"])

    def sql(region):
        dues = zero_clearance_dues(subjects.today)
        params = {"region": region + "%", "as_of": subjects.today, "gov_due": dues["government"], "other_due": dues["other"]}
        where = "WHERE status = 'open' AND region_id LIKE %(region)s"
        totals = fetch(f"SELECT {ZERO_SQL_AGGREGATES} FROM complaints_arrearscase {where}", params)[0]
        counties = fetch(
            f"SELECT a.region_id, r.name, {ZERO_SQL_AGGREGATES.replace('government_type', 'a.government_type')} "
            "FROM complaints_arrearscase a JOIN core_region r ON r.code = a.region_id "
            "WHERE a.status = 'open' AND a.region_id LIKE %(region)s AND ((a.zero_clearance_due <= %(gov_due)s AND "
            "a.government_type) OR (a.zero_clearance_due <= %(other_due)s AND NOT a.government_type) OR "
            "a.zero_clearance_due < %(as_of)s) GROUP BY a.region_id, r.name ORDER BY a.region_id", params)
        money = Decimal("0.01")
        figures = ((totals[0], Decimal(totals[1]).quantize(money), totals[2]),
                   (totals[3], Decimal(totals[4]).quantize(money), totals[5]))
        return figures, len(counties)

    return [
        Measurement("zero_clearance_province", lambda: ours(subjects.province), lambda: sql(subjects.province), warmup,
                    reps, targets=FIGURES_TARGET,
                    note=f"GET /api/v1/stats/zero-clearance/?region_code={subjects.province} vs the totals' SELECT + the "
                         "by-county GROUP BY"),
        Measurement("zero_clearance_city", lambda: ours(subjects.city), lambda: sql(subjects.city), warmup, reps,
                    targets=FIGURES_TARGET,
                    note=f"GET /api/v1/stats/zero-clearance/?region_code={subjects.city}"),
    ]


# --- weekly report --------------------------------------------------------------------------------

REPORT_SQL = {
    "projects": """SELECT substr(region_id, 1, %(len)s), count(*), count(*) FILTER (WHERE monitoring_required)
        FROM projects_project WHERE region_id LIKE %(region)s AND start_date <= %(end)s AND status <> 'planned'
         AND (completed_on IS NULL OR completed_on > %(end)s) GROUP BY 1""",
    "inspections": """SELECT substr(p.region_id, 1, %(len)s), count(DISTINCT i.project_id)
        FROM inspections_inspection i JOIN projects_project p ON p.id = i.project_id
        WHERE p.region_id LIKE %(region)s AND i.inspected_on BETWEEN %(start)s AND %(end)s GROUP BY 1""",
    "clues": """SELECT substr(region_id, 1, %(len)s),
               count(*) FILTER (WHERE received_at >= %(start_ts)s),
               count(*) FILTER (WHERE received_at >= %(year_ts)s),
               count(*) FILTER (WHERE received_at >= %(year_ts)s AND status = 'closed' AND closed_at < %(end_ts)s)
        FROM complaints_clue WHERE region_id LIKE %(region)s AND merged_into_id IS NULL AND received_at < %(end_ts)s
        GROUP BY 1""",
    "closings": """SELECT substr(region_id, 1, %(len)s), count(*) FROM complaints_clue
        WHERE region_id LIKE %(region)s AND merged_into_id IS NULL AND status = 'closed'
          AND closed_at >= %(start_ts)s AND closed_at < %(end_ts)s GROUP BY 1""",
    "overdue": """SELECT substr(region_id, 1, %(len)s), count(*) FROM complaints_clue
        WHERE region_id LIKE %(region)s AND merged_into_id IS NULL
          AND status IN ('received', 'accepted', 'in_progress', 'transferred') AND due_on < %(overdue_before)s GROUP BY 1""",
    "cases": """SELECT substr(region_id, 1, %(len)s), count(*), coalesce(sum(workers_owed - workers_paid), 0),
               coalesce(sum(amount_owed - amount_paid), 0)
        FROM complaints_arrearscase WHERE region_id LIKE %(region)s AND status = 'open' AND occurred_on <= %(end)s GROUP BY 1""",
    "payments": """SELECT substr(a.region_id, 1, %(len)s), coalesce(sum(cp.amount), 0), coalesce(sum(cp.workers), 0)
        FROM complaints_casepayment cp JOIN complaints_arrearscase a ON a.id = cp.case_id
        WHERE a.region_id LIKE %(region)s AND cp.paid_on BETWEEN %(start)s AND %(end)s GROUP BY 1""",
    "listings": """SELECT substr(region_id, 1, %(len)s),
               count(*) FILTER (WHERE listed_on BETWEEN %(start)s AND %(end)s),
               count(*) FILTER (WHERE listed_on <= %(end)s AND expires_on > %(end)s AND (ended_on IS NULL OR ended_on > %(end)s))
        FROM blacklist_listing WHERE region_id LIKE %(region)s GROUP BY 1""",
}


def report_measurements(subjects, warmup, reps):
    from wagecase.core.models import Region
    from wagecase.reports.choices import ReportKind, ReportStatus
    from wagecase.reports.dispatch import sub_regions
    from wagecase.reports.models import Report
    from wagecase.reports.services import report_generate, report_request

    region = Region.objects.get(pk=subjects.city)
    # The last complete week (Monday–Sunday) before today.
    start = subjects.today - datetime.timedelta(days=subjects.today.weekday() + 7)
    end = start + datetime.timedelta(days=6)

    def ours():
        report, _queued = report_request(kind=ReportKind.WEEKLY, region=region, period_start=start, regenerate=True)
        # Without a broker the task runs eagerly once the request commits; the direct call generates
        # it when it did not (and leaves a report already done alone).
        report = report_generate(report_id=report.pk)
        if report.status != ReportStatus.DONE:
            raise AssertionError(f"the weekly report ended {report.status}: {report.error}")
        totals = report.figures["totals"]
        return (int(totals["projects_in_progress"]), int(totals["projects_inspected"]), int(totals["clues_received"]),
                int(totals["clues_closed"]), int(totals["clues_overdue"]), int(totals["cases_open"]),
                Decimal(totals["amount_outstanding"]), int(totals["listed_in_force"]))

    def sql():
        from django.utils import timezone

        groups, length = sub_regions(region)
        tz = timezone.get_default_timezone()

        def midnight(day):
            return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)

        params = {"len": length, "region": region.code + "%", "start": start, "end": end,
                  "start_ts": midnight(start), "end_ts": midnight(end + datetime.timedelta(days=1)),
                  "year_ts": midnight(datetime.date(end.year, 1, 1)), "overdue_before": min(end, datetime.date.today())}
        families = {name: {row[0]: row[1:] for row in fetch(query, params)} for name, query in REPORT_SQL.items()}
        codes = {code for code, _name in groups}

        def total(family, index):
            return sum(values[index] for code, values in families[family].items() if code in codes)

        return (int(total("projects", 0)), int(total("inspections", 0)), int(total("clues", 0)),
                int(total("closings", 0)), int(total("overdue", 0)), int(total("cases", 0)),
                Decimal(total("cases", 2)).quantize(Decimal("0.01")), int(total("listings", 1)))

    def teardown():
        for report in Report.objects.filter(kind=ReportKind.WEEKLY, region=region, period_start=start):
            if report.file:
                report.file.delete(save=False)
            report.delete()

    return [Measurement(
        "weekly_report_city", ours, sql, warmup, reps, sql_warmup=3, sql_reps=15,
        targets={"target_ms": REPORT_TARGET_MS, "target_ratio": None, "target_overhead_ms": None},
        note=f"report_request(weekly, {region.code} {region.name}, {start}, regenerate) + report_generate (figures and "
             "xlsx) vs the eight grouped SELECTs of its figure families; target: ≤ 30 s",
        teardown=teardown)]


# --- roster import and export ---------------------------------------------------------------------


def roster_rows(count, seed=20261122):
    """`count` roster rows of new workers (ID numbers not yet in the database), as the template's columns."""
    import random

    from projects.models import Worker
    from wagecase.core.identifiers import make_id_number, make_mobile

    rng = random.Random(seed)
    ids, seen = [], set()
    while len(ids) < count:
        batch = set()
        while len(batch) < min(5000, count - len(ids)):
            number = make_id_number(rng, region_code="620502")
            if number not in seen:
                batch.add(number)
        taken = set(Worker.objects.filter(id_number__in=batch).values_list("id_number", flat=True))
        fresh = sorted(batch - taken)
        seen.update(batch)
        ids.extend(fresh)
    surnames, given = "王李张刘陈杨赵黄周吴徐孙马朱胡", "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"
    trades = ("钢筋工", "木工", "瓦工", "架子工", "电工", "焊工", "普工")
    teams = ("钢筋班", "木工班", "泥瓦班", "架子班", "水电班")
    rows = []
    for number in ids[:count]:
        entered = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randint(0, 300))
        signed = entered - datetime.timedelta(days=rng.randint(0, 5))
        rows.append({
            "id_number": number, "name": rng.choice(surnames) + rng.choice(given) + rng.choice(given),
            "phone": make_mobile(rng), "trade": rng.choice(trades), "team": rng.choice(teams),
            "contract_signed_on": signed, "entered_on": entered,
            "daily_wage": Decimal(rng.randint(180, 450)),
        })
    return rows


def write_roster_xlsx(path, project, rows, employer_uscc):
    from openpyxl import Workbook

    from projects.excel import ROSTER_COLUMNS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append(["项目编号", project.code])
    sheet.append([column.header for column in ROSTER_COLUMNS])
    for row in rows:
        values = {**row, "employer_uscc": employer_uscc, "exited_on": None}
        sheet.append([values.get(column.key) for column in ROSTER_COLUMNS])
    workbook.save(path)


def import_measurements(user, subjects, rows_wanted, workdir, log):
    from django.db import connection, transaction

    from projects.excel import import_roster_file
    from projects.models import Project

    files = max(1, math.ceil(rows_wanted / ROSTER_FILE_ROWS))
    projects = list(Project.objects.filter(region__code__startswith=subjects.city, status="in_progress")
                    .select_related("general_contractor").order_by("code")[:files])
    if len(projects) < files:
        projects = list(Project.objects.select_related("general_contractor").order_by("code")[:files])
    log(f"  preparing {rows_wanted:,} roster rows in {files} file(s) of ≤ {ROSTER_FILE_ROWS:,} rows")
    rows = roster_rows(rows_wanted)
    chunks = []
    for index, project in enumerate(projects):
        part = rows[index * ROSTER_FILE_ROWS:(index + 1) * ROSTER_FILE_ROWS]
        if not part:
            break
        path = os.path.join(workdir, f"roster-{index}.xlsx")
        write_roster_xlsx(path, project, part, project.general_contractor.uscc)
        chunks.append((path, project, part))

    class Rollback(Exception):
        pass

    def ours(before_rollback=None):
        created = 0
        try:
            with transaction.atomic():
                for path, project, _part in chunks:
                    result = import_roster_file(path, user, project=project)
                    if result["errors"]:
                        raise AssertionError(f"the roster import reported errors: {result['errors'][:3]}")
                    created += result["created"] + result["updated"]
                # What the commit would do before the rollback: the foreign keys' checks, deferred to
                # the end of the transaction (Django's constraints are DEFERRABLE INITIALLY DEFERRED).
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                if before_rollback is not None:
                    before_rollback()
                raise Rollback  # leave the database as it was for the next repetition and measurement
        except Rollback:
            pass
        return created

    lines = []
    for _path, project, part in chunks:
        for row in part:
            lines.append("\t".join([
                str(project.pk), row["id_number"], row["name"], row["phone"], row["trade"], project.general_contractor.uscc,
                row["team"], row["contract_signed_on"].isoformat(), row["entered_on"].isoformat(), r"\N",
                str(row["daily_wage"]),
            ]))
    text = "\n".join(lines) + "\n"

    def sql():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE bench_roster (project_id bigint, id_number varchar(18), name varchar(50), "
                "phone varchar(20), trade varchar(50), employer_uscc varchar(18), team varchar(100), "
                "contract_signed_on date, entered_on date, exited_on date, daily_wage numeric(16, 2)) ON COMMIT DROP")
            cursor.copy_expert("COPY bench_roster FROM STDIN", io.StringIO(text))
            cursor.execute("SELECT count(*) FROM bench_roster")
            return cursor.fetchone()[0]

    # Three timed runs, the median reported, at every scale: one 100,000-row run took 10.7 s in one
    # try and 13.9 s in the next on the same shared 2-vCPU machine with nothing else changed.
    heavy = rows_wanted >= 20_000
    writes = []

    def replay():
        if not writes:  # on the first run (a warm-up): one more import, to see what it writes
            log("  capturing what the import writes")
            writes.extend(capture_import_writes(ours))
        return replay_writes(writes)

    return [Measurement(
        "roster_import", ours, sql, warmup=0 if heavy else 1, reps=3, sql_warmup=1, sql_reps=5,
        targets={"target_rows_per_s": IMPORT_TARGET_ROWS_PER_S}, rows=len(rows), track_memory=True,
        note=f"projects.excel.import_roster_file on {len(chunks)} .xlsx file(s) of ≤ {ROSTER_FILE_ROWS:,} rows (the "
             "import's MAX_ROWS), new workers, one transaction rolled back afterwards (its deferred foreign-key "
             "checks run first, as a commit runs them), vs COPY of the same rows into a "
             "temporary table; peak_mem_mb = resident-memory growth during the import"),
        Measurement(
            "roster_import_writes", replay, sql, warmup=1, reps=5, sql_warmup=1, sql_reps=5,
            rows=len(rows), teardown=writes.clear,
            note="the database's share of roster_import, without Python: the rows the import wrote (its teams, "
                 "workers, roster entries and their change records, captured from its COPYs) sent again by COPY "
                 "into their tables, with their indexes and foreign-key checks, one transaction rolled back; "
                 "no target: the floor under roster_import on this machine")]


def capture_import_writes(run_import):
    """Run the import once (rolled back like every run) and keep what it wrote: the teams it created
    (saved by the ORM; kept with their keys, which the roster entries name) and every COPY it sent,
    in order, as [(statement, text)]."""
    from django.db import connection

    from wagecase.core import bulk

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM projects_workteam")
        before = cursor.fetchone()[0]
    copies, teams = [], io.StringIO()
    submit = bulk.CopyPipeline.submit

    def capture(self, sql, text):
        copies.append((sql, text))
        return submit(self, sql, text)

    def read_teams():
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY (SELECT * FROM projects_workteam WHERE id > {int(before)}) TO STDOUT", teams)

    bulk.CopyPipeline.submit = capture
    try:
        run_import(read_teams)
    finally:
        bulk.CopyPipeline.submit = submit
    return [("COPY projects_workteam FROM STDIN", teams.getvalue()), *copies]


def replay_writes(writes):
    """The captured writes sent again by COPY in one transaction, the deferred key checks run (as a
    commit runs them), rolled back; the number of roster entries written."""
    from django.db import connection, transaction

    entries = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, text in writes:
            cursor.copy_expert(sql, io.StringIO(text))
            if "projects_employment" in sql:
                entries += text.count("\n")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        transaction.set_rollback(True)
    return entries


def export_measurements(rows_wanted, log):
    from django.db import connection

    from wagecase.core.choices import Role
    from wagecase.core.models import Job, Region, User
    from wagecase.core.services import job_run

    # The smallest region (province, city or county) holding at least rows_wanted roster entries.
    counts = fetch(
        "SELECT prefix, count(*) FROM (SELECT substr(p.region_id, 1, n) AS prefix FROM projects_employment e "
        "JOIN projects_project p ON p.id = e.project_id CROSS JOIN (VALUES (2), (4), (6)) AS lengths(n)) s "
        "GROUP BY prefix ORDER BY 2")
    if not counts:
        raise AssertionError("no roster entries to export")
    prefix, rows = next(((code, n) for code, n in counts if n >= rows_wanted), max(counts, key=lambda item: item[1]))
    region = Region.objects.get(pk=prefix)
    username = f"bench-export-{prefix}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=username, role=Role.ADMIN, jurisdiction=region)
        user.set_unusable_password()
        user.save()
    log(f"  exporting the roster entries of {prefix} {region.name}: {rows:,} rows")

    def ours():
        job = Job.objects.create(kind="export", user=user, title="bench export",
                                 params={"model": "projects.employment", "query": ""})
        job_run(job_id=job.pk)
        job.refresh_from_db()
        if job.status != "done":
            raise AssertionError(f"the export job ended {job.status}: {job.error}")
        exported = job.result["rows"]
        if job.result_file:
            job.result_file.delete(save=False)
        job.delete()
        return exported

    def sql():
        with connection.chunked_cursor() as cursor:
            cursor.execute(
                "SELECT p.code, p.name, w.name, w.id_number, w.phone, e.trade, em.name, t.name, e.contract_signed_on, "
                "e.entered_on, e.exited_on, e.daily_wage FROM projects_employment e "
                "JOIN projects_project p ON p.id = e.project_id JOIN projects_worker w ON w.id = e.worker_id "
                "LEFT JOIN core_enterprise em ON em.id = e.employer_id LEFT JOIN projects_workteam t ON t.id = e.team_id "
                "WHERE p.region_id LIKE %s ORDER BY e.id", [prefix + "%"])
            total = 0
            while True:
                batch = cursor.fetchmany(2000)
                if not batch:
                    break
                total += len(batch)
        return total

    heavy = rows >= 20_000
    return [Measurement(
        "roster_export_xlsx", ours, sql, warmup=0 if heavy else 1, reps=2 if heavy else 3, sql_warmup=1, sql_reps=3,
        rows=rows, track_memory=True,
        note=f"the export job (core.exports, projects.employment, jurisdiction {prefix}) writing .xlsx vs a server-side "
             "cursor reading the same rows with their joins (no file); no ratio target: the issue asks that it stream "
             "(see peak_mem_mb)")]


# --- all of them ----------------------------------------------------------------------------------


def run_all(*, scale, only=(), log=print):
    import tempfile

    from django.utils import translation

    translation.activate("zh-hans")
    user = bench_user()
    client = api_client(user)
    subjects = choose_subjects()
    log(f"subjects: province {subjects.province}, city {subjects.city}, project {subjects.project_code}")
    warmup, reps = (3, 15)
    heavy_warmup, heavy_reps = (1, 5) if scale != "province" else (1, 3)
    default_rows = 2_000 if scale == "tiny" else 100_000
    import_rows = int(os.environ.get("BENCH_IMPORT_ROWS") or default_rows)
    export_rows = int(os.environ.get("BENCH_EXPORT_ROWS") or default_rows)

    builders = [
        (("projects_list_first_page", "projects_list_deep_page"),
         lambda: project_list_measurements(client, subjects, warmup, reps)),
        (("project_detail", "project_compliance"), lambda: project_detail_measurements(client, subjects, warmup, reps)),
        (("clues_list_overdue",), lambda: clue_list_measurements(client, subjects, warmup, reps)),
        (("summary_city", "summary_province"), lambda: summary_measurements(client, subjects, warmup, reps)),
        (("zero_clearance_province", "zero_clearance_city"),
         lambda: zero_clearance_measurements(client, subjects, warmup, reps)),
        (("weekly_report_city",), lambda: report_measurements(subjects, heavy_warmup, heavy_reps)),
        (("roster_import", "roster_import_writes"), lambda: import_measurements(user, subjects, import_rows, workdir, log)),
        (("roster_export_xlsx",), lambda: export_measurements(export_rows, log)),
    ]
    results = {}
    with tempfile.TemporaryDirectory(prefix="wagecase-bench-files-") as workdir:
        for names, build in builders:
            if only and not set(names) & set(only):
                continue
            try:
                measurements = build()
            except Exception as error:  # noqa: BLE001 - one broken measurement must not hide the others
                log(f"{', '.join(names)}: could not prepare: {type(error).__name__}: {error}")
                for name in names:
                    results[name] = {"error": f"{type(error).__name__}: {error}"}
                continue
            for measurement in measurements:
                if only and measurement.name not in only:
                    continue
                log(f"{measurement.name} ({measurement.warmup} warm-up + {measurement.reps} timed)")
                try:
                    entry = run_measurement(measurement)
                except Exception as error:  # noqa: BLE001
                    log(f"  {measurement.name} failed: {type(error).__name__}: {error}")
                    entry = {"error": f"{type(error).__name__}: {error}", **measurement.targets}
                finally:
                    if measurement.teardown is not None:
                        measurement.teardown()
                results[measurement.name] = entry
                if "ours_ms" in entry:
                    log(f"  ours {entry['ours_ms']:,.1f} ms, SQL {entry['sql_ms']:,.1f} ms, ratio {entry['ratio']}"
                        + (f", {entry['rows_per_s']:,.0f} rows/s" if entry.get("rows_per_s") else ""))
    return results
