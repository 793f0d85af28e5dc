"""A reusable, data-driven test suite for the generic object views (list / detail / add / edit /
delete × anonymous / permitted / no permission / out of scope, plus a query ceiling for lists).

A model's test subclasses `ObjectViewTestSuite` and supplies only data:

    class TestEnterpriseViews(ObjectViewTestSuite):
        model = Enterprise
        permitted_roles = {"view": Role.INSPECTOR, "add": Role.INSPECTOR, "change": Role.INSPECTOR, "delete": Role.ADMIN}

        @pytest.fixture
        def make_in_scope(self, make_enterprise):       # () -> an object in HOME
            return lambda: make_enterprise(region=HOME)

        @pytest.fixture
        def make_out_of_scope(self, make_enterprise):   # () -> an object in OTHER
            return lambda: make_enterprise(region=OTHER)

        def valid_data(self):    # POST data that creates (or, posted to an edit page, changes) an object
            ...
        def invalid_data(self):  # POST data the form must reject
            ...

A model the UI only lists and shows subclasses `ReadOnlyObjectViewTestSuite` (no form data
needed); the page mixins (ListViewTests, DetailViewTests, AddViewTests, EditViewTests,
DeleteViewTests) combine freely for anything in between.

URL names follow the model (`<app_label>:<model_name>_list` …); set `url_base` to override.
Permitted users are made with `permitted_roles[action]` in HOME. The "no permission" user has a
test-only role granting every view permission and nothing else (for the view tests: every view
permission but this model's), so the suite does not depend on which real role lacks what."""
import itertools

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from wagecase.core.models import ObjectChange, User
from wagecase.core.roles import ROLE_PERMISSIONS

HOME = "620502"
OTHER = "620503"
LIMITED_ROLE = "test_limited"

_counter = itertools.count(1)


class ViewTestBase:
    """Helpers and fixtures shared by the page mixins below."""

    model = None
    url_base = None  # default "<app_label>:<model_name>"
    permitted_roles = {}
    # List page: rows to create and the most queries allowed to render a page of them.
    list_rows = 31
    list_max_queries = 8

    # --- What a subclass supplies ---------------------------------------------------------------

    @pytest.fixture
    def make_in_scope(self):
        raise NotImplementedError("return a callable that creates an object in HOME")

    @pytest.fixture
    def make_out_of_scope(self):
        raise NotImplementedError("return a callable that creates an object outside HOME's jurisdiction")

    def valid_data(self):
        raise NotImplementedError

    def invalid_data(self):
        raise NotImplementedError

    def edit_data(self, obj):
        """POST data for editing `obj` (default: valid_data(), which must differ from obj)."""
        return self.valid_data()

    # --- Helpers ----------------------------------------------------------------------------------

    def url(self, page, obj=None):
        base = self.url_base or f"{self.model._meta.app_label}:{self.model._meta.model_name}"
        return reverse(f"{base}_{page}", kwargs={"pk": obj.pk} if obj is not None else None)

    def snapshot(self, obj):
        """The stored state of an object (None once deleted)."""
        fresh = self.model._base_manager.filter(pk=obj.pk).first()
        if fresh is None:
            return None
        return {f.attname: getattr(fresh, f.attname) for f in self.model._meta.concrete_fields}

    def assert_login_redirect(self, response):
        assert response.status_code == 302, response.status_code
        assert response.url.startswith(reverse("login")), response.url

    def changes(self, obj=None, action=None):
        content_type = ContentType.objects.get_for_model(self.model, for_concrete_model=True)
        changes = ObjectChange.objects.filter(changed_object_type=content_type)
        if obj is not None:
            changes = changes.filter(changed_object_id=str(obj.pk))
        if action is not None:
            changes = changes.filter(action=action)
        return changes

    @pytest.fixture
    def permitted_client(self, client, make_user):
        """A client logged in as a user of `permitted_roles[action]` in HOME."""

        def login(action):
            user = make_user(self.permitted_roles[action], HOME)
            client.force_login(user)
            client.user = user
            return client

        return login

    @pytest.fixture
    def limited_client(self, client, db, monkeypatch):
        """A client logged in as a HOME user whose role grants exactly `perms`."""

        def login(perms):
            monkeypatch.setitem(ROLE_PERMISSIONS, LIMITED_ROLE, list(perms))
            user = User.objects.create(username=f"limited-{next(_counter)}", role=LIMITED_ROLE, jurisdiction_id=HOME)
            client.force_login(user)
            return client

        return login

    def all_but(self, action):
        """Permissions of a user who lacks exactly `app.<action>_<model>` (and any other write)."""
        if action != "view":
            return ["*.view_*"]
        own = f"{self.model._meta.app_label}.view_{self.model._meta.model_name}"
        every_view = [f"{m._meta.app_label}.view_{m._meta.model_name}" for m in apps.get_models()]
        return [perm for perm in every_view if perm != own]


