"""Outbound notifications (issue 9, item 4): events from the real services reach the subscribed
bureau in scope and no other, signed (HMAC-SHA256), retried with backoff and logged; the
/api/v1/webhooks/ endpoints. A real HTTP receiver runs in a thread on 127.0.0.1."""
import datetime as dt
import http.server
import json
import socket
import threading
import time
from decimal import Decimal

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from complaints import services as complaint_services
from inspections import services as inspection_services
from wagecase.core.choices import Role
from wagecase.integrations import events, webhooks
from wagecase.integrations.choices import DeliveryStatus, WebhookEvent
from wagecase.integrations.models import ApiClient, WebhookDelivery
from wagecase.integrations.tasks import deliver_webhook, retry_webhooks

from ..complaints.conftest import make_case, make_clue  # noqa: F401  (fixtures)
from ..conftest import HOME
from ..inspections.conftest import checklist, inspector_pair, make_inspection  # noqa: F401  (fixtures)
from ..projects.conftest import make_project  # noqa: F401  (a fixture)

WEBHOOKS = "/api/v1/webhooks/"
ALL_EVENTS = list(WebhookEvent.values)


# --- The receiver ------------------------------------------------------------------------------------


class Receiver:
    """Records every POST; answers the queued statuses first, then `default_status`."""

    def __init__(self):
        self.requests = []
        self.statuses = []
        self.default_status = 200
        self.body = "ok"
        self.delay = 0
        handler = self._handler()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path="/hook"):
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def _handler(self):
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": raw})
                if receiver.delay:
                    time.sleep(receiver.delay)
                status = receiver.statuses.pop(0) if receiver.statuses else receiver.default_status
                text = (receiver.body if status < 300 else "boom " * 1000).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

            def log_message(self, *args):
                pass

        return Handler

    def to(self, path):
        return [r for r in self.requests if r["path"] == path]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


# --- Clients and subscriptions ---------------------------------------------------------------------


@pytest.fixture
def make_client(make_user):
    def make(region="6205", industries=("housing",), name=None):
        user = make_user(Role.BUREAU, region, industries=list(industries))
        return ApiClient.objects.create(user=user, name=name or user.username)

    return make


@pytest.fixture
def housing(make_client):
    return make_client("6205", ["housing"], "天水市住建局")


@pytest.fixture
def transport(make_client):
    return make_client("6205", ["transport"], "天水市交通局")


@pytest.fixture
def lanzhou(make_client):
    return make_client("6201", ["housing"], "兰州市住建局")


@pytest.fixture
def subscribe(receiver):
    def make(client, events=ALL_EVENTS, path=None):
        return webhooks.subscription_create(client=client, url=receiver.url(path or f"/{client.pk}"), events=events)

    return make


@pytest.fixture
def three(housing, transport, lanzhou, subscribe):
    """Housing (Tianshui), transport (Tianshui), housing (Lanzhou), all subscribed to everything."""
    return {name: subscribe(client, path=f"/{name}") for name, client in
            (("housing", housing), ("transport", transport), ("lanzhou", lanzhou))}


def payload_of(request):
    return json.loads(request["body"].decode("utf-8"))


def assert_signed(request, subscription):
    headers = request["headers"]
    assert headers["Content-Type"] == "application/json"
    assert webhooks.verify_signature(subscription.secret, headers["X-Wagecase-Signature"], request["body"])
    assert not webhooks.verify_signature("whsec_wrong", headers["X-Wagecase-Signature"], request["body"])
    payload = payload_of(request)
    assert headers["X-Wagecase-Event"] == payload["event"]
    delivery = WebhookDelivery.objects.get(pk=int(headers["X-Wagecase-Delivery"]))
    assert delivery.subscription_id == subscription.pk and str(delivery.event_id) == payload["id"]
    return payload


