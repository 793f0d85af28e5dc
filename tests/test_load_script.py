"""The pure parts of `make load` (bench/load.py): durations, the statistics of locust's raw figures,
the request mix, the table, gunicorn's status counts. Nothing here starts gunicorn or locust, except
one subprocess that imports the locustfile to check the raw statistics it writes are what load.py reads."""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import load

ROOT = Path(__file__).resolve().parent.parent


def raw_entry(name, times, *, failures=0, method="GET", start=1000.0, last=1060.0):
    """A raw_stats entry with the response times `times` (ms, already rounded as locust rounds)."""
    histogram = {}
    for ms in times:
        histogram[str(ms)] = histogram.get(str(ms), 0) + 1
    return {"method": method, "name": name, "num_requests": len(times), "num_failures": failures,
            "total_response_time": float(sum(times)), "min_response_time": float(min(times)),
            "max_response_time": float(max(times)), "response_times": histogram, "start_time": start,
            "last_request_timestamp": last}


@pytest.mark.parametrize("text, seconds", [("60", 60), ("60s", 60), ("2m", 120), ("1h30m", 5400), ("1m30s", 90)])
def test_parse_duration(text, seconds):
    assert load.parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "5x", "-3s"])
def test_parse_duration_refuses_nonsense(text):
    with pytest.raises(ValueError):
        load.parse_duration(text)


def test_default_workers_is_two_per_cpu_plus_one():
    assert load.default_workers(2) == 5
    assert load.default_workers(8) == 17


def test_percentile_follows_locust():
    # 100 requests of 1..100 ms: locust's rule (the smallest time with at most 5 % of the requests
    # above it) puts the 95th at 96 ms and the median at 51 ms.
    times = {ms: 1 for ms in range(1, 101)}
    assert load.percentile(times, 100, 0.95) == 96
    assert load.percentile(times, 100, 0.50) == 51
    assert load.percentile(times, 100, 1.0) == 100
    assert load.percentile({}, 0, 0.95) == 0


def test_entry_row():
    row = load.entry_row(raw_entry("api project detail", [10, 20, 30, 40] * 25, failures=1))
    assert row["requests"] == 100
    assert row["failures"] == 1
    assert row["requests_per_s"] == pytest.approx(100 / 60, abs=0.01)
    assert row["avg_ms"] == 25.0
    assert (row["min_ms"], row["max_ms"]) == (10.0, 40.0)
    assert (row["p50_ms"], row["p95_ms"], row["p99_ms"]) == (30, 40, 40)


def test_merge_entries_adds_histograms_and_spans_the_whole_test():
    merged = load.merge_entries([raw_entry("a", [10, 10], start=1000.0, last=1030.0),
                                 raw_entry("b", [10, 500], failures=2, start=1005.0, last=1050.0)])
    assert merged["num_requests"] == 4
    assert merged["num_failures"] == 2
    assert merged["response_times"] == {10: 3, 500: 1}
    assert (merged["start_time"], merged["last_request_timestamp"]) == (1000.0, 1050.0)
    assert merged["max_response_time"] == 500.0


def sample_raw():
    return {
        "entries": [
            raw_entry("api projects?region_code", [20] * 50 + [80] * 10),
            raw_entry("page project list", [60] * 25 + [200] * 5),
            raw_entry("public blacklist?q", [8] * 10),
        ],
        "errors": [],
    }


def test_summarize():
    document = load.summarize(sample_raw(), users=50, duration_s=60)
    assert document["users"] == 50
    assert document["duration_s"] == 60
    assert document["requests"] == 100
    assert document["requests_per_s"] == pytest.approx(100 / 60, abs=0.01)
    assert document["failures"] == 0
    assert document["p50_ms"] == 20
    assert document["p95_ms"] == 200
    assert set(document["by_name"]) == {"api projects?region_code", "page project list", "public blacklist?q"}
    # The names' rates are over the whole test, so they add up to the total.
    rates = [row["requests_per_s"] for row in document["by_name"].values()]
    assert sum(rates) == pytest.approx(document["requests_per_s"], abs=0.05)
    assert document["mix"] == {"api": 0.6, "page": 0.3, "public": 0.1}
    json.dumps(document)  # what LOAD_OUT holds


def test_summarize_keeps_the_failures():
    raw = sample_raw()
    raw["entries"][0]["num_failures"] = 3
    raw["errors"] = [{"method": "GET", "name": "api projects?region_code", "error": "429: throttled", "occurrences": 3}]
    document = load.summarize(raw, users=50, duration_s=60)
    assert document["failures"] == 3
    assert document["failure_details"][0]["occurrences"] == 3


def test_summarize_without_requests_is_an_error():
    with pytest.raises(ValueError):
        load.summarize({"entries": [], "errors": []}, users=50, duration_s=60)


def test_request_mix_counts_unknown_names_as_other():
    mix = load.request_mix({"api x": {"requests": 3}, "static (first visit)": {"requests": 1}, "healthz": {"requests": 0}})
    assert mix == {"api": 0.75, "other": 0.0, "static": 0.25}


def test_format_table():
    raw = sample_raw()
    raw["errors"] = [{"method": "GET", "name": "page project list", "error": "500", "occurrences": 2}]
    text = load.format_table(load.summarize(raw, users=50, duration_s=60))
    lines = text.splitlines()
    assert lines[0].split() == ["request", "reqs", "fails", "req/s", "p50", "ms", "p95", "ms", "p99", "ms", "max", "ms"]
    assert any(line.startswith("api projects?region_code") for line in lines)
    assert any(line.startswith("total") and " 100 " in line for line in lines)
    assert "50 users for 60 s: 100 requests" in text
    assert "api 60%, page 30%, public 10%" in text
    assert "FAILED 2× GET page project list: 500" in text


