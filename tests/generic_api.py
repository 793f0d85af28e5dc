"""A data-driven test suite for any scoped REST endpoint, written once and reused by every app.

Subclass `APIEndpointTests` in a `Test...` class and supply data only:

    class TestEnterpriseAPI(APIEndpointTests):
        model = Enterprise
        endpoint = "/api/v1/enterprises/"
        lookup_field = "uscc"                     # model attribute = response field = URL key

        def make_object(self, f, *, in_scope=True):   # f.<fixture> gives any pytest fixture
            return f.make_enterprise(region=HOME if in_scope else OTHER)

        def create_payload(self, f): ...           # valid body for POST
        def invalid_create_payload(self, f): ...   # (body, [fields expected in the 400])
        def update_payload(self, f, obj): ...       # valid body for PATCH
        def invalid_update_payload(self, f, obj):  # (body, [fields])

Each test covers one cell of list / retrieve / create / update × anonymous (401) / permitted /
role without the permission (403) / out of scope (404, absent from lists), plus the list's
query-count ceiling with many rows, the pagination format, all-or-nothing writes and the change
log of API writes (source "api", the user, the request id of the X-Request-ID header).

Endpoints without writes set `actions = ("list", "retrieve")`; the write tests then check that
writing is refused."""
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import resolve
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from wagecase.core.auth import role_allows
from wagecase.core.choices import ChangeSource, Role
from wagecase.core.models import ObjectChange

from .conftest import HOME

MODEL_ACTIONS = {"list": "view", "retrieve": "view", "create": "add", "update": "change"}