def rewind(delivery):
    """Time passes: the delivery's next attempt is due now."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))


# --- Signing ---------------------------------------------------------------------------------------


def test_signature_is_hmac_sha256_of_timestamp_and_raw_body():
    import hashlib
    import hmac

    body = '{"id":"x","data":{"name":"秦州"}}'.encode()
    header = webhooks.signature_header("whsec_abc", body, timestamp=1767225600)
    expected = hmac.new(b"whsec_abc", b"1767225600." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1767225600,v1={expected}"
    assert webhooks.verify_signature("whsec_abc", header, body, now=1767225600 + 10)
    assert not webhooks.verify_signature("whsec_abc", header, body + b" ", now=1767225600)  # body changed
    assert not webhooks.verify_signature("whsec_abc", header, body, now=1767225600 + 301)  # replayed later
    assert not webhooks.verify_signature("whsec_abc", "garbage", body)


# --- Events from the real services reach the client in scope only ----------------------------------------


def test_case_opened_reaches_the_housing_client_only(three, receiver, make_project, make_case, inspector,
                                                     django_capture_on_commit_callbacks):
    project = make_project(HOME, industry="housing")
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(project=project)
    assert [r["path"] for r in receiver.requests] == ["/housing"]
    payload = assert_signed(receiver.requests[0], three["housing"])
    assert payload["event"] == "case.opened"
    assert dt.datetime.fromisoformat(payload["occurred_at"]).utcoffset() == dt.timedelta(hours=8)
    data = payload["data"]
    assert data["id"] == case.pk and data["project_code"] == project.code
    assert data["enterprise"]["uscc"] == case.enterprise.uscc
    assert (data["amount_owed"], data["amount_paid"], data["status"]) == ("96000.00", "0.00", "open")
    # No personal data: the five haves' people and the per-worker lines stay out.
    body = receiver.requests[0]["body"].decode()
    assert "responsible_person" not in data and case.responsible_person not in body
    assert case.enterprise.legal_representative_id_number not in body
    delivery = WebhookDelivery.objects.get(event="case.opened")  # (the project's warnings were not subscribed for)
    assert delivery.subscription == three["housing"]
    assert (delivery.status, delivery.attempts, delivery.response_status, delivery.response_body) == (
        DeliveryStatus.DELIVERED, 1, 200, "ok")
    assert delivery.next_attempt_at is None and delivery.delivered_at is not None

    # Cleared by the last payment: case.cleared, to the same client only.
    with django_capture_on_commit_callbacks(execute=True):
        complaint_services.case_payment_add(case=case, user=inspector, amount=Decimal("96000.00"),
                                            paid_on=timezone.localdate(), source="enterprise", workers=12)
    assert [r["path"] for r in receiver.requests] == ["/housing", "/housing"]
    cleared = assert_signed(receiver.requests[1], three["housing"])
    assert cleared["event"] == "case.cleared"
    assert (cleared["data"]["status"], cleared["data"]["amount_outstanding"]) == ("cleared", "0.00")


def test_case_opened_from_a_clue(three, receiver, make_project, make_clue, inspector, django_capture_on_commit_callbacks):
    project = make_project(HOME, industry="transport")
    clue = make_clue(project=project)
    complaint_services.clue_accept(clue=clue, user=inspector)
    complaint_services.clue_classify(clue=clue, user=inspector, category="wage_arrears")
    from ..complaints.conftest import FIVE_HAVES

    with django_capture_on_commit_callbacks(execute=True):
        case = complaint_services.case_open_from_clue(clue=clue, user=inspector, enterprise=project.general_contractor,
                                                      **FIVE_HAVES)
    assert [r["path"] for r in receiver.requests] == ["/transport"]  # a transport project: the transport bureau
    data = assert_signed(receiver.requests[0], three["transport"])["data"]
    assert (data["id"], data["source_clue"], data["industry"]) == (case.pk, clue.number, "transport")
    assert clue.complainant_phone not in receiver.requests[0]["body"].decode()


def test_a_case_without_industry_goes_to_no_bureau(three, receiver, make_case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case()  # no project, no clue: no industry, invisible to every bureau in the API too
    assert case.industry == ""
    assert receiver.requests == [] and not WebhookDelivery.objects.exists()


def test_rectification_order_issued_and_escalated(three, receiver, make_project, make_inspection, inspector,
                                                  django_capture_on_commit_callbacks):
    project = make_project(HOME, industry="housing")
    inspected_on = timezone.localdate() - dt.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        inspection = make_inspection(project=project, inspected_on=inspected_on,
                                     rectify_by=inspected_on + dt.timedelta(days=10),
                                     checklist=checklist(wage_deposit="fail", notice_board="fail"))
    order = inspection.order
    assert [r["path"] for r in receiver.requests] == ["/housing"]
    payload = assert_signed(receiver.requests[0], three["housing"])
    assert payload["event"] == "rectification_order.issued"
    data = payload["data"]
    assert (data["number"], data["project_code"], sorted(data["items"])) == (order.number, project.code,
                                                                              ["notice_board", "wage_deposit"])
    assert data["rectify_by"] == (inspected_on + dt.timedelta(days=10)).isoformat()
    assert data["status"] == "overdue"  # as the API shows it today

    with django_capture_on_commit_callbacks(execute=True):
        inspection_services.order_reinspect(order=order, user=inspector, reinspected_on=timezone.localdate(),
                                            rectified=False)
    assert [r["path"] for r in receiver.requests] == ["/housing", "/housing"]
    escalated = assert_signed(receiver.requests[1], three["housing"])
    assert escalated["event"] == "rectification_order.escalated"
    assert (escalated["data"]["status"], escalated["data"]["escalated_on"]) == (
        "escalated", timezone.localdate().isoformat())


def test_warning_raised_on_a_project(three, receiver, make_project, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        housing_project = make_project(HOME, industry="housing", code="P-WH-HOUSING")
        transport_project = make_project(HOME, industry="transport", code="P-WH-ROAD")
    housing_warnings = set(housing_project.warnings.filter(active=True).values_list("rule", flat=True))
    transport_warnings = set(transport_project.warnings.filter(active=True).values_list("rule", flat=True))
    assert housing_warnings and transport_warnings
    to_housing = [assert_signed(r, three["housing"]) for r in receiver.to("/housing")]
    to_transport = [assert_signed(r, three["transport"]) for r in receiver.to("/transport")]
    assert receiver.to("/lanzhou") == []
    assert {p["event"] for p in to_housing + to_transport} == {"project.warning_raised"}
    assert {p["data"]["project"] for p in to_housing} == {"P-WH-HOUSING"}
    assert {p["data"]["rule"] for p in to_housing} == housing_warnings
    assert {p["data"]["project"] for p in to_transport} == {"P-WH-ROAD"}
    sample = to_housing[0]["data"]
    assert {"project", "rule", "severity", "message", "raised_on"} <= set(sample)
    assert len({p["id"] for p in to_housing}) == len(to_housing)  # one event id per warning


def test_only_the_subscribed_events_and_active_subscriptions(housing, subscribe, receiver, make_case, make_project,
                                                            django_capture_on_commit_callbacks):
    project = make_project(HOME, industry="housing")
    subscribe(housing, events=["case.cleared"], path="/cleared-only")
    paused = subscribe(housing, events=["case.opened"], path="/paused")
    webhooks.subscription_update(subscription=paused, active=False)
    with django_capture_on_commit_callbacks(execute=True):
        make_case(project=project)
    assert receiver.requests == []


def test_a_rolled_back_change_notifies_no_one(three, receiver, make_project, make_case, django_capture_on_commit_callbacks):
    from django.db import transaction

    project = make_project(HOME, industry="housing")
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                make_case(project=project)
                raise RuntimeError
    assert receiver.requests == [] and not WebhookDelivery.objects.filter(event="case.opened").exists()


# --- Retries -----------------------------------------------------------------------------------------


def emit_case_event(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deliveries = events.emit(WebhookEvent.CASE_OPENED, region_code=HOME, industry="housing",
                                 data={"id": 1, "amount_owed": Decimal("100.00")})
    assert len(deliveries) == 1
    return deliveries[0]


def test_retry_with_backoff_then_delivered(housing, subscribe, receiver, django_capture_on_commit_callbacks):
    subscription = subscribe(housing)
    receiver.statuses = [500, 500]
    before = timezone.now()
    delivery = emit_case_event(django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == (DeliveryStatus.RETRYING, 1, 500)
    assert delivery.response_body.startswith("boom") and len(delivery.response_body) == 2000  # truncated
    first_gap = (delivery.next_attempt_at - before).total_seconds()
    assert 30 <= first_gap < 35

    # Not due yet: the periodic task sends nothing.
    retry_webhooks.delay()
    assert len(receiver.requests) == 1

    rewind(delivery)
    before = timezone.now()
    retry_webhooks.delay()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == (DeliveryStatus.RETRYING, 2, 500)
    second_gap = (delivery.next_attempt_at - before).total_seconds()
    assert 120 <= second_gap < 125

    rewind(delivery)
    retry_webhooks.delay()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status, delivery.response_body) == (
        DeliveryStatus.DELIVERED, 3, 200, "ok")
    assert delivery.next_attempt_at is None
    assert len(receiver.requests) == 3
    bodies = {r["body"] for r in receiver.requests}
    assert len(bodies) == 1  # the same body each time (event id included); signed anew each time
    for request in receiver.requests:
        assert_signed(request, subscription)

    # Delivered is final: neither the periodic task nor a stray task sends it again.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - dt.timedelta(hours=1))
    retry_webhooks.delay()
    deliver_webhook.delay(delivery.pk)
    assert len(receiver.requests) == 3


def test_failed_after_the_sixth_retry(housing, subscribe, receiver, django_capture_on_commit_callbacks):
    subscribe(housing)
    receiver.default_status = 503
    delivery = emit_case_event(django_capture_on_commit_callbacks)
    gaps = []
    for attempt in range(1, 8):
        delivery.refresh_from_db()
        assert delivery.attempts == attempt and delivery.response_status == 503
        if attempt == 7:
            break
        assert delivery.status == DeliveryStatus.RETRYING
        gaps.append(round((delivery.next_attempt_at - timezone.now()).total_seconds()))
        rewind(delivery)
        retry_webhooks.delay()
    assert webhooks.BACKOFF == (30, 120, 480, 1920, 7200, 21600)
    assert all(abs(gap - wait) <= 2 for gap, wait in zip(gaps, webhooks.BACKOFF, strict=True)), gaps
    assert (delivery.status, delivery.next_attempt_at) == (DeliveryStatus.FAILED, None)
    assert len(receiver.requests) == 7
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    retry_webhooks.delay()
    deliver_webhook.delay(delivery.pk)
    assert len(receiver.requests) == 7


def test_no_answer_is_recorded_and_retried(housing, subscribe, receiver, monkeypatch, django_capture_on_commit_callbacks):
    # A closed port: refused.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    webhooks.subscription_create(client=housing, url=f"http://127.0.0.1:{closed_port}/x", events=["case.opened"])
    delivery = emit_case_event(django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == (DeliveryStatus.RETRYING, 1, None)
    assert "refused" in delivery.error.lower() or "URLError" in delivery.error

    # Too slow: timed out (the 5 s limit, shortened here).
    WebhookDelivery.objects.all().delete()
    housing.webhooks.all().delete()
    subscribe(housing, path="/slow")
    monkeypatch.setattr(webhooks, "TIMEOUT", 0.3)
    receiver.delay = 1
    delivery = emit_case_event(django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_status) == (DeliveryStatus.RETRYING, None)
    assert "timed out" in delivery.error.lower()


def test_a_claimed_delivery_is_sent_once(housing, subscribe, receiver):
    """Two workers handed the same delivery: the conditional claim lets one send."""
    subscription = subscribe(housing)
    payload = events.make_payload("case.opened", {"id": 1})
    delivery = WebhookDelivery.objects.create(subscription=subscription, event="case.opened", event_id=payload["id"],
                                              payload=payload, next_attempt_at=timezone.now())
    assert webhooks._claim(delivery.pk, timezone.now()) is not None
    assert webhooks._claim(delivery.pk, timezone.now()) is None  # the lease is held
    assert webhooks.delivery_attempt(delivery_id=delivery.pk) is None
    assert receiver.requests == []


def test_retry_schedule_is_in_beat(db):
    task = PeriodicTask.objects.get(task="integrations.retry_webhooks")
    assert task.enabled and (task.interval.every, task.interval.period) == (1, "minutes")


# --- The API ------------------------------------------------------------------------------------------


def test_subscribe_list_change_delete(housing, api_as, receiver):
    client = api_as(housing.user)
    response = client.post(WEBHOOKS, {"url": receiver.url(), "events": ["case.opened", "case.cleared"]}, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["secret"].startswith("whsec_") and created["client"] == "天水市住建局"
    listed = client.get(WEBHOOKS).json()
    assert listed["count"] == 1 and "secret" not in listed["results"][0]
    detail = client.get(f"{WEBHOOKS}{created['id']}/").json()
    assert "secret" not in detail and detail["events"] == ["case.opened", "case.cleared"]
    response = client.patch(f"{WEBHOOKS}{created['id']}/", {"events": ["project.warning_raised"], "active": False},
                            format="json")
    assert response.status_code == 200 and response.json()["events"] == ["project.warning_raised"]
    assert response.json()["active"] is False
    assert client.delete(f"{WEBHOOKS}{created['id']}/").status_code == 204
    assert client.get(WEBHOOKS).json()["count"] == 0


@pytest.mark.parametrize("body, field", [
    ({"url": "ftp://zjj.example.gov.cn/x", "events": ["case.opened"]}, "url"),
    ({"url": "not a url", "events": ["case.opened"]}, "url"),
    ({"url": "https://zjj.example.gov.cn/x", "events": ["case.closed"]}, "events"),
    ({"url": "https://zjj.example.gov.cn/x", "events": []}, "events"),
    ({"url": "https://zjj.example.gov.cn/x", "events": ["ping"]}, "events"),
    ({"url": "https://zjj.example.gov.cn/x", "events": ["case.opened", "case.opened"]}, "events"),
    ({"events": ["case.opened"]}, "url"),
])
def test_invalid_subscription_400_by_field(housing, api_as, body, field):
    response = api_as(housing.user).post(WEBHOOKS, body, format="json")
    assert response.status_code == 400 and field in response.json(), response.content


def test_who_may_use_webhooks(housing, lanzhou, subscribe, api_as, inspector, admin_user, api_client):
    mine = subscribe(housing)
    theirs = subscribe(lanzhou)
    assert api_client.get(WEBHOOKS).status_code == 401
    assert api_as(inspector).get(WEBHOOKS).status_code == 403
    body = {"url": "https://x.cn/", "events": ["case.opened"]}
    assert api_as(inspector).post(WEBHOOKS, body, format="json").status_code == 403
    # An administrator looks after the clients of its jurisdiction (6205), but subscribes no one.
    admin = api_as(admin_user)
    assert [s["id"] for s in admin.get(WEBHOOKS).json()["results"]] == [mine.pk]
    assert admin.get(f"{WEBHOOKS}{theirs.pk}/").status_code == 404
    assert admin.post(WEBHOOKS, {"url": "https://x.cn/", "events": ["case.opened"]}, format="json").status_code == 403
    # Another client's subscription is a 404 everywhere.
    client = api_as(housing.user)
    assert [s["id"] for s in client.get(WEBHOOKS).json()["results"]] == [mine.pk]
    other = f"{WEBHOOKS}{theirs.pk}/"
    assert client.get(other).status_code == 404
    assert client.patch(other, {"active": False}, format="json").status_code == 404
    assert client.delete(other).status_code == 404
    for suffix in ("rotate-secret/", "test/"):
        assert client.post(other + suffix).status_code == 404
    assert client.get(other + "deliveries/").status_code == 404
    payload = events.make_payload("case.opened", {"id": 1})
    their_delivery = WebhookDelivery.objects.create(subscription=theirs, event="case.opened", event_id=payload["id"],
                                                    payload=payload, status=DeliveryStatus.FAILED)
    assert client.post(other + f"deliveries/{their_delivery.pk}/redeliver/").status_code == 404
    assert client.post(f"{WEBHOOKS}{mine.pk}/deliveries/{their_delivery.pk}/redeliver/").status_code == 404


def test_ping_and_rotate_secret(housing, subscribe, api_as, receiver):
    subscription = subscribe(housing, path="/ping")
    client = api_as(housing.user)
    response = client.post(f"{WEBHOOKS}{subscription.pk}/test/")
    assert response.status_code == 200
    assert (response.json()["event"], response.json()["status"], response.json()["response_status"]) == (
        "ping", "delivered", 200)
    ping = assert_signed(receiver.requests[0], subscription)
    assert ping["event"] == "ping" and ping["data"]["subscription"] == subscription.pk

    old_secret = subscription.secret
    rotated = client.post(f"{WEBHOOKS}{subscription.pk}/rotate-secret/").json()
    assert rotated["secret"] != old_secret
    subscription.refresh_from_db()
    assert subscription.secret == rotated["secret"]
    receiver.default_status = 500
    response = client.post(f"{WEBHOOKS}{subscription.pk}/test/").json()
    assert (response["status"], response["response_status"], response["attempts"]) == ("failed", 500, 1)  # a ping: no retry
    second = receiver.requests[1]
    assert webhooks.verify_signature(rotated["secret"], second["headers"]["X-Wagecase-Signature"], second["body"])
    assert not webhooks.verify_signature(old_secret, second["headers"]["X-Wagecase-Signature"], second["body"])


def test_deliveries_log_and_redeliver(housing, subscribe, api_as, receiver, django_capture_on_commit_callbacks):
    subscription = subscribe(housing)
    client = api_as(housing.user)
    receiver.default_status = 500
    original = emit_case_event(django_capture_on_commit_callbacks)

    log = client.get(f"{WEBHOOKS}{subscription.pk}/deliveries/").json()
    assert log["count"] == 1
    row = log["results"][0]
    assert (row["id"], row["event"], row["status"], row["attempts"], row["response_status"]) == (
        original.pk, "case.opened", "retrying", 1, 500)
    assert row["next_attempt_at"] and len(row["response_body"]) == 2000
    assert row["payload"]["data"] == {"id": 1, "amount_owed": "100.00"}
    assert client.get(f"{WEBHOOKS}{subscription.pk}/deliveries/", {"status": "delivered"}).json()["count"] == 0

    # The receiver is fixed; the client asks for the event again rather than wait for the retry.
    receiver.default_status = 200
    response = client.post(f"{WEBHOOKS}{subscription.pk}/deliveries/{original.pk}/redeliver/")
    assert response.status_code == 200, response.content
    again = response.json()
    assert again["id"] != original.pk and again["status"] == "delivered" and again["event_id"] == str(original.event_id)
    original.refresh_from_db()
    assert original.status == DeliveryStatus.FAILED and original.error  # superseded by the redelivery
    assert original.next_attempt_at is None
    assert len(receiver.requests) == 2
    second = assert_signed(receiver.requests[1], subscription)
    assert second["id"] == str(original.event_id)
    assert receiver.requests[1]["headers"]["X-Wagecase-Delivery"] == str(again["id"])
    # The superseded original is never retried: one event, one successful send.
    rewind(original)
    retry_webhooks.delay()
    assert len(receiver.requests) == 2
    # A delivered delivery may be redelivered on request (the receiver lost it): a new delivery again.
    response = client.post(f"{WEBHOOKS}{subscription.pk}/deliveries/{again['id']}/redeliver/")
    assert response.json()["status"] == "delivered" and len(receiver.requests) == 3
    assert WebhookDelivery.objects.get(pk=again["id"]).status == DeliveryStatus.DELIVERED


def test_webhook_docs_in_the_schema(api_as, admin_user, housing, subscribe, receiver):
    import re

    import yaml

    response = api_as(admin_user).get("/api/schema/")
    schema = yaml.safe_load(response.content)
    paths = schema["paths"]
    for path in ("/api/v1/webhooks/", "/api/v1/webhooks/{id}/", "/api/v1/webhooks/{id}/rotate-secret/",
                 "/api/v1/webhooks/{id}/test/", "/api/v1/webhooks/{id}/deliveries/",
                 "/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver/"):
        assert path in paths
    description = paths["/api/v1/webhooks/"]["post"]["description"]
    assert "X-Wagecase-Signature" in description and "验签" in description
    # The documented snippet verifies a real delivery.
    snippet = re.search(r"```python\n(.*?)```", description, re.S).group(1)
    namespace = {}
    exec(snippet, namespace)  # noqa: S102 — our own documentation
    subscription = subscribe(housing)
    webhooks.subscription_ping(subscription=subscription)
    request = receiver.requests[0]
    assert namespace["verify"](subscription.secret, request["headers"]["X-Wagecase-Signature"], request["body"])
    assert not namespace["verify"](subscription.secret, request["headers"]["X-Wagecase-Signature"], request["body"][:-1])


def test_emit_costs_one_query_without_subscribers(three, django_assert_num_queries):
    with django_assert_num_queries(1):  # the subscriptions in scope (none: a water project)
        assert events.emit(WebhookEvent.CASE_OPENED, region_code=HOME, industry="water", data={"id": 1}) == []
