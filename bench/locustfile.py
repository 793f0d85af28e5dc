"""Locust users of `make load` (bench/load.py): bureau API clients, inspectors in the browser and public
visitors, in a 6 : 3 : 1 mix of users (so roughly 60 % API, 30 % pages, 10 % public requests).

What each user asks for comes from the JSON file named by LOAD_SUBJECTS, written by bench/load.py from
the database before the run (logins, tokens, and the projects, clues, cases and regions each one may
see): nothing is hard-coded here, and every request is expected to answer 200. Think time between
two requests of one user: LOAD_WAIT seconds, "min-max" (default 0.5-2).

Request names start with "api ", "page ", "public " or "static " (bench/load.py sums the mix by that
word; "static" is a browser's first visit fetching the style sheets and scripts). When
locust quits, the raw statistics (every request's histogram, the errors) go to the JSON file named by
LOAD_STATS: written after the users have stopped, unlike --csv's periodic files, which miss the last second."""
import json
import os
import random
import re
from functools import lru_cache
from urllib.parse import urlencode, urlsplit

from locust import FastHttpUser, between, events, task

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STATIC_URL = re.compile(r'(?:href|src)="(/static/[^"?#]+\.(?:css|js))"')
MAX_SYNC_PAGES = 3  # pages a cursor sync follows before it stops (a full walk would dominate the mix)


def parse_wait(text, default=(0.5, 2.0)):
    """"0.5-2" → (0.5, 2.0); a single number is a fixed wait; anything unreadable: the default."""
    try:
        low, _sep, high = (text or "").partition("-")
        low = float(low)
        high = float(high) if high.strip() else low
    except ValueError:
        return default
    if low < 0 or high < low:
        return default
    return low, high


WAIT = between(*parse_wait(os.environ.get("LOAD_WAIT")))


