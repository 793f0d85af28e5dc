"""`Idempotency-Key` on POST: a retry is answered from the stored response and creates nothing twice."""
import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from complaints.models import ArrearsCase, Clue
from tests.complaints.conftest import FIVE_HAVES, make_clue  # noqa: F401  (a fixture)
from tests.conftest import HOME
from wagecase.core.identifiers import make_uscc
from wagecase.integrations.idempotency import IN_PROGRESS_TIMEOUT, purge_expired, purge_idempotency
from wagecase.integrations.models import IdempotencyRecord

CLUES = "/api/v1/clues/"
CASES = "/api/v1/cases/"


def clue_body(**overrides):
    return {
        "channel": "hotline_12333",
        "received_at": "2026-11-02T09:30:00+08:00",
        "complainant_name": "李大山",
        "complainant_phone": "13812345678",
        "employer_name": "天水某某劳务有限公司",
        "region_code": HOME,
        "workers_involved": 4,
        "amount_claimed": "24000.00",
        "description": "四名工人2026年8月至10月工资未发放。",
        **overrides,
    }


@pytest.fixture
def client(api_as, inspector):
    return api_as(inspector)


def post(client, path, body, key, **extra):
    return client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key, **extra)


def test_a_retried_clue_is_created_once_and_answered_the_same(client):
    first = post(client, CLUES, clue_body(), "clue-0001")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    again = post(client, CLUES, clue_body(), "clue-0001")
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Clue.objects.count() == 1
    record = IdempotencyRecord.objects.get()
    assert (record.key, record.method, record.path, record.status) == ("clue-0001", "POST", CLUES, 201)
    # Without the key (or with another) it is a new request.
    assert post(client, CLUES, clue_body(), "clue-0002").status_code == 201
    assert client.post(CLUES, clue_body(), format="json").status_code == 201
    assert Clue.objects.count() == 3