class ListViewTests(ViewTestBase):

    def test_list_anonymous(self, client, make_in_scope):
        self.assert_login_redirect(client.get(self.url("list")))

    def test_list_permitted_shows_only_scope(self, permitted_client, make_in_scope, make_out_of_scope):
        client = permitted_client("view")
        inside, outside = make_in_scope(), make_out_of_scope()
        response = client.get(self.url("list"))
        assert response.status_code == 200
        shown = set(response.context["filter"].qs.values_list("pk", flat=True))
        assert inside.pk in shown
        assert outside.pk not in shown

    def test_list_no_permission(self, limited_client):
        assert limited_client(self.all_but("view")).get(self.url("list")).status_code == 403

    def test_list_query_ceiling(self, permitted_client, make_in_scope, django_assert_max_num_queries):
        client = permitted_client("view")
        for _ in range(self.list_rows):
            make_in_scope()
        client.get(self.url("list"))  # warm per-process caches (calendar, content types)
        with django_assert_max_num_queries(self.list_max_queries):
            response = client.get(self.url("list"))
        assert response.status_code == 200
        assert len(response.context["table"].page.object_list) >= min(self.list_rows, 50)


class DetailViewTests(ViewTestBase):

    def test_detail_anonymous(self, client, make_in_scope):
        self.assert_login_redirect(client.get(self.url("detail", make_in_scope())))

    def test_detail_permitted(self, permitted_client, make_in_scope):
        client = permitted_client("view")
        obj = make_in_scope()
        response = client.get(self.url("detail", obj))
        assert response.status_code == 200
        assert response.context["object"] == obj
        for key, _label in response.context["tabs"][1:]:
            assert client.get(self.url("detail", obj), {"tab": key}).status_code == 200

    def test_detail_no_permission(self, limited_client, make_in_scope):
        client = limited_client(self.all_but("view"))
        obj = make_in_scope()
        assert client.get(self.url("detail", obj)).status_code == 403

    def test_detail_out_of_scope(self, permitted_client, make_out_of_scope):
        client = permitted_client("view")
        obj = make_out_of_scope()
        assert client.get(self.url("detail", obj)).status_code == 404


class AddViewTests(ViewTestBase):

    def test_add_anonymous(self, client, db):
        before = self.model.objects.count()
        self.assert_login_redirect(client.get(self.url("add")))
        self.assert_login_redirect(client.post(self.url("add"), self.valid_data()))
        assert self.model.objects.count() == before

    def test_add_permitted(self, permitted_client):
        client = permitted_client("add")
        assert client.get(self.url("add")).status_code == 200
        before = self.model.objects.count()
        response = client.post(self.url("add"), self.valid_data())
        assert response.status_code == 302, response.context["form"].errors if response.context else response
        assert self.model.objects.count() == before + 1
        change = self.changes(action="create").latest("pk")
        assert change.user == client.user
        assert change.source == "web"
        obj = self.model.objects.get(pk=self.model._meta.pk.to_python(change.changed_object_id))
        assert response.url == self.url("detail", obj)

    def test_add_invalid_saves_nothing(self, permitted_client):
        client = permitted_client("add")
        before, logged = self.model.objects.count(), self.changes().count()
        response = client.post(self.url("add"), self.invalid_data())
        assert response.status_code == 200
        assert response.context["form"].errors
        assert self.model.objects.count() == before
        assert self.changes().count() == logged

    def test_add_no_permission(self, limited_client, db):
        client = limited_client(self.all_but("add"))
        before = self.model.objects.count()
        assert client.get(self.url("add")).status_code == 403
        assert client.post(self.url("add"), self.valid_data()).status_code == 403
        assert self.model.objects.count() == before