@lru_cache(maxsize=1)
def subjects():
    path = os.environ.get("LOAD_SUBJECTS")
    if not path:
        raise RuntimeError("LOAD_SUBJECTS is not set: run the load test with `python -m bench.load` (make load)")
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def relative(url):
    """The path and query of a `next` link (absolute in DRF's answers)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def with_query(path, **params):
    params = {k: v for k, v in params.items() if v is not None}
    return f"{path}?{urlencode(params)}" if params else path


class BureauApiClient(FastHttpUser):
    """An industry bureau's integration: token auth, lists filtered by region, a project's compliance,
    headline figures, and an incremental cursor sync of the projects changed lately."""

    weight = 6
    wait_time = WAIT

    def on_start(self):
        self.me = random.choice(subjects()["bureaus"])
        self.headers = {"Authorization": f"Token {self.me['token']}", "Accept": "application/json"}

    def get_json(self, path, name):
        with self.client.get(path, headers=self.headers, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {(response.text or '')[:200]}")
                return None
            try:
                return response.json()
            except ValueError:
                response.failure("not JSON")
                return None

    @task(4)
    def projects_by_region(self):
        region = random.choice(self.me["regions"])
        status = random.choice(["in_progress", "in_progress", None])
        self.get_json(with_query("/api/v1/projects/", region_code=region, status=status), "api projects?region_code")

    @task(2)
    def project_detail(self):
        self.get_json(f"/api/v1/projects/{random.choice(self.me['projects'])}/", "api project detail")

    @task(3)
    def project_compliance(self):
        self.get_json(f"/api/v1/projects/{random.choice(self.me['projects'])}/compliance/", "api project compliance")

    @task(3)
    def clues(self):
        region = random.choice(self.me["regions"])
        filters = random.choice([{"overdue": "true"}, {"status": "in_progress"}, {}])
        self.get_json(with_query("/api/v1/clues/", region_code=region, **filters), "api clues?region_code")

    @task(1)
    def summary(self):
        period = subjects()["period"]
        self.get_json(with_query("/api/v1/stats/summary/", region_code=random.choice(self.me["regions"]),
                                 date_from=period["date_from"], date_to=period["date_to"]), "api stats/summary")

    @task(1)
    def cursor_sync(self):
        resource = random.choice(["projects", "clues"])
        path = with_query(f"/api/v1/{resource}/", cursor="", updated_since=subjects()["updated_since"])
        for page in range(MAX_SYNC_PAGES):
            data = self.get_json(path, f"api {resource} cursor sync" + (" (next)" if page else ""))
            if not data or not data.get("next"):
                return
            path = relative(data["next"])


class Inspector(FastHttpUser):
    """An inspector (or office staff) in the browser: signs in, then reads lists, details and the dashboard."""

    weight = 3
    wait_time = WAIT

    def on_start(self):
        self.me = random.choice(subjects()["inspectors"])
        self.csrf = None
        form = self.client.get("/login/", name="page login form")
        match = CSRF_INPUT.search(form.text or "")
        with self.client.post("/login/", data={"username": self.me["username"], "password": self.me["password"],
                                               "csrfmiddlewaretoken": match.group(1) if match else "", "next": "/"},
                              headers={"Referer": self.host + "/login/"}, name="page login", allow_redirects=False,
                              catch_response=True) as response:
            # A wrong password answers 200 with the form again; a good one redirects to the home page.
            if response.status_code != 302:
                response.failure(f"login as {self.me['username']} answered {response.status_code}, not 302")
                return
        with self.client.get("/", name="page home", allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                return
            found = CSRF_INPUT.search(response.text or "")
            self.csrf = found.group(1) if found else None
            assets = sorted(set(STATIC_URL.findall(response.text or "")))
        # A first visit loads the style sheets and scripts (whitenoise); the browser caches them afterwards.
        for asset in assets:
            self.client.get(asset, name="static (first visit)")

    def on_stop(self):
        if self.csrf:
            self.client.post("/logout/", data={"csrfmiddlewaretoken": self.csrf}, allow_redirects=False,
                             headers={"Referer": self.host + "/"}, name="page logout")

    def page(self, path, name):
        # Not following redirects: a page that sends the user to the login form (a lost session) fails.
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '') if response.headers else ''}")

    @task(3)
    def project_list(self):
        self.page(with_query("/projects/", region_code=random.choice(self.me["regions"]),
                             status=random.choice(["in_progress", None])), "page project list")

    @task(2)
    def project_detail(self):
        self.page(f"/projects/{random.choice(self.me['projects'])}/", "page project detail")

    @task(3)
    def clue_list(self):
        filters = random.choice([{"status": "in_progress"}, {"overdue": "true"}, {"status": "received"}])
        self.page(with_query("/clues/", region_code=random.choice(self.me["regions"]), **filters), "page clue list filtered")

    @task(2)
    def clue_detail(self):
        self.page(f"/clues/{random.choice(self.me['clues'])}/", "page clue detail")

    @task(2)
    def case_list(self):
        self.page("/clues/cases/", "page case list")

    @task(1)
    def case_detail(self):
        if self.me["cases"]:
            self.page(f"/clues/cases/{random.choice(self.me['cases'])}/", "page case detail")

    @task(1)
    def dashboard(self):
        self.page("/reports/dashboard/", "page dashboard")


class PublicVisitor(FastHttpUser):
    """Someone checking the public credit-punishment list, without login, from their own address
    (X-Real-IP: the server reads the client's address from it during the load test, as behind a proxy)."""

    weight = 1
    wait_time = WAIT

    def on_start(self):
        self.headers = {"X-Real-IP": f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"}

    @task(3)
    def search(self):
        query = random.choice(subjects()["public_queries"])
        self.client.get(with_query("/public/blacklist/", q=query), headers=self.headers, name="public blacklist?q")

    @task(1)
    def browse(self):
        self.client.get("/public/blacklist/", headers=self.headers, name="public blacklist")



ENVIRONMENT = None


@events.init.add_listener
def _remember_environment(environment, **_kwargs):
    global ENVIRONMENT
    ENVIRONMENT = environment


def raw_stats(stats):
    """Locust's statistics as plain data: per request name its counts, response-time histogram
    ({ms rounded as locust rounds: count}) and first/last request times; and the errors."""
    entries = [{
        "method": entry.method, "name": entry.name, "num_requests": entry.num_requests,
        "num_failures": entry.num_failures, "total_response_time": entry.total_response_time,
        "min_response_time": entry.min_response_time, "max_response_time": entry.max_response_time,
        "response_times": {str(ms): count for ms, count in entry.response_times.items()},
        "start_time": entry.start_time, "last_request_timestamp": entry.last_request_timestamp,
    } for entry in stats.entries.values() if entry.num_requests or entry.num_failures]
    errors = [{"method": error.method, "name": error.name, "error": str(error.error), "occurrences": error.occurrences}
              for error in stats.errors.values()]
    return {"entries": entries, "errors": errors}


@events.quit.add_listener
def _write_stats(**_kwargs):
    path = os.environ.get("LOAD_STATS")
    if path and ENVIRONMENT is not None and ENVIRONMENT.stats is not None:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(raw_stats(ENVIRONMENT.stats), fh, ensure_ascii=False)
