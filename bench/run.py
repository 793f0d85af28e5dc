"""`make bench` (python -m bench.run): starts a throwaway PostgreSQL unless DATABASE_URL is set,
migrates, loads generated data of BENCH_SCALE with `generate_scale` (skipped when the database
already holds that scale), times each measurement of bench.measurements against its hand-written
SQL, writes BENCH_OUT (JSON) and prints a table.

Environment: BENCH_SCALE (tiny|small|province, default small), BENCH_OUT (default
bench/results/latest.json), DATABASE_URL (else a throwaway cluster, removed on exit), BENCH_ONLY
(comma-separated measurement names), BENCH_IMPORT_ROWS / BENCH_EXPORT_ROWS (default 100,000; 2,000
at tiny), BENCH_STRICT=1 (exit 1 when a target is missed). Exits 0 when targets are missed: the
numbers are the product."""
import datetime
import json
import os
import platform
import pwd
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCALES = ("tiny", "small", "province")


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port(start=5440):
    port = start
    while True:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
                return port
            except OSError:
                port += 1


class ThrowawayPostgres:
    """A PostgreSQL cluster in a temporary directory on a free loopback port, without durability
    (fsync off: the data is generated and thrown away), as .ci/run starts one. Removed by stop()."""

    def __init__(self):
        self.tmp = None
        self.data = None
        self.user = None
        self.url = None

    def _as_pg(self, args, **kwargs):
        if os.getuid() == 0:  # initdb refuses root: the cluster belongs to the postgres user
            args = ["runuser", "-u", self.user, "--", *args]
        return subprocess.run(args, check=True, **kwargs)

    def start(self):
        if not shutil.which("initdb") or not shutil.which("pg_ctl"):
            raise SystemExit("bench: set DATABASE_URL, or put PostgreSQL's initdb and pg_ctl on the PATH")
        self.user = pwd.getpwuid(os.getuid()).pw_name
        if os.getuid() == 0:
            try:
                pwd.getpwnam("postgres")
                self.user = "postgres"
            except KeyError:
                raise SystemExit("bench: running as root needs a 'postgres' user to own the throwaway cluster")
        self.tmp = Path(tempfile.mkdtemp(prefix="wagecase-bench-"))
        self.tmp.chmod(0o755)
        self.data = self.tmp / "data"
        socket_dir = self.tmp / "socket"
        socket_dir.mkdir()
        if os.getuid() == 0:
            shutil.chown(self.tmp, self.user)
            shutil.chown(socket_dir, self.user)
        port = free_port()
        password = secrets.token_hex(16)
        log(f"initdb {self.data} (as {self.user})")
        self._as_pg(["initdb", "-D", str(self.data), "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8",
                     "--auth-local=trust", "--auth-host=scram-sha-256"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {socket_dir} -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c shared_buffers=512MB -c work_mem=32MB -c maintenance_work_mem=256MB "
                   "-c max_wal_size=4GB")
        self._as_pg(["pg_ctl", "-D", str(self.data), "-l", str(self.tmp / "postgres.log"), "-w", "-t", "60", "start",
                     "-o", options], stdout=subprocess.DEVNULL)
        # Superuser: generate_scale then loads with the foreign-key triggers off (the cluster is throwaway).
        sql = (f"CREATE ROLE wagecase LOGIN SUPERUSER PASSWORD '{password}';\n"
               "CREATE DATABASE wagecase OWNER wagecase ENCODING 'UTF8';\n")
        self._as_pg(["psql", "-h", str(socket_dir), "-p", str(port), "-U", "postgres", "-d", "postgres", "-v",
                     "ON_ERROR_STOP=1", "-q"], input=sql.encode())
        self.url = f"postgres://wagecase:{password}@127.0.0.1:{port}/wagecase"
        log(f"throwaway PostgreSQL on 127.0.0.1:{port}")
        return self.url

    def stop(self):
        if self.data is not None and (self.data / "postmaster.pid").exists():
            log("stopping the throwaway PostgreSQL")
            try:
                self._as_pg(["pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop"], stdout=subprocess.DEVNULL)
            except subprocess.CalledProcessError as error:
                log(f"pg_ctl stop failed: {error}")
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


def _raise_exit(signum, _frame):
    raise SystemExit(128 + signum)


def machine_info(connection, scale, counts):
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0]
        settings = {}
        for name in ("shared_buffers", "work_mem", "fsync", "synchronous_commit"):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    return {
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "ram_gb": ram_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": pg_version,
        "postgresql_settings": settings,
        "scale": scale,
        "counts": counts,
        "client": "in-process: DRF APIClient through the full Django stack (middleware, auth, scope, "
                  "serializers, JSON rendering); no network, no gunicorn",
    }