class EditViewTests(ViewTestBase):

    def test_edit_anonymous(self, client, make_in_scope):
        obj = make_in_scope()
        state = self.snapshot(obj)
        self.assert_login_redirect(client.get(self.url("edit", obj)))
        self.assert_login_redirect(client.post(self.url("edit", obj), self.edit_data(obj)))
        assert self.snapshot(obj) == state

    def test_edit_permitted(self, permitted_client, make_in_scope):
        client = permitted_client("change")
        obj = make_in_scope()
        assert client.get(self.url("edit", obj)).status_code == 200
        state = self.snapshot(obj)
        response = client.post(self.url("edit", obj), self.edit_data(obj))
        assert response.status_code == 302, response.context["form"].errors if response.context else response
        assert self.snapshot(obj) != state
        change = self.changes(obj, "update").latest("pk")
        assert change.user == client.user
        assert change.source == "web"
        assert change.prechange_data and change.postchange_data

    def test_edit_invalid_saves_nothing(self, permitted_client, make_in_scope):
        client = permitted_client("change")
        obj = make_in_scope()
        state, logged = self.snapshot(obj), self.changes(obj).count()
        response = client.post(self.url("edit", obj), self.invalid_data())
        assert response.status_code == 200
        assert response.context["form"].errors
        assert self.snapshot(obj) == state
        assert self.changes(obj).count() == logged

    def test_edit_no_permission(self, limited_client, make_in_scope):
        client = limited_client(self.all_but("change"))
        obj = make_in_scope()
        state = self.snapshot(obj)
        assert client.get(self.url("edit", obj)).status_code == 403
        assert client.post(self.url("edit", obj), self.edit_data(obj)).status_code == 403
        assert self.snapshot(obj) == state

    def test_edit_out_of_scope(self, permitted_client, make_out_of_scope):
        client = permitted_client("change")
        obj = make_out_of_scope()
        state = self.snapshot(obj)
        assert client.get(self.url("edit", obj)).status_code == 404
        assert client.post(self.url("edit", obj), self.edit_data(obj)).status_code == 404
        assert self.snapshot(obj) == state


class DeleteViewTests(ViewTestBase):

    def test_delete_anonymous(self, client, make_in_scope):
        obj = make_in_scope()
        self.assert_login_redirect(client.get(self.url("delete", obj)))
        self.assert_login_redirect(client.post(self.url("delete", obj)))
        assert self.snapshot(obj) is not None

    def test_delete_permitted(self, permitted_client, make_in_scope):
        client = permitted_client("delete")
        obj = make_in_scope()
        assert client.get(self.url("delete", obj)).status_code == 200
        response = client.post(self.url("delete", obj))
        assert response.status_code == 302
        assert response.url == self.url("list")
        assert self.snapshot(obj) is None
        change = self.changes(obj, "delete").get()
        assert change.user == client.user
        assert change.source == "web"
        assert change.prechange_data and change.postchange_data is None

    def test_delete_no_permission(self, limited_client, make_in_scope):
        client = limited_client(self.all_but("delete"))
        obj = make_in_scope()
        assert client.get(self.url("delete", obj)).status_code == 403
        assert client.post(self.url("delete", obj)).status_code == 403
        assert self.snapshot(obj) is not None

    def test_delete_out_of_scope(self, permitted_client, make_out_of_scope):
        client = permitted_client("delete")
        obj = make_out_of_scope()
        assert client.get(self.url("delete", obj)).status_code == 404
        assert client.post(self.url("delete", obj)).status_code == 404
        assert self.snapshot(obj) is not None


class ObjectViewTestSuite(ListViewTests, DetailViewTests, AddViewTests, EditViewTests, DeleteViewTests):
    """Every page of a model with list, detail, add, edit and delete."""


class ReadOnlyObjectViewTestSuite(ListViewTests, DetailViewTests):
    """A model the UI only lists and shows (regions, users)."""