class Fixtures:
    """`f.make_user(...)`: pytest fixtures by attribute, for the data hooks."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return self._request.getfixturevalue(name)


class APIEndpointTests:
    """Not collected by itself (no Test prefix); subclasses are."""

    model = None
    endpoint = None  # "/api/v1/enterprises/"
    lookup_field = "pk"  # model attribute, response field and URL key all at once
    actions = ("list", "retrieve", "create", "update")
    # The role that may take each model action, and the jurisdiction of that user.
    permitted_roles = {"view": Role.INSPECTOR, "add": Role.INSPECTOR, "change": Role.INSPECTOR}
    user_region = HOME
    # Roles the endpoint refuses although their model permissions allow it (API.md rules).
    extra_forbidden_roles = {}
    list_rows = 31
    list_max_queries = 8

    # --- Data hooks (override) --------------------------------------------------------------------

    def make_object(self, f, *, in_scope=True):
        raise NotImplementedError

    def make_objects(self, f, count):
        """`count` objects in scope (for the query-count test)."""
        return [self.make_object(f) for _ in range(count)]

    def create_payload(self, f):
        raise NotImplementedError

    def invalid_create_payload(self, f):
        """(payload, [fields the 400 must name])."""
        raise NotImplementedError

    def out_of_scope_create_payload(self, f):
        """A valid payload for a record outside the user's scope, or None to skip that test."""
        return None

    def update_payload(self, f, obj):
        raise NotImplementedError

    def invalid_update_payload(self, f, obj):
        raise NotImplementedError

    def missing_lookup(self):
        """A lookup value no object has."""
        return "999999999"

    def assert_created(self, obj, payload):
        """Further checks on the object a valid POST created."""

    def assert_updated(self, obj, payload):
        """Further checks on the object after a valid PATCH (reloaded from the database)."""
        for key, value in payload.items():
            if hasattr(obj, key) and not isinstance(value, (dict, list)):
                assert str(getattr(obj, key)) == str(value), key

    # --- Helpers ---------------------------------------------------------------------------------

    @pytest.fixture
    def f(self, request, db):
        return Fixtures(request)

    def lookup(self, obj):
        return str(getattr(obj, self.lookup_field))

    def detail_url(self, obj_or_key):
        key = obj_or_key if isinstance(obj_or_key, str) else self.lookup(obj_or_key)
        return f"{self.endpoint}{key}/"

    def response_key(self, data):
        return str(data[self.lookup_field if self.lookup_field != "pk" else "id"])

    def user_for(self, f, model_action):
        return f.make_user(self.permitted_roles[model_action], self.user_region)

    def client_for(self, f, model_action):
        user = self.user_for(f, model_action)
        return f.api_as(user), user

    def forbidden_users(self, f, model_action):
        """A user of every role lacking the model permission (or refused by the endpoint); when
        every role has it, a user whose role grants nothing, so the 403 path is always tested."""
        perm = f"{self.model._meta.app_label}.{model_action}_{self.model._meta.model_name}"
        roles = [r for r in Role if not role_allows(r, perm)]
        roles += [r for r in self.extra_forbidden_roles.get(model_action, ()) if r not in roles]
        users = [f.make_user(role, self.user_region) for role in roles]
        if not roles:
            user = f.make_user(Role.OFFICE_STAFF, self.user_region)
            user.role = ""  # a role that grants nothing
            user.save(update_fields=["role"])
            users.append(user)
        return users

    def require(self, action):
        if action not in self.actions:
            pytest.skip(f"{self.endpoint} has no {action}")

    def changes_for(self, obj, action=None):
        qs = ObjectChange.objects.filter(
            changed_object_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
            changed_object_id=str(obj.pk),
        )
        return qs.filter(action=action) if action else qs

    def snapshot(self, obj):
        return type(obj)._base_manager.filter(pk=obj.pk).values().get()

    # --- Anonymous ------------------------------------------------------------------------------

    def test_anonymous_gets_401(self, f):
        obj = self.make_object(f)
        client = f.api_client
        count = self.model._base_manager.count()
        before = self.snapshot(obj)
        requests = [("get", self.endpoint, None), ("get", self.detail_url(obj), None)]
        if "create" in self.actions:
            requests.append(("post", self.endpoint, self.create_payload(f)))
        if "update" in self.actions:
            requests.append(("patch", self.detail_url(obj), self.update_payload(f, obj)))
        for method, url, data in requests:
            response = getattr(client, method)(url, data, format="json")
            assert response.status_code == 401, (method, url, response.content)
        assert self.model._base_manager.count() == count
        assert self.snapshot(obj) == before

    # --- List ----------------------------------------------------------------------------------

    def test_list_shows_scope_only(self, f):
        self.require("list")
        inside = self.make_object(f)
        outside = self.make_object(f, in_scope=False)
        client, _user = self.client_for(f, "view")
        response = client.get(self.endpoint, {"page_size": 500})
        assert response.status_code == 200, response.content
        data = response.json()
        assert set(data) == {"count", "next", "previous", "results"}
        keys = {self.response_key(row) for row in data["results"]}
        assert self.lookup(inside) in keys
        assert self.lookup(outside) not in keys

    def test_list_forbidden_role_gets_403(self, f):
        self.require("list")
        self.make_object(f)
        for user in self.forbidden_users(f, "view"):
            response = f.api_as(user).get(self.endpoint)
            assert response.status_code == 403, (user.role, response.content)

    def test_list_query_count(self, f, django_assert_max_num_queries):
        self.require("list")
        objects = self.make_objects(f, self.list_rows)
        client, _user = self.client_for(f, "view")
        with django_assert_max_num_queries(self.list_max_queries):
            response = client.get(self.endpoint, {"page_size": 500})
        assert response.status_code == 200
        assert response.json()["count"] >= len(objects) >= 30

    def test_pagination(self, f):
        self.require("list")
        self.make_objects(f, 3)
        client, _user = self.client_for(f, "view")
        first = client.get(self.endpoint, {"page_size": 2}).json()
        assert first["count"] >= 3 and len(first["results"]) == 2
        assert first["previous"] is None and "page=2" in first["next"]
        second = client.get(first["next"]).json()
        assert second["previous"] is not None
        assert not {self.response_key(r) for r in first["results"]} & {self.response_key(r) for r in second["results"]}
        # ?page_size is capped at 500.
        view = resolve(self.endpoint).func.cls
        paginator = view.pagination_class()
        request = Request(APIRequestFactory().get(self.endpoint, {"page_size": 100000}))
        assert paginator.get_page_size(request) == 500

    # --- Retrieve -------------------------------------------------------------------------------

    def test_retrieve(self, f):
        self.require("retrieve")
        obj = self.make_object(f)
        client, _user = self.client_for(f, "view")
        response = client.get(self.detail_url(obj))
        assert response.status_code == 200, response.content
        assert self.response_key(response.json()) == self.lookup(obj)

    def test_retrieve_out_of_scope_is_404_like_missing(self, f):
        self.require("retrieve")
        outside = self.make_object(f, in_scope=False)
        client, _user = self.client_for(f, "view")
        response = client.get(self.detail_url(outside))
        missing = client.get(self.detail_url(self.missing_lookup()))
        assert response.status_code == 404
        assert missing.status_code == 404
        assert response.json() == missing.json()

    def test_retrieve_forbidden_role_gets_403(self, f):
        self.require("retrieve")
        obj = self.make_object(f)
        for user in self.forbidden_users(f, "view"):
            response = f.api_as(user).get(self.detail_url(obj))
            assert response.status_code == 403, (user.role, response.content)

    # --- Create ---------------------------------------------------------------------------------

    def test_create(self, f):
        if "create" not in self.actions:
            client, _user = self.client_for(f, "view")
            assert client.post(self.endpoint, {}, format="json").status_code in (403, 405)
            return
        client, user = self.client_for(f, "add")
        payload = self.create_payload(f)
        response = client.post(self.endpoint, payload, format="json")
        assert response.status_code == 201, response.content
        obj = self.model._base_manager.get(**{self.lookup_field: response.json()[self.lookup_field if self.lookup_field != "pk" else "id"]})
        self.assert_created(obj, payload)
        # The change log names the API, the user and the request.
        change = self.changes_for(obj, "create").get()
        assert change.source == ChangeSource.API
        assert change.user == user and change.user_name == user.username
        assert change.request_id == uuid.UUID(response["X-Request-ID"])

    def test_create_invalid_is_400_and_saves_nothing(self, f):
        self.require("create")
        client, _user = self.client_for(f, "add")
        payload, fields = self.invalid_create_payload(f)
        count = self.model._base_manager.count()
        changes = ObjectChange.objects.count()
        response = client.post(self.endpoint, payload, format="json")
        assert response.status_code == 400, response.content
        errors = response.json()
        for field in fields:
            assert field in errors and isinstance(errors[field], list) and errors[field], errors
        assert self.model._base_manager.count() == count
        assert ObjectChange.objects.count() == changes

    def test_create_forbidden_role_gets_403(self, f):
        self.require("create")
        count = self.model._base_manager.count()
        for user in self.forbidden_users(f, "add"):
            response = f.api_as(user).post(self.endpoint, self.create_payload(f), format="json")
            assert response.status_code == 403, (user.role, response.content)
        assert self.model._base_manager.count() == count

    def test_create_out_of_scope_is_refused(self, f):
        self.require("create")
        payload = self.out_of_scope_create_payload(f)
        if payload is None:
            pytest.skip("no out-of-scope payload")
        client, _user = self.client_for(f, "add")
        count = self.model._base_manager.count()
        response = client.post(self.endpoint, payload, format="json")
        assert response.status_code in (400, 403), response.content
        assert self.model._base_manager.count() == count

    # --- Update ---------------------------------------------------------------------------------

    def test_update(self, f):
        obj = self.make_object(f)
        if "update" not in self.actions:
            client, _user = self.client_for(f, "view")
            assert client.patch(self.detail_url(obj), {}, format="json").status_code in (403, 405)
            return
        client, user = self.client_for(f, "change")
        payload = self.update_payload(f, obj)
        response = client.patch(self.detail_url(obj), payload, format="json")
        assert response.status_code == 200, response.content
        obj = self.model._base_manager.get(pk=obj.pk)
        self.assert_updated(obj, payload)
        change = self.changes_for(obj, "update").get()
        assert change.source == ChangeSource.API and change.user == user
        assert change.request_id == uuid.UUID(response["X-Request-ID"])

    def test_update_invalid_is_400_and_changes_nothing(self, f):
        self.require("update")
        obj = self.make_object(f)
        before = self.snapshot(obj)
        client, _user = self.client_for(f, "change")
        payload, fields = self.invalid_update_payload(f, obj)
        response = client.patch(self.detail_url(obj), payload, format="json")
        assert response.status_code == 400, response.content
        for field in fields:
            assert field in response.json(), response.json()
        assert self.snapshot(obj) == before
        assert not self.changes_for(obj, "update").exists()

    def test_update_forbidden_role_gets_403(self, f):
        self.require("update")
        obj = self.make_object(f)
        before = self.snapshot(obj)
        for user in self.forbidden_users(f, "change"):
            response = f.api_as(user).patch(self.detail_url(obj), self.update_payload(f, obj), format="json")
            assert response.status_code == 403, (user.role, response.content)
        assert self.snapshot(obj) == before

    def test_update_out_of_scope_is_404(self, f):
        self.require("update")
        outside = self.make_object(f, in_scope=False)
        before = self.snapshot(outside)
        client, _user = self.client_for(f, "change")
        response = client.patch(self.detail_url(outside), self.update_payload(f, outside), format="json")
        assert response.status_code == 404, response.content
        assert self.snapshot(outside) == before