def reference_speed(connection, reps=5):
    """How fast the machine is right now, on two fixed workloads (the median of `reps` runs, in ms):
    `python`, sorting and counting 200,000 integers in this process; `postgresql`, hashing 100,000
    values in the server. The bench's own figures vary with the machine and with what else runs on
    it (the same code measured 1.6× slower on one day's machine than on another's); the reference,
    taken before and after the measurements, lets runs be compared and shows a machine that slowed
    down while the bench ran."""

    def python_work():
        values = sorted((i * 7919) % 100_003 for i in range(200_000))
        counts = {}
        for value in values:
            counts[value % 1000] = counts.get(value % 1000, 0) + 1
        return len(counts)

    def sql_work():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*), sum(length(md5(g::text))) FROM generate_series(1, 100000) AS g")
            return cursor.fetchone()

    timings = {}
    for name, work in (("python", python_work), ("postgresql", sql_work)):
        samples = []
        for _ in range(reps):
            started = time.perf_counter()
            work()
            samples.append((time.perf_counter() - started) * 1000)
        timings[name] = round(statistics.median(samples), 1)
    return timings


def table_counts(connection):
    tables = {
        "projects": "projects_project", "workers": "projects_worker", "employments": "projects_employment",
        "payrolls": "projects_payroll", "payroll_lines": "projects_payrollline", "clues": "complaints_clue",
        "cases": "complaints_arrearscase", "inspections": "inspections_inspection",
    }
    counts = {}
    with connection.cursor() as cursor:
        for key, table in tables.items():
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[key] = cursor.fetchone()[0]
    return counts


def load_data(scale):
    """generate_scale at `scale`, unless the database already holds generated data of that scale."""
    from django.core.management import call_command, get_commands

    from bench.measurements import existing_scale

    present = existing_scale()
    if present == scale:
        log(f"the database already holds generated data of scale {scale}: not generating again")
        return None
    if present is not None:
        log(f"the database holds generated data of scale {present}: generate_scale replaces it")
    if "generate_scale" not in get_commands():
        raise SystemExit("bench: `manage.py generate_scale` is missing")
    log(f"generate_scale --scale {scale}")
    started = time.perf_counter()
    call_command("generate_scale", scale=scale)
    seconds = time.perf_counter() - started
    log(f"generated in {seconds:.1f} s")
    return seconds


def main(argv=None):
    scale = os.environ.get("BENCH_SCALE", "small")
    if scale not in SCALES:
        raise SystemExit(f"bench: BENCH_SCALE must be one of {', '.join(SCALES)}, not {scale!r}")
    out = Path(os.environ.get("BENCH_OUT") or ROOT / "bench/results/latest.json")
    only = {name.strip() for name in os.environ.get("BENCH_ONLY", "").split(",") if name.strip()}
    strict = os.environ.get("BENCH_STRICT", "") in ("1", "true", "yes")

    signal.signal(signal.SIGTERM, _raise_exit)
    postgres = None
    var_dir = Path(tempfile.mkdtemp(prefix="wagecase-bench-var-"))
    try:
        if not os.environ.get("DATABASE_URL"):
            postgres = ThrowawayPostgres()
            os.environ["DATABASE_URL"] = postgres.start()
        if not os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://", "pgsql://")):
            raise SystemExit("bench: DATABASE_URL must be a PostgreSQL database")
        # Embedded settings (eager tasks), without DEBUG's query log; files go to a throwaway var/.
        os.environ["DJANGO_SETTINGS_MODULE"] = "wagecase.settings.local"
        os.environ["DEBUG"] = "0"
        os.environ["WAGECASE_VAR_DIR"] = str(var_dir)
        os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from wagecase.core.runtime import freeze_startup_heap

        freeze_startup_heap()  # as each gunicorn worker does (wagecase.wsgi)
        import logging

        for name in ("celery", "kombu"):  # eager tasks log each run: noise among the timings
            logging.getLogger(name).setLevel(logging.WARNING)
        from django.core.management import call_command
        from django.db import connection

        from bench import measurements

        log("migrate")
        call_command("migrate", interactive=False, verbosity=0)
        generation_s = load_data(scale)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        counts = table_counts(connection)
        log("counts: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        reference = {"before": reference_speed(connection)}
        log("machine reference (ms, lower is faster): " + ", ".join(f"{k} {v}" for k, v in reference["before"].items()))
        results = measurements.run_all(scale=scale, only=only, log=log)
        reference["after"] = reference_speed(connection)
        log("machine reference after the measurements (ms): "
            + ", ".join(f"{k} {v}" for k, v in reference["after"].items()))
        document = {
            "generated_at": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": {**machine_info(connection, scale, counts), "reference_ms": reference},
            "scale": scale,
            "counts": counts,
            "generation_s": round(generation_s, 1) if generation_s is not None else None,
            "measurements": results,
        }
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
        print()
        print(measurements.format_table(results))
        print()
        log(f"wrote {out}")
        missed = [name for name, entry in results.items() if entry.get("within_target") is False]
        if missed:
            log("missed targets: " + ", ".join(missed))
        return 1 if strict and missed else 0
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not be set up yet
            pass
        if postgres is not None:
            postgres.stop()
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