def test_the_same_json_with_other_spacing_or_key_order_is_the_same_request(client):
    import json

    body = clue_body()
    first = client.post(CLUES, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
    shuffled = json.dumps(dict(reversed(list(body.items()))), indent=2, ensure_ascii=True)
    again = client.post(CLUES, shuffled, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert Clue.objects.count() == 1


def test_a_retried_case_is_opened_once(client):
    body = {
        "enterprise": {"uscc": make_uscc(__import__("random").Random(7), HOME), "name": "天水某某建筑劳务有限公司"},
        "region_code": HOME, "occurred_on": "2026-09-01", "workers_owed": 12, "amount_owed": "96000.00",
        **{key: str(value) for key, value in FIVE_HAVES.items()},
    }
    first = post(client, CASES, body, "case-7f3a")
    assert first.status_code == 201, first.content
    again = post(client, CASES, body, "case-7f3a")
    assert (again.status_code, again.json(), again["Idempotent-Replayed"]) == (201, first.json(), "true")
    assert ArrearsCase.objects.count() == 1


def test_the_same_key_for_another_body_or_path_is_refused(client, make_clue):
    assert post(client, CLUES, clue_body(), "k-1").status_code == 201
    other_body = post(client, CLUES, clue_body(workers_involved=5), "k-1")
    assert other_body.status_code == 422
    assert other_body.json()["code"] == "idempotency_key_reused" and other_body.json()["detail"]
    clue = make_clue()
    other_path = post(client, f"{CLUES}{clue.number}/accept/", {}, "k-1")
    assert other_path.status_code == 422 and other_path.json()["code"] == "idempotency_key_reused"
    clue.refresh_from_db()
    assert clue.status == "received"  # the action did not run
    assert Clue.objects.count() == 2


def test_a_retry_while_the_first_still_runs_is_409(client, inspector):
    import hashlib
    import json

    body = clue_body()
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    running = IdempotencyRecord.objects.create(user=inspector, key="busy", method="POST", path=CLUES,
                                               request_hash=hashlib.sha256(b"\n" + canonical).hexdigest())
    response = post(client, CLUES, body, "busy")
    assert response.status_code == 409 and response.json()["code"] == "idempotency_in_progress"
    assert response["Retry-After"]
    assert Clue.objects.count() == 0

    # A record left running by a worker that died is taken over after the timeout.
    IdempotencyRecord.objects.filter(pk=running.pk).update(created=timezone.now() - IN_PROGRESS_TIMEOUT - dt.timedelta(seconds=1))
    assert post(client, CLUES, body, "busy").status_code == 201
    assert Clue.objects.count() == 1 and IdempotencyRecord.objects.get().status == 201


def test_server_errors_are_not_stored_and_the_retry_runs(client, monkeypatch):
    from complaints import services

    real = services.clue_receive

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "clue_receive", broken)
    client.raise_request_exception = False
    failed = post(client, CLUES, clue_body(), "retry-me")
    assert failed.status_code == 500
    assert not IdempotencyRecord.objects.exists()

    monkeypatch.setattr(services, "clue_receive", real)
    retried = post(client, CLUES, clue_body(), "retry-me")
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried
    assert Clue.objects.count() == 1


def test_a_validation_error_is_replayed_too_and_saves_nothing(client):
    first = post(client, CLUES, clue_body(channel="carrier_pigeon"), "bad-1")
    assert first.status_code == 400
    again = post(client, CLUES, clue_body(channel="carrier_pigeon"), "bad-1")
    assert (again.status_code, again.json(), again["Idempotent-Replayed"]) == (400, first.json(), "true")
    assert Clue.objects.count() == 0


def test_keys_are_per_user(api_as, inspector, make_user):
    colleague = make_user(username="colleague_home")
    mine = post(api_as(inspector), CLUES, clue_body(), "shared-key")
    theirs = post(api_as(colleague), CLUES, clue_body(), "shared-key")
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs and mine.json()["number"] != theirs.json()["number"]
    assert Clue.objects.count() == 2 and IdempotencyRecord.objects.count() == 2


def test_scope_still_applies_and_another_callers_key_is_independent(api_as, inspector, other_inspector):
    # The neighbouring county's inspector may not file in our county: refused, and nothing saved…
    refused = post(api_as(other_inspector), CLUES, clue_body(region_code=HOME), "same-key")
    assert refused.status_code == 400 and "region_code" in refused.json()
    # …and the same key and body from our inspector is another request, which runs.
    accepted = post(api_as(inspector), CLUES, clue_body(region_code=HOME), "same-key")
    assert accepted.status_code == 201 and "Idempotent-Replayed" not in accepted
    assert Clue.objects.count() == 1
    # The refusal replays as a refusal, never as the other caller's clue.
    again = post(api_as(other_inspector), CLUES, clue_body(region_code=HOME), "same-key")
    assert (again.status_code, again.json()) == (400, refused.json())


def test_anonymous_requests_ignore_the_key(db):
    response = post(APIClient(), CLUES, clue_body(), "anon")
    assert response.status_code == 401
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize("key", ["x" * 201, "has space", "中文键"])
def test_a_malformed_key_is_400(client, key):
    response = post(client, CLUES, clue_body(), key)
    assert response.status_code == 400 and "idempotency_key" in response.json()
    assert Clue.objects.count() == 0


def test_a_200_character_key_is_fine(client):
    assert post(client, CLUES, clue_body(), "k" * 200).status_code == 201


def test_keys_expire_after_24_hours(client):
    assert post(client, CLUES, clue_body(), "daily").status_code == 201
    IdempotencyRecord.objects.update(created=timezone.now() - dt.timedelta(hours=25))
    again = post(client, CLUES, clue_body(), "daily")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Clue.objects.count() == 2


def test_the_daily_purge_deletes_expired_records(inspector):
    now = timezone.now()
    for key, age in (("old", 30), ("fresh", 2)):
        record = IdempotencyRecord.objects.create(user=inspector, key=key, method="POST", path=CLUES, request_hash="x",
                                                  status=201, response={})
        IdempotencyRecord.objects.filter(pk=record.pk).update(created=now - dt.timedelta(hours=age))
    assert purge_idempotency.delay().get() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["fresh"]
    assert purge_expired() == 0


def test_the_purge_is_scheduled_daily(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="integrations.purge_idempotency")
    assert task.enabled and task.crontab.hour == "3"


def test_get_and_other_methods_pass_through(client, make_clue):
    clue = make_clue()
    response = client.get(f"{CLUES}{clue.number}/", HTTP_IDEMPOTENCY_KEY="g")
    assert response.status_code == 200 and not IdempotencyRecord.objects.exists()


def test_a_bureau_clients_named_token_and_bulk_upsert(db, rng):
    """The key works with an API client's named token, and on an action (projects/bulk/)."""
    from projects.models import Project
    from tests.projects.test_api import project_payload
    from wagecase.integrations import services

    _client, key = services.create_api_client("bureau-idem", ["housing"], "6205")
    bureau = APIClient()
    bureau.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    items = [project_payload(rng) for _ in range(3)]
    first = post(bureau, "/api/v1/projects/bulk/", items, "bulk-2026-11")
    assert first.status_code == 200 and first.json() == {"created": 3, "updated": 0}
    again = post(bureau, "/api/v1/projects/bulk/", items, "bulk-2026-11")
    # Not {"created": 0, "updated": 3}: the retry is the first answer, not a second run.
    assert (again.status_code, again.json(), again["Idempotent-Replayed"]) == (200, first.json(), "true")
    assert Project.objects.count() == 3
    assert IdempotencyRecord.objects.get().user == _client.user


def test_the_schema_hook_documents_the_header_on_posts():
    from wagecase.integrations.idempotency import schema_postprocessing_hook

    schema = {"paths": {
        "/api/v1/clues/": {"get": {"parameters": []}, "post": {"operationId": "clues_create"}},
        "/api/schema/": {"post": {}},
    }}
    result = schema_postprocessing_hook(schema, None, None, True)
    header = result["paths"]["/api/v1/clues/"]["post"]["parameters"]
    assert [(p["name"], p["in"]) for p in header] == [("Idempotency-Key", "header")] and "幂等键" in header[0]["description"]
    assert result["paths"]["/api/v1/clues/"]["get"]["parameters"] == [] and "parameters" not in result["paths"]["/api/schema/"]["post"]
    schema_postprocessing_hook(result, None, None, True)  # idempotent itself
    assert len(result["paths"]["/api/v1/clues/"]["post"]["parameters"]) == 1
