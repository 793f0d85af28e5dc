"""Fuzzing of the REST API with schemathesis against our own OpenAPI schema (issue 11, item 2).

Every operation of `/api/schema/` (GET, POST, PUT, PATCH, DELETE) is called in-process through the WSGI
application with cases hypothesis generates from the schema, twice: with an administrator's token and
with a bureau's (an API client of `create_api_client`). Checks: no 5xx, and the status code, the
content type and the body of every answer are those the schema documents. A failure is a bug of the
application or of its schema; fix it, never loosen the check.

The database holds the three zones of `tests/integrations/test_bureau_scope.py` (projects with their
rosters, payrolls, clues, cases, incidents, listings, inspections and orders), built once for the
module. Path parameters are mostly taken from what the caller itself lists (so a GET answers a row and
a write reaches real records), sometimes left as generated (so 404 paths are fuzzed too). Each example
runs in a savepoint rolled back after the call: writes never leak into the next example.

Bounded: `FUZZ_EXAMPLES` examples per operation and caller (default 6), derandomized, so CI runs
the same cases every time; set `FUZZ_EXAMPLES=50 FUZZ_SEED=…` locally for a longer, random run."""
import collections
import contextlib
import os
import re
import time
import zlib

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.integrations.test_bureau_scope import build_world, client_for, new_user
from wagecase.core.choices import Role

APP = get_wsgi_application()
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
SEED = os.environ.get("FUZZ_SEED")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CONFIG = schemathesis.Config.from_dict({
    # No coverage phase (it walks every boundary of every parameter: ~14,000 cases) and no stateful
    # phase: the bounded fuzzing phase, positive and negative cases, and the schema's own examples.
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    "generation": {
        "max-examples": EXAMPLES, "mode": "all", "deterministic": SEED is None, "database": "none",
        # The token is the caller's, sent by the test; no generated Authorization header or session cookie.
        "with-security-parameters": False,
    },
    **({"seed": int(SEED)} if SEED else {}),
})

# The schema is read from the application itself, as a client would (no database needed for it).
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", APP, config=CONFIG)

# Examples run, per caller (written out at the end of the module).
RUN = collections.Counter()

# Lookup field of a path parameter in the rows of the list it is taken from ("id" otherwise).
LOOKUP = {"code": "code", "number": "number", "uscc": "uscc"}


@contextlib.contextmanager
def connection_kept():
    """As Django's test client does around its requests: a request must not close the test's connection
    (it is inside the module's transaction; PostgreSQL's would be closed, and the world lost). For the
    whole module: the WSGI response's close() (request_finished) may come at any later time."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def visible_keys(client, template, lists):
    """[(name, [values the caller sees])] for each path parameter of `template`: `/a/{id}/b/{sub}/` takes
    `{id}` from the rows of `/a/` and `{sub}` from those of `/a/<first id>/b/`. `lists` caches the lists."""
    parts = re.split(r"\{(\w+)\}", template)
    url, found = parts[0], []
    for name, tail in zip(parts[1::2], parts[2::2]):
        field = LOOKUP.get(name, "id")
        if (url, field) not in lists:
            response = client.get(url, {"page_size": 20})
            data = response.json() if response.status_code == 200 and "json" in response.get("Content-Type", "") else []
            lists[url, field] = [str(r[field]) for r in (data.get("results", []) if isinstance(data, dict) else data)
                                 if isinstance(r, dict) and r.get(field) is not None]
        values = lists[url, field]
        found.append((name, values))
        url += (values[0] if values else "0") + tail
    return found


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, request):
    """The three zones of the bureau scope test, an administrator of Tianshui (6205) and the bureau of
    housing in 6205; for each caller, the keys it sees for every path parameter of the schema."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            world = build_world()
            admin = new_user(Role.ADMIN, "6205", "fuzz-admin-6205")
            templates = [path for path in schema.raw_schema["paths"] if "{" in path]
            world["callers"] = {}
            for who, key in (("admin", Token.objects.get_or_create(user=admin)[0].key), ("bureau", world["bureau"])):
                client, lists = client_for(key), {}
                world["callers"][who] = {"key": key, "paths": {t: visible_keys(client, t, lists) for t in templates}}
                # The caller's own records are there to be reached.
                for template in ("/api/v1/projects/{code}/", "/api/v1/clues/{number}/", "/api/v1/cases/{id}/",
                                 "/api/v1/blacklist/{id}/", "/api/v1/inspections/{id}/", "/api/v1/incidents/{id}/"):
                    assert world["callers"][who]["paths"][template][0][1], f"{who} sees no row for {template}"
            cache.clear()
            started = time.monotonic()
            # After the test client's requests above: it connects the signal again after each one.
            with connection_kept():
                yield world
            transaction.set_rollback(True)
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None and RUN:
        with capture.global_and_fixture_disabled():
            reporter.write_line(
                f"\nschemathesis: {len(schema.raw_schema['paths'])} paths; "
                + "; ".join(f"{who}: {RUN[who, 'ops']} operations, {RUN[who]} examples ({RUN[who, '2xx']} answered 2xx)"
                            for who in world["callers"])
                + f"; {time.monotonic() - started:.0f} s"
            )


@pytest.fixture(params=["admin", "bureau"])
def caller(request, world):
    RUN[request.param, "ops"] += 1
    return {"who": request.param, **world["callers"][request.param]}


def use_visible_keys(case, known):
    """Most examples (3 in 4, decided by the generated value) aim at records the caller sees, so that a
    GET answers a row and a write reaches a real record; the rest keep the generated (mostly unknown) key."""
    params = known.get(case.operation.path) or []
    generated = case.path_parameters or {}
    for position, (name, values) in enumerate(params):
        if name not in generated or not values:
            continue
        pick = zlib.crc32(repr(generated[name]).encode())
        if pick % 4 == 0:
            continue
        # A nested key belongs to the first key of its parent.
        generated[name] = values[0] if position < len(params) - 1 else values[pick % len(values)]


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=SEED is None, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_operation(case, caller, db):
    RUN[caller["who"]] += 1
    use_visible_keys(case, caller["paths"])
    cache.clear()  # throttle counters and idempotency keys of the previous example
    with transaction.atomic():
        response = case.call(app=APP, headers={"Authorization": f"Token {caller['key']}"},
                             environ_base={"REMOTE_ADDR": "192.0.2.10"})  # as a WSGI server sets it
        transaction.set_rollback(True)  # nothing an example writes reaches the next one
    if 200 <= response.status_code < 300:
        RUN[caller["who"], "2xx"] += 1
    case.validate_response(response, checks=CHECKS)
