"""API clients (issue 9, item 1): create_api_client, named tokens (rotate, revoke, expire), per-client
throttling, the call log, the /api/v1/clients/me/ endpoints and the admin."""
import datetime as dt
import hashlib
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from wagecase.core.choices import ChangeSource, Role
from wagecase.core.models import ObjectChange
from wagecase.integrations import services
from wagecase.integrations.models import ApiCall, ApiClient, ApiToken

from ..conftest import HOME, OTHER_CITY
from ..projects.conftest import make_project  # noqa: F401 — the fixture

ME = "/api/v1/clients/me/"
TOKENS = "/api/v1/clients/me/tokens/"
CALLS = "/api/v1/clients/me/calls/"
SUMMARY = "/api/v1/clients/me/calls/summary/"
PROJECTS = "/api/v1/projects/"


def token_type():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(ApiToken)


def run_command(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip().splitlines()


def with_key(key):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")  # messages are checked in English
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def make_client(db):
    """An API client made through the service: (client, raw key of its "default" token)."""
    counter = iter(range(1, 1000))

    def make(industries=("housing",), region="6205", rate="1200/min", name=None):
        return services.create_api_client(name or f"bureau-{next(counter)}", list(industries), region, rate=rate)

    return make


# --- create_api_client --------------------------------------------------------------------------


def test_create_api_client_prints_a_working_token_scoped_to_industry_and_region(make_project):
    housing = make_project(HOME, industry="housing")
    transport = make_project(HOME, industry="transport")
    elsewhere = make_project(OTHER_CITY, industry="housing")
    lines = run_command("create_api_client", "tianshui-zjj", "--industry", "housing", "--region", "6205",
                        "--full-name", "天水市住房和城乡建设局", "--rate", "600/min")
    key = lines[-1]
    assert re.fullmatch(r"[0-9a-f]{40}", key)
    client = ApiClient.objects.get(name="tianshui-zjj")
    assert client.user.role == Role.BUREAU and client.rate == "600/min"
    token = client.tokens.get()
    assert (token.name, token.prefix, token.key_hash) == ("default", key[:8], hashlib.sha256(key.encode()).hexdigest())
    assert not Token.objects.filter(user=client.user).exists(), "the named token replaces the DRF token"
    # The change log names the command.
    change = ObjectChange.objects.get(changed_object_type=token_type(), changed_object_id=str(token.pk), action="create")
    assert change.source == ChangeSource.COMMAND and "key_hash" not in change.postchange_data

    api = with_key(key)
    assert api.get(f"{PROJECTS}{housing.code}/").status_code == 200
    assert api.get(f"{PROJECTS}{transport.code}/").status_code == 404
    assert api.get(f"{PROJECTS}{elsewhere.code}/").status_code == 404
    me = api.get(ME).json()
    assert (me["name"], me["industries"], me["region_code"], me["rate"]) == ("tianshui-zjj", ["housing"], "6205", "600/min")
    assert [(t["name"], t["prefix"], t["status"]) for t in me["tokens"]] == [("default", key[:8], "active")]
    assert "key" not in me["tokens"][0] and "key_hash" not in me["tokens"][0]


def test_create_api_client_bad_rate(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        run_command("create_api_client", "x", "--industry", "housing", "--region", "6205", "--rate", "fast")
    assert not ApiClient.objects.exists()


# --- named tokens -------------------------------------------------------------------------------


def test_named_tokens_are_created_listed_and_shown_once(make_client):
    client, key = make_client()
    api = with_key(key)
    response = api.post(TOKENS, {"name": "sync-server"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    new_key = body["key"]
    assert re.fullmatch(r"[0-9a-f]{40}", new_key) and body["prefix"] == new_key[:8] and body["status"] == "active"
    assert with_key(new_key).get(ME).status_code == 200
    listed = api.get(TOKENS).json()
    assert listed["count"] == 2 and {t["name"] for t in listed["results"]} == {"default", "sync-server"}
    assert all("key" not in t for t in listed["results"])
    assert api.get(f"{TOKENS}{body['id']}/").json()["name"] == "sync-server"
    # Names are unique among live tokens; an expiry must lie ahead.
    assert api.post(TOKENS, {"name": "sync-server"}, format="json").status_code == 400
    past = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert "expires_at" in api.post(TOKENS, {"name": "old", "expires_at": past}, format="json").json()
    assert "name" in api.post(TOKENS, {}, format="json").json()


def test_rotation_replaces_the_key(make_client):
    client, key = make_client()
    api = with_key(key)
    token = client.tokens.get()
    response = api.post(f"{TOKENS}{token.pk}/rotate/", {}, format="json")
    assert response.status_code == 201
    new_key = response.json()["key"]
    assert response.json()["name"] == "default" and new_key != key
    old = with_key(key).get(ME)
    assert old.status_code == 401 and "revoked" in old.json()["detail"]
    assert with_key(new_key).get(ME).status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    # A revoked token cannot be rotated again.
    conflict = with_key(new_key).post(f"{TOKENS}{token.pk}/rotate/", {}, format="json")
    assert conflict.status_code == 409 and conflict.json()["code"] == "token_revoked"


def test_rotation_keeps_the_expiry(make_client):
    client, _key = make_client()
    expires = timezone.now() + dt.timedelta(days=30)
    token, _ = services.token_create(client=client, name="ci", expires_at=expires)
    new_token, new_key = services.token_rotate(token)
    assert (new_token.name, new_token.expires_at) == ("ci", expires)


def test_revocation(make_client):
    client, key = make_client()
    api = with_key(key)
    spare = api.post(TOKENS, {"name": "spare"}, format="json").json()
    response = api.post(f"{TOKENS}{spare['id']}/revoke/")
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    revoked_at = response.json()["revoked_at"]
    response = with_key(spare["key"]).get(ME)
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    # Again: nothing changes.
    assert api.post(f"{TOKENS}{spare['id']}/revoke/").json()["revoked_at"] == revoked_at
    # A name freed by revocation can be used again.
    assert api.post(TOKENS, {"name": "spare"}, format="json").status_code == 201


def test_expired_token_is_refused(make_client):
    client, key = make_client()
    token = client.tokens.get()
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = with_key(key).get(ME)
    assert response.status_code == 401 and "expired" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Token"


def test_disabled_client_and_inactive_account_are_refused(make_client):
    client, key = make_client()
    client.active = False
    client.save()
    assert with_key(key).get(ME).status_code == 401
    client.active = True
    client.save()
    client.user.is_active = False
    client.user.save()
    assert with_key(key).get(ME).status_code == 401


def test_unknown_key_and_no_credentials(db):
    assert with_key("0" * 40).get(ME).status_code == 401
    assert APIClient().get(ME).status_code == 401


def test_last_used_is_written_at_most_once_a_minute(make_client, django_assert_max_num_queries):
    client, key = make_client()
    api = with_key(key)
    api.get(ME)
    token = client.tokens.get()
    first = token.last_used
    assert first is not None
    api.get(ME)
    token.refresh_from_db()
    assert token.last_used == first
    ApiToken.objects.filter(pk=token.pk).update(last_used=first - dt.timedelta(minutes=2))
    api.get(ME)
    token.refresh_from_db()
    assert token.last_used > first - dt.timedelta(minutes=2)
    # Using a token writes no change-log rows.
    assert not ObjectChange.objects.filter(changed_object_type=token_type(), changed_object_id=str(token.pk),
                                           action="update").exists()


def test_staff_drf_tokens_still_work(inspector, api_as):
    lines = run_command("issue_token", inspector.username)
    assert with_key(lines[-1]).get("/api/v1/users/me/").json()["username"] == inspector.username
    assert api_as(inspector).get(PROJECTS).status_code == 200


def test_a_bureau_drf_token_counts_for_its_client(make_client):
    client, _key = make_client()
    drf_key = Token.objects.create(user=client.user).key
    with_key(drf_key).get(ME)
    assert ApiCall.objects.filter(client=client, token=None).count() == 1
    client.active = False
    client.save()
    assert with_key(drf_key).get(ME).status_code == 401


# --- throttling ---------------------------------------------------------------------------------


def test_client_rate_is_enforced_per_client(make_client, inspector, api_as):
    client, key = make_client(rate="3/min")
    other, other_key = make_client(rate="3/min")
    api = with_key(key)
    assert [api.get(ME).status_code for _ in range(3)] == [200, 200, 200]
    response = api.get(ME)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0 and "throttled" in response.json()["detail"]
    # All the client's tokens share the limit; another client has its own.
    second = services.token_create(client=client, name="second")[1]
    assert with_key(second).get(ME).status_code == 429
    assert with_key(other_key).get(ME).status_code == 200
    # Staff users are not throttled by client rates.
    staff = api_as(inspector)
    assert {staff.get("/api/v1/users/me/").status_code for _ in range(6)} == {200}
    # The refused call is logged too.
    assert ApiCall.objects.filter(client=client, status=429).count() == 2


# --- call log -----------------------------------------------------------------------------------


def test_calls_are_logged_with_status_bytes_and_rows(make_client, make_project, inspector, api_as):
    for _ in range(3):
        make_project(HOME, industry="housing")
    make_project(HOME, industry="transport")
    client, key = make_client()
    api = with_key(key)
    listed = api.get(PROJECTS, {"page_size": 2, "ordering": "code"})
    missing = api.get(f"{PROJECTS}NOPE/")
    created = api.post(TOKENS, {"name": "logged"}, format="json")
    api_as(inspector).get(PROJECTS)  # staff: not logged
    calls = list(ApiCall.objects.filter(client=client).order_by("pk"))
    assert [(c.method, c.status) for c in calls] == [("GET", 200), ("GET", 404), ("POST", 201)]
    first, second, third = calls
    assert first.path.startswith(PROJECTS + "?") and "page_size=2" in first.path
    assert first.rows == 2 and first.response_bytes == len(listed.content) and first.request_bytes == 0
    assert first.token == client.tokens.get(name="default") and first.duration_ms >= 0
    assert second.rows is None and second.response_bytes == len(missing.content)
    assert third.request_bytes == len(b'{"name": "logged"}') or third.request_bytes > 0
    assert third.response_bytes == len(created.content) and third.rows is None
    assert ApiCall.objects.count() == 3, "staff calls are not logged"


def test_long_query_strings_are_cut(make_client):
    client, key = make_client()
    with_key(key).get(CALLS, {"method": "x" * 500})
    call = ApiCall.objects.get(client=client)
    assert len(call.path) <= 300 and call.path.endswith("…")


def test_a_logging_failure_does_not_break_the_answer(make_client, monkeypatch, caplog):
    client, key = make_client()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ApiCall.objects, "create", broken)
    response = with_key(key).get(ME)
    assert response.status_code == 200
    assert "Could not log the API call" in caplog.text


def test_call_log_endpoint_filters_and_summary(make_client):
    client, key = make_client()
    api = with_key(key)
    api.get(ME)
    api.get(f"{TOKENS}999999/")
    api.get(ME)
    # Yesterday's call.
    ApiCall.objects.create(client=client, method="GET", path=ME, status=500, time=timezone.now() - dt.timedelta(days=1),
                           request_bytes=10, response_bytes=90)
    body = api.get(CALLS).json()
    assert body["count"] == 4 and {"time", "method", "path", "status", "duration_ms", "rows"} <= set(body["results"][0])
    assert [r["status"] for r in api.get(CALLS, {"status": 404}).json()["results"]] == [404]
    assert api.get(CALLS, {"errors": "true"}).json()["count"] == 2
    today = timezone.localdate().isoformat()
    # Today: the three above and the three reads of the log (a call is logged once answered).
    assert api.get(CALLS, {"since": today}).json()["count"] == 6
    assert api.get(CALLS, {"until": today}).json()["count"] == 1
    assert api.get(CALLS, {"since": "yesterday"}).status_code == 400
    summary = api.get(SUMMARY).json()
    by_day = {d["date"]: d for d in summary["days"]}
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert by_day[yesterday] == {"date": yesterday, "calls": 1, "errors": 1, "request_bytes": 10, "response_bytes": 90,
                                 "bytes": 100}
    assert (by_day[today]["calls"], by_day[today]["errors"]) == (9, 2)  # the 404 and the 400
    assert summary["calls"] == sum(d["calls"] for d in summary["days"])
    assert api.get(SUMMARY, {"since": today}).json()["days"][0]["date"] == today


# --- isolation ----------------------------------------------------------------------------------


def test_a_client_sees_only_its_own_tokens_and_calls(make_client):
    mine, my_key = make_client()
    theirs, their_key = make_client(industries=("transport",))
    with_key(their_key).get(ME)
    their_token = theirs.tokens.get()
    api = with_key(my_key)
    assert api.get(f"{TOKENS}{their_token.pk}/").status_code == 404
    assert api.post(f"{TOKENS}{their_token.pk}/revoke/").status_code == 404
    assert api.post(f"{TOKENS}{their_token.pk}/rotate/", {}, format="json").status_code == 404
    assert with_key(their_key).get(ME).status_code == 200
    assert {t["id"] for t in api.get(TOKENS).json()["results"]} == {mine.tokens.get().pk}
    assert all(c["token_prefix"] == my_key[:8] for c in api.get(CALLS).json()["results"])
    assert not ApiCall.objects.filter(client=mine, path__contains=str(their_token.pk)).exclude(status=404).exists()


@pytest.mark.parametrize("path", [ME, TOKENS, CALLS, SUMMARY])
def test_non_clients_get_404(path, inspector, bureau, api_as):
    assert api_as(inspector).get(path).status_code == 404
    assert api_as(bureau).get(path).status_code == 404  # a bureau account without a client
    assert api_as(inspector).post(TOKENS, {"name": "x"}, format="json").status_code == 404


def test_scope_filters(make_client, make_user):
    mine, _key = make_client(region="6205")
    theirs, their_key = make_client(region="6201")
    with_key(their_key).get(ME)
    head = make_user(Role.OFFICE_HEAD, "6205")
    assert list(ApiClient.objects.restrict(head)) == [mine]
    assert set(ApiToken.objects.restrict(head)) == set(mine.tokens.all())
    assert list(ApiCall.objects.restrict(make_user(Role.OFFICE_HEAD, "6201"))) == list(theirs.calls.all())
    assert list(ApiToken.objects.filter(ApiToken.scope_filter(mine.user))) == list(mine.tokens.all())
    assert list(ApiClient.objects.filter(ApiClient.scope_filter(theirs.user))) == [theirs]
    assert not ApiCall.objects.filter(ApiCall.scope_filter(mine.user)).exists()
    assert not ApiClient.objects.restrict(make_user(Role.INSPECTOR, "620502")).exists()


# --- admin --------------------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    from wagecase.core.models import User

    return User.objects.create_superuser("root", "root@example.com", "pw-for-tests-only")


def test_admin_creates_a_client_and_shows_its_key_once(client, superuser):
    client.force_login(superuser)
    response = client.post(reverse("admin:integrations_apiclient_add"), {
        "name": "gansu-jtt", "full_name": "甘肃省交通运输厅", "industries": ["transport"], "region": "62",
        "contact": "", "rate": "100/min",
    }, follow=True)
    assert response.status_code == 200
    api_client = ApiClient.objects.get(name="gansu-jtt")
    assert api_client.user.industries == ["transport"] and api_client.user.jurisdiction_id == "62"
    shown = [str(m) for m in response.context["messages"]]
    key = next(re.search(r"[0-9a-f]{40}", m).group() for m in shown if re.search(r"[0-9a-f]{40}", m))
    assert with_key(key).get(ME).json()["name"] == "gansu-jtt"
    # Invalid input is a form error, not a crash.
    bad = client.post(reverse("admin:integrations_apiclient_add"), {
        "name": "gansu-jtt", "industries": ["mining"], "region": "6299", "rate": "fast"})
    assert bad.status_code == 200 and set(bad.context["adminform"].form.errors) == {"name", "industries", "region", "rate"}
    # The change page shows the tokens; the list action revokes them.
    assert client.get(reverse("admin:integrations_apiclient_change", args=[api_client.pk])).status_code == 200
    client.post(reverse("admin:integrations_apiclient_changelist"),
                {"action": "revoke_tokens", "_selected_action": [api_client.pk]})
    assert with_key(key).get(ME).status_code == 401
    assert client.get(reverse("admin:integrations_apicall_changelist")).status_code == 200
    assert client.get(reverse("admin:integrations_apitoken_changelist")).status_code == 200


def test_admin_token_rotation(client, superuser, make_client):
    api_client, key = make_client()
    client.force_login(superuser)
    token = api_client.tokens.get()
    response = client.post(reverse("admin:integrations_apitoken_changelist"),
                           {"action": "rotate", "_selected_action": [token.pk]}, follow=True)
    new_key = next(re.search(r"[0-9a-f]{40}", str(m)).group() for m in response.context["messages"])
    assert with_key(key).get(ME).status_code == 401 and with_key(new_key).get(ME).status_code == 200


# --- manage.py api_token ------------------------------------------------------------------------


def test_api_token_command(make_client):
    from django.core.management import CommandError

    client, key = make_client(name="zjj")
    created = run_command("api_token", "zjj", "create", "etl", "--expires", "2099-12-31")[-1]
    assert with_key(created).get(ME).status_code == 200
    token = client.tokens.get(name="etl", revoked_at=None)
    assert timezone.localtime(token.expires_at).date() == dt.date(2100, 1, 1)
    rotated = run_command("api_token", "zjj", "rotate", "etl")[-1]
    assert with_key(created).get(ME).status_code == 401 and with_key(rotated).get(ME).status_code == 200
    run_command("api_token", "zjj", "revoke", "etl")
    assert with_key(rotated).get(ME).status_code == 401
    listing = "\n".join(run_command("api_token", "zjj", "list"))
    assert "default" in listing and listing.count("etl") == 2
    for args in (["nobody", "list"], ["zjj", "revoke", "etl"], ["zjj", "create", "default"], ["zjj", "create"],
                 ["zjj", "create", "x", "--expires", "soon"]):
        with pytest.raises(CommandError):
            run_command("api_token", *args)


# --- query counts -------------------------------------------------------------------------------


def test_client_endpoints_query_counts(make_client, make_project, django_assert_max_num_queries):
    client, key = make_client()
    api = with_key(key)
    for _ in range(3):
        make_project(HOME, industry="housing")
        api.get(ME)
    for n in range(3):
        services.token_create(client=client, name=f"t{n}")
    # auth, client, count, page, log insert (with its savepoint)
    with django_assert_max_num_queries(7):
        assert api.get(CALLS).json()["count"] == 3
    with django_assert_max_num_queries(7):
        assert api.get(TOKENS).json()["count"] == 4
    with django_assert_max_num_queries(6):
        assert len(api.get(ME).json()["tokens"]) == 4
    with django_assert_max_num_queries(6):
        api.get(SUMMARY)


def test_a_signed_in_bureau_is_logged_and_throttled_as_its_client(client, make_client):
    api_client, _key = make_client(rate="2/min")
    client.force_login(api_client.user)
    assert [client.get(ME).status_code for _ in range(3)] == [200, 200, 429]
    assert list(ApiCall.objects.filter(client=api_client).values_list("status", "token")) == [(429, None), (200, None), (200, None)]


def test_keys_carry_a_checksum(make_client):
    from wagecase.integrations.services import looks_like_client_key

    _client, key = make_client()
    assert looks_like_client_key(key)
    typo = key[:10] + ("0" if key[10] != "0" else "1") + key[11:]
    assert not looks_like_client_key(typo)
    assert with_key(typo).get(ME).status_code == 401


def test_staff_tokens_cost_one_query(inspector, django_assert_num_queries):
    from wagecase.integrations.auth import ApiTokenAuthentication

    key = Token.objects.create(user=inspector).key
    with django_assert_num_queries(1):
        assert ApiTokenAuthentication().authenticate_credentials(key)[0] == inspector
