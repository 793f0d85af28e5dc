"""The integration guide's curl examples, run as written (issue 9: "the guide's curl examples are
exercised by a test").

Every fenced ```bash block of docs/integration.zh.md that starts with `curl` is run by bash with the
real curl binary against the Django test server (`live_server`), with the guide's variables set:
`BASE` (the server), `TOKEN` (made by the guide's own `create_api_client` line), and `TOKEN_ID` /
`WEBHOOK_ID`, taken from the answers of the examples that create them, as a reader would. The
status the guide states below each example (`# → 200`) must be the status answered.

The data is like the demo's: the demo's housing project TS-620502-001 (秦州区) and transport project
TS-620503-002 (麦积区), each with roster, payroll, a clue, a case… (tests/integrations/test_bureau_scope.py).

The examples run once, in the guide's order (a rotation needs the token created before it), in a
module fixture that commits its data; each example is then its own test. The live server reads
committed data only, so these tests are transactional: the database is emptied after them, and the
regions and the calendar (loaded by migrations) are put back at the end."""
import io
import json
import random
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests import migration_data

GUIDE = Path(settings.BASE_DIR) / "docs" / "integration.zh.md"
GUIDE_EN = Path(settings.BASE_DIR) / "docs" / "integration.en.md"
CURL = shutil.which("curl")
STATUS = re.compile(r"#\s*→\s*(\d{3})")
FENCE = re.compile(r"^```bash\n(.*?)^```", re.S | re.M)
# Features other helpers of issue 9 are building. An example using one that answers 404 (the route
# is not there yet) is an expected failure, not an error: it turns green when the feature lands.
PENDING = ("/api/v1/clients/", "/api/v1/webhooks/", "Idempotency-Key", "cursor=", "updated_since")
# Examples whose answer gives a variable later examples use: (POST to this path, variable).
CAPTURES = {"/api/v1/clients/me/tokens/": "TOKEN_ID", "/api/v1/webhooks/": "WEBHOOK_ID"}
# No example calls the guide's webhook receiver (https://zjj.example.gov.cn/...): there is no test
# ping among them, so the tests never leave the machine.


def curl_examples(text):
    """[(command, expected status)] of every ```bash block starting with `curl`, in order."""
    examples = []
    for block in FENCE.findall(text):
        lines = [line for line in block.strip().splitlines()]
        if not lines or not lines[0].startswith("curl "):
            continue
        status = [int(m) for line in lines for m in STATUS.findall(line)]
        assert len(status) == 1, f"state exactly one `# → status` under the example:\n{block}"
        command = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
        examples.append((command.replace("\\\n", " "), status[0]))
    return examples


EXAMPLES = curl_examples(GUIDE.read_text(encoding="utf-8")) if GUIDE.is_file() else []


def create_client_args(text):
    """The arguments of the guide's `manage.py create_api_client ...` line."""
    match = re.search(r"manage\.py (create_api_client [^\n`]+)", text)
    assert match, "the guide shows how to create the API client"
    return shlex.split(match.group(1))


def run(command, env, timeout=60):
    """Run one example with bash and curl; (status, output)."""
    with_status = f"{command} -o \"$OUT\" -w '%{{http_code}}'"
    result = subprocess.run(["bash", "-c", with_status], env=env, capture_output=True, text=True, timeout=timeout)
    output = Path(env["OUT"]).read_text(encoding="utf-8", errors="replace") if Path(env["OUT"]).exists() else ""
    status = int(result.stdout.strip()[-3:]) if result.stdout.strip()[-3:].isdigit() else 0
    return status, output + result.stderr


def body_json(output):
    """The JSON body of an answer (after the headers when curl was given -i)."""
    text = output.split("\r\n\r\n", 1)[-1] if output.startswith("HTTP/") else output
    try:
        return json.loads(text)
    except ValueError:
        return None


@pytest.fixture(scope="module")
def guide_run(live_server, django_db_setup, django_db_blocker, tmp_path_factory):
    """Run every example once, in order, against the live server; {index: (status, output)}."""
    if CURL is None:
        pytest.skip("no curl binary on this machine: the guide's curl examples cannot be run")
    from .test_bureau_scope import build_zone

    text = GUIDE.read_text(encoding="utf-8")
    with django_db_blocker.unblock():
        migration_data.restore()
        rng, pii = random.Random(20260301), set()
        build_zone("ours", rng, pii, code="TS-620502-001", county="620502")
        build_zone("transport", rng, pii, code="TS-620503-002", county="620503")
        out = io.StringIO()
        call_command(*create_client_args(text), stdout=out)
        token = out.getvalue().strip().splitlines()[-1]

        env = {"PATH": f"{Path(CURL).parent}:/usr/local/bin:/usr/bin:/bin", "BASE": live_server.url, "TOKEN": token, "TOKEN_ID": "0",
               "WEBHOOK_ID": "0", "OUT": str(tmp_path_factory.mktemp("guide") / "answer"), "LANG": "C.UTF-8"}
        results = {}
        for index, (command, _expected) in enumerate(EXAMPLES):
            Path(env["OUT"]).unlink(missing_ok=True)
            status, output = run(command, env)
            results[index] = (status, output)
            for path, variable in CAPTURES.items():
                if "-X POST" in command and command.rstrip().endswith(f'"$BASE{path}"') and status == 201:
                    env[variable] = str((body_json(output) or {}).get("id", env[variable]))
        yield results
        # Every table is emptied after the transactional tests: put back what migrations loaded.
    with django_db_blocker.unblock():
        migration_data.restore()