def test_status_counts_reads_gunicorn_access_log():
    log = "\n".join([
        '127.0.0.1 - - [03/Dec/2026:11:04:20 +0800] "GET /api/v1/projects/?region_code=6201 HTTP/1.1" 200 5120 "-" "python"',
        '127.0.0.1 - - [03/Dec/2026:11:04:21 +0800] "POST /login/ HTTP/1.1" 302 0 "http://127.0.0.1/login/" "python"',
        '127.0.0.1 - - [03/Dec/2026:11:04:22 +0800] "GET /api/v1/clues/ HTTP/1.1" 200 100 "-" "python"',
        "[2026-12-03 11:04:23 +0800] [123] [INFO] Booting worker with pid: 123",
    ])
    assert load.status_counts(log) == {"200": 2, "302": 1}


def test_public_queries_are_prefixes_of_names_and_usccs():
    import random

    names, usccs = ["兰州建工集团有限公司", "甘肃路桥建设集团"], ["91620100MA71234567"]
    queries = load.public_queries(names, usccs, random.Random(1), count=5)
    assert "无此企业" in queries
    assert any("兰州建工集团有限公司".startswith(q) for q in queries)
    assert all(len(q) >= 2 for q in queries)


def test_server_env_binds_loopback_with_debug_off(tmp_path):
    env = load.server_env(database_url="postgres://x@127.0.0.1/db", port=8765, workers=5, var_dir=tmp_path, base={})
    assert env["GUNICORN_BIND"] == "127.0.0.1:8765"
    assert env["WEB_CONCURRENCY"] == "5"
    assert env["DEBUG"] == "0"
    assert env["DJANGO_SETTINGS_MODULE"] == "wagecase.settings.local"
    assert env["RATELIMIT_IP_META_KEY"] == "HTTP_X_REAL_IP"
    assert env["CONN_MAX_AGE"] == "60"
    assert load.server_env(database_url="postgres://x/db", port=1, workers=1, var_dir=tmp_path,
                           base={"CONN_MAX_AGE": "0"})["CONN_MAX_AGE"] == "0"


def test_locust_command_runs_headless():
    command = load.locust_command(host="http://127.0.0.1:8765", users=50, spawn_rate=10, run_time="60s", python="py")
    assert command[:3] == ["py", "-m", "locust"]
    for flag, value in (("-u", "50"), ("-r", "10"), ("-t", "60s"), ("--host", "http://127.0.0.1:8765")):
        assert command[command.index(flag) + 1] == value
    assert "--headless" in command


LOCUST_ROUND_TRIP = """
import json, sys
from locust.stats import RequestStats
import bench.locustfile as lf

stats = RequestStats()
for ms in (12, 15, 230):
    stats.log_request("GET", "api project detail", ms, 100)
stats.log_request("GET", "page dashboard", 80, 2000)
stats.log_error("GET", "page dashboard", "500")
assert lf.parse_wait("1-3") == (1.0, 3.0) and lf.parse_wait("x") == (0.5, 2.0)
assert lf.relative("http://h:1/api/v1/clues/?cursor=abc") == "/api/v1/clues/?cursor=abc"
json.dump(lf.raw_stats(stats), sys.stdout)
"""


def test_locustfile_raw_stats_feed_the_summary():
    """The locustfile's raw statistics (a subprocess: locust patches the standard library with gevent)."""
    if importlib.util.find_spec("locust") is None:  # not importorskip: importing locust here would patch this process
        pytest.skip("locust is not installed (the `bench` extra)")
    result = subprocess.run([sys.executable, "-c", LOCUST_ROUND_TRIP], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    raw = json.loads(result.stdout)
    document = load.summarize(raw, users=1, duration_s=1)
    assert document["requests"] == 4
    assert document["by_name"]["api project detail"]["p50_ms"] == 15
    assert document["by_name"]["api project detail"]["max_ms"] == 230.0
    assert document["failure_details"] == [{"method": "GET", "name": "page dashboard", "error": "500", "occurrences": 1}]


def test_machine_ticks_reads_proc_stat():
    assert load.machine_ticks("cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 ...\n") == (150, 1000)


def test_cpu_shares():
    # gunicorn's worker 11 started during the run; PostgreSQL's backend 20 ended (its ticks are lost).
    before = {"machine": (1000, 10000), "gunicorn": {10: 500}, "postgres": {20: 9000, 21: 100}, "locust": 0.0}
    after = {"machine": (1000 + 9000, 10000 + 12000), "gunicorn": {10: 4500, 11: 2000}, "postgres": {21: 1300},
             "locust": 6.0}
    shares = load.cpu_shares(before, after, 60.0, cpus=2, hz=100)
    assert shares == {"cpus": 2, "machine_busy": 1.5, "gunicorn": 1.0, "locust": 0.1, "postgres": 0.2, "rest": 0.2}
    assert load.cpu_shares({"machine": None}, after, 60.0, cpus=2) is None


def test_process_ticks_counts_this_process_group():
    import os

    assert os.getpid() in load.process_ticks(pgid=os.getpgid(0))
    assert load.process_ticks(command="no-such-command-here") == {}
    assert load.ticks_between({1: 10, 2: 50}, {1: 15, 3: 7}) == 12


def test_cpu_per_request():
    shares = {"gunicorn": 1.0, "postgres": 0.2, "locust": 0.1}
    assert load.cpu_per_request(shares, 60.0, 2000) == {"gunicorn": 30.0, "postgres": 6.0, "locust": 3.0}
    assert load.cpu_per_request(shares, 60.0, 0) is None
