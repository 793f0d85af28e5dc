"""The pure parts of `make bench` (bench.measurements): statistics, the target check, the JSON entry
and the table; and one measurement run end to end on the test database with a handful of rows.
The bench itself (PostgreSQL, generated data) is not part of the suite."""
import json

import pytest

from bench.measurements import (
    FIGURES_TARGET, LIST_TARGET, Measurement, Mismatch, api_client, format_table, make_entry, percentile,
    run_measurement, summarize, within_target,
)


def test_percentile_interpolates_between_ranks():
    samples = list(range(1, 21))  # 1..20
    assert percentile(samples, 50) == pytest.approx(10.5)
    assert percentile(samples, 95) == pytest.approx(19.05)
    assert percentile([7.0], 95) == 7.0
    assert percentile([3, 1, 2], 0) == 1 and percentile([3, 1, 2], 100) == 3
    with pytest.raises(ValueError):
        percentile([], 50)


def test_summarize():
    stats = summarize([10, 12, 11, 50, 13])
    assert stats["median"] == 12
    assert stats["min"] == 10 and stats["max"] == 50 and stats["n"] == 5
    assert 13 < stats["p95"] <= 50


@pytest.mark.parametrize("ours, sql, expected", [
    (25.0, 10.0, True),   # 2.5×: within 3×
    (24.0, 5.0, True),    # 4.8×, but within SQL + 20 ms (the larger allowance)
    (31.0, 10.0, False),  # beyond both 3× (30) and +20 ms (30)
    (80.0, 30.0, True),   # 2.67×
    (100.0, 30.0, False),
])
def test_ratio_target_takes_the_larger_allowance(ours, sql, expected):
    entry = {"ours_ms": ours, "sql_ms": sql, "target_ratio": 3, "target_overhead_ms": 20}
    assert within_target(entry) is expected


def test_other_targets():
    assert within_target({"ours_ms": 10, "sql_ms": 5, "target_ratio": 3, "target_overhead_ms": 20,
                          "ours_p95_ms": 150, "target_p95_ms": 100}) is False
    assert within_target({"ours_ms": 29_000, "sql_ms": 10, "target_ms": 30_000}) is True
    assert within_target({"ours_ms": 31_000, "sql_ms": 10, "target_ms": 30_000}) is False
    assert within_target({"rows_per_s": 9_999, "target_rows_per_s": 10_000}) is False
    assert within_target({"rows_per_s": 12_000, "target_rows_per_s": 10_000}) is True
    assert within_target({"ours_ms": 1, "sql_ms": 1}) is None  # no target: n/a
    assert within_target({"error": "Mismatch", "target_ratio": 3}) is None


def test_entry_has_the_issue_s_json_shape():
    entry = make_entry([10, 11, 12, 13, 30], [4, 4, 5, 5, 6], **LIST_TARGET, warmup=3)
    for key in ("ours_ms", "sql_ms", "ratio", "target_ratio", "target_overhead_ms", "ours_p95_ms", "sql_p95_ms"):
        assert key in entry
    assert entry["ours_ms"] == 12 and entry["sql_ms"] == 5 and entry["ratio"] == 2.4
    assert entry["target_ratio"] == 3 and entry["target_overhead_ms"] == 20
    assert entry["within_target"] is True
    assert entry["repetitions"] == {"ours": 5, "sql": 5, "warmup": 3}
    json.dumps({"measurements": {"x": entry}})  # serialisable as it is

    rows = make_entry([2000.0], [100.0], rows=10_000, target_rows_per_s=10_000)
    assert rows["rows_per_s"] == 5000 and rows["sql_rows_per_s"] == 100_000
    assert rows["within_target"] is False


def test_table_names_every_measurement_and_its_verdict():
    results = {
        "fast": make_entry([5.0], [4.0], **FIGURES_TARGET),
        "slow": make_entry([500.0], [4.0], **FIGURES_TARGET),
        "broken": {"error": "Mismatch: ours 3 != SQL 4", **FIGURES_TARGET},
    }
    table = format_table(results).splitlines()
    assert "within target" in table[0]
    fast, slow, broken = table[2:]
    assert fast.startswith("fast") and fast.rstrip().endswith("yes")
    assert slow.startswith("slow") and slow.rstrip().endswith("NO")
    assert broken.startswith("broken") and "ERROR" in broken


def test_a_mismatch_is_refused():
    with pytest.raises(Mismatch):
        run_measurement(Measurement("m", ours=lambda: 1, sql=lambda: 2, warmup=0, reps=2))


def test_one_measurement_end_to_end(db, make_user):
    """The project list through the API against a SQL count, on the test database."""
    from django.db import connection

    from projects.models import Project
    from wagecase.core.choices import Role

    user = make_user(role=Role.ADMIN, region="6205")
    client = api_client(user)

    def ours():
        return client.get("/api/v1/projects/", {"region_code": "6205"}).json()["count"]

    def sql():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM projects_project WHERE region_id LIKE %s", ["6205%"])
            return cursor.fetchone()[0]

    entry = run_measurement(Measurement("projects", ours, sql, warmup=1, reps=3, targets=LIST_TARGET))
    assert entry["checked"] == repr(Project.objects.filter(region__code__startswith="6205").count())
    assert entry["ours_ms"] > 0 and entry["sql_ms"] > 0 and entry["repetitions"]["ours"] == 3
    assert entry["within_target"] in (True, False)


def test_the_machine_reference_times_both_workloads(db):
    """The reference the bench takes before and after its measurements (PostgreSQL only, as the bench)."""
    from django.db import connection

    from bench.run import reference_speed

    if connection.vendor != "postgresql":
        pytest.skip("the bench runs on PostgreSQL")
    timings = reference_speed(connection, reps=2)
    assert set(timings) == {"python", "postgresql"}
    assert all(value > 0 for value in timings.values())