def example_id(index):
    command = EXAMPLES[index][0]
    method = re.search(r"-X (\w+)", command)
    path = re.search(r'\$BASE(/[^"\s?]*)', command)
    return f"{index:02d}-{method.group(1) if method else 'GET'}-{path.group(1) if path else '?'}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("index", range(len(EXAMPLES)), ids=example_id)
def test_guide_example_answers_as_the_guide_says(index, guide_run):
    command, expected = EXAMPLES[index]
    status, output = guide_run[index]
    if status != expected and any(p in command for p in PENDING) and status == 404:
        pytest.xfail(f"not built yet (404): {command[:120]}")
    assert status == expected, f"{command}\n→ {status}, the guide says {expected}\n{output[:2000]}"


@pytest.mark.django_db(transaction=True)
def test_guide_examples_show_what_they_describe(guide_run):
    """A few examples prove the point the guide makes next to them."""
    answers = {example_id(i): guide_run[i] for i in range(len(EXAMPLES))}

    def output_of(fragment):
        return next(output for key, (_status, output) in answers.items() if key.endswith(fragment))

    workers = body_json(output_of("GET-/api/v1/projects/TS-620502-001/workers/"))
    rows = workers["results"] if isinstance(workers, dict) else workers
    assert rows and all("*" in row["id_number"] for row in rows), "the roster shows masked ID numbers"
    assert all(re.fullmatch(r"1\d{2}\*{4}\d{4}", row["phone"]) for row in rows if row.get("phone"))
    me = body_json(output_of("GET-/api/v1/users/me/"))
    assert me["role"] == "bureau"


def test_guide_has_examples_of_every_topic():
    """The issue asks for authentication, scope, sync, webhooks and errors, with curl examples; and
    the English guide mirrors the Chinese one."""
    assert GUIDE.is_file() and GUIDE_EN.is_file()
    commands = " ".join(command for command, _status in EXAMPLES)
    for needle in ("/api/v1/clients/me/tokens/", "/rotate/", "/revoke/", "updated_since=", "cursor=", "Idempotency-Key",
                   "/api/v1/webhooks/", "/api/v1/projects/bulk/"):
        assert needle in commands, needle
    assert {status for _command, status in EXAMPLES} >= {200, 201, 400, 401, 403, 404, 409}
    zh, en = (GUIDE.read_text(encoding="utf-8"), GUIDE_EN.read_text(encoding="utf-8"))
    assert "X-Wagecase-Signature" in zh and "X-Wagecase-Signature" in en
    assert curl_examples(en) == EXAMPLES, "the English guide shows the same curl examples as the Chinese one"
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    assert "docs/integration.zh.md" in readme and "docs/integration.en.md" in readme


def test_guide_signature_check_accepts_a_real_signature():
    """The guide's Python `verify()` accepts what wagecase signs, and refuses a tampered body."""
    from wagecase.integrations.webhooks import signature_header

    code = re.search(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S).group(1)
    namespace = {}
    exec(compile(code, str(GUIDE), "exec"), namespace)  # noqa: S102 (our own documentation)
    body = '{"id":"1","event":"case.opened","data":{"amount_owed":"96000.00"}}'.encode()
    header = signature_header("whsec_test", body)
    assert namespace["verify"]("whsec_test", header, body)
    assert not namespace["verify"]("whsec_test", header, body.replace(b"96000", b"9600"))
    assert not namespace["verify"]("another", header, body)


@pytest.mark.django_db(transaction=True)
def test_guide_sync_examples_show_the_replay_and_the_watermark(guide_run):
    """The retried POST is answered from the first (`Idempotent-Replayed: true`, one project made),
    and the cursor page carries `Sync-Watermark` and no count. Pending features → xfail."""
    keyed = [i for i, (command, _status) in enumerate(EXAMPLES) if "Idempotency-Key" in command]
    cursor = next(i for i, (command, _status) in enumerate(EXAMPLES) if "cursor=" in command)
    retry, page = guide_run[keyed[-1]][1], guide_run[cursor][1]
    missing = []
    if "idempotent-replayed: true" not in retry.lower():
        missing.append("Idempotent-Replayed on the retried POST")
    if "sync-watermark:" not in page.lower() or '"count"' in page:
        missing.append("Sync-Watermark (and no count) on the cursor page")
    if missing:
        pytest.xfail("not built yet: " + "; ".join(missing))
