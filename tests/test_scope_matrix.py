"""The scope matrix (issue 11): every route of the URLconf — pages, API, public pages, exports,
downloads, search, figures, dashboard, reports — called as anonymous, as each role in scope of a
record and as each role out of scope, with the status each must answer. Zero leaks.

Nothing lists the routes by hand: they come from walking `get_resolver()` (the API router's
routes included), so a new route is covered — and counted — without editing this file. Its path
parameters are filled from the world of tests/scope_matrix_world.py: the record named by a route
is the `ours` zone's (housing, 秦州区 620502) — the model comes from the parameter (`code` is a
project, `number` a clue, `uscc` an enterprise…) or from the view's queryset (`pk`), and the
record chosen is one the model's own scope (`restrict`) shows to `ours`' callers and hides from
every out-of-scope caller.

What each caller must get, for a GET:

- anonymous: a page → 302 to the login page; the API → 401; public routes (public pages, the
  public API, health, login, the API schema) → 200 (or their own 404 for what is not published).
- in scope: anything but 404 and 5xx (200; 403 where the role lacks the permission; 405 where the
  route takes no GET; 302/409 where a form or state sends elsewhere). 404 only where the model's
  scope hides the record from that user too (someone else's notification or job).
- out of scope (another county's inspector, clerk and head; an administrator of another city; a
  bureau of another industry; a bureau of another city) — any caller the model's scope hides the
  record from: 404 for any route that names a record (detail, sub-resource, document, download,
  action); anything else only if it is exactly what a record that does not exist gets (403 where
  the role, not the record, is refused; 400 where the body is checked first), never a 2xx/3xx;
- the admin site (every route of it: index, changelists, add, change, history, delete, password,
  view on site, autocomplete, its catch-all): a caller it does not show a record to gets exactly
  the answer for a record that does not exist (a 302 to its index or to its login, or 403), sent to
  the same place; the record's visibility is its admin's (view permission and queryset).
- routes without a record (lists, figures, dashboards, search, the admin's changelists): any
  caller may get 200, but the body (HTML, JSON, the text of a spreadsheet) contains no text of a
  record the model's scope hides from that caller (a zone's marker, project code and name, clue
  number, enterprises' USCCs). Exports are POSTed, their job run and the file read the same way.
- routes without a GET that name a record (actions): POSTed (or DELETEd) empty by each
  out-of-scope caller → 404 (or what a record that does not exist gets), and nothing changes (the
  change log, notifications, jobs and timeline events keep their counts).

The figures (routes × callers) are printed with -s and written to var/scope_matrix.txt."""
import io
import re
import time
import uuid
import zipfile
from collections import Counter

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from tests import scope_matrix_world as matrix
from tests.integrations.test_bureau_scope import client_for

# --- What is not called ---------------------------------------------------------------------------
# route prefix -> why. Every other route of the URLconf is called (asserted below). Empty: every route
# is called, the admin site's included (its forms and history through its own scope, see ADMIN below).
EXCLUDED_PREFIXES = {}
# Routes anyone may call without logging in (by namespace or name), with their answer to anonymous.
PUBLIC_NAMESPACES = ("public", "public_draws", "public_blacklist")
PUBLIC_NAMES = ("healthz", "login", "api-schema", "api-docs", "admin:login", "admin:logout", "logout", "set_language")
# Models whose admin pages every administrator may read, in no jurisdiction (nothing to keep out).
GLOBAL_ADMIN_MODELS = {
    "core.CalendarYear": "the national holiday calendar: read by every administrator, changed by superusers",
    "core.CalendarDay": "the national holiday calendar: read by every administrator, changed by superusers",
}

# --- Path parameters ------------------------------------------------------------------------------
# A parameter that names a record of this model, whatever the view (the `pk` of a route is the
# model of the view's queryset, unless named in PK_MODEL).
PARAM_MODEL = {
    "code": "projects.Project",
    "number": "complaints.Clue",
    "uscc": "core.Enterprise",
    "enterprise_pk": "core.Enterprise",
    "campaign_pk": "inspections.Campaign",
    "content_type_id": "complaints.Clue",  # the generic routes (journal, PII reveal) are called on a clue
}
PK_MODEL = {
    # route name -> model of its `pk` where the view's queryset is of the parent record
    "projects:drawdown_topup": "projects.DepositDrawdown",
    "projects:subcontractor_remove": "projects.ProjectSubcontractor",
    "public_blacklist:violation": "blacklist.PublicationBatch",
    "public_blacklist:violation_xlsx": "blacklist.PublicationBatch",
    "public_blacklist:violation_pdf": "blacklist.PublicationBatch",
    "public_draws:draw": "inspections.Draw",
    "inspections:draw_add": "inspections.Campaign",
    "complaints:notification_read": "core.Notification",
    "inspections:inspectionphoto_file": "inspections.InspectionPhoto",
    "core:job_detail": "core.Job",
    "core:job_download": "core.Job",
    "blacklist:export_download": "blacklist.CreditExport",
    "reports:report_download": "reports.Report",
    "reports:report_action": "reports.Report",
}
# Parameters that name no record: a value the route accepts.
VALUES = {
    "action": {"complaints:clue_action": "accept", "complaints:arrearscase_action": "payment",
               "blacklist:listing_action": "note"},
    "verb": {"reports:report_action": "sign"},
    "field": {"core:pii_reveal": "complainant_phone"},
    "app_label": {"admin:app_list": "core"},
    "url": {"admin:None": "no-such-page/"},  # the admin's catch-all (unnamed, in the admin namespace)
}
# A second record parameter: a child of the first record (attribute path from it).
CHILD = {
    "entry": lambda batch: batch.entries.order_by("pk").first().pk,
    "entry_id": lambda batch: batch.entries.order_by("pk").first().pk,
    "objection_id": lambda listing: listing.objections.order_by("pk").first().pk,
    "delivery_id": lambda subscription: subscription.deliveries.order_by("pk").first().pk,
}

# Who exports (each list export is run as a background job and its file read): one caller of the
# county, one of another county, one of another city.
EXPORT_CALLERS = ("inspector", "inspector@other_county", "admin@other_city")
# Routes of an API client about itself: its own records only, whatever the model's scope says.
SELF_ROUTES = {"api/v1/clients/me/": "bureau"}
# Views that scope by the model's scope filter alone, without the model permission (see visible()).
SCOPE_FILTER_VIEWS = {"WebhookSubscriptionViewSet"}
# Routes answering 404 for a record in scope when the sub-resource they name does not exist (with the reason).
ABSENT_OK = {}

SERVER_ERROR = range(500, 600)


# --- Routes ---------------------------------------------------------------------------------------


def walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(x for x in (namespace, pattern.namespace) if x) or None
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


class Route:
    def __init__(self, route, name, pattern, prefix_patterns):
        self.route, self.name, self.pattern = route, name, pattern
        self.regex = re.compile("".join(prefix_patterns))
        self.params = list(self.regex.groupindex)
        callback = pattern.callback
        self.view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        self.actions = getattr(callback, "actions", None)
        self.api = route.startswith("api/v1/")
        namespace = name.split(":")[0] if name and ":" in name else ""
        self.public = namespace in PUBLIC_NAMESPACES or name in PUBLIC_NAMES or (
            self.api and self.view is not None and _allows_any(self.view))
        self.admin = route.startswith("admin/")
        self.admin_model = None  # the model whose admin pages the route is under
        if self.admin:
            from django.apps import apps

            match = re.match(r"^admin/(\w+)/(\w+)/", route)
            if match:
                try:
                    self.admin_model = apps.get_model(*match.groups())
                except LookupError:
                    pass

    @property
    def label(self):
        return f"{self.route} [{self.name}]"

    @property
    def methods(self):
        if self.actions:
            return set(self.actions)
        if self.view is None:
            return {"get"}
        return {m for m in getattr(self.view, "http_method_names", ()) if hasattr(self.view, m) and m not in ("options", "head")}

    @property
    def record_params(self):
        return [p for p in self.params if self.name not in VALUES.get(p, {})]

    @property
    def redirect(self):
        from django.views.generic import RedirectView

        return isinstance(self.view, type) and issubclass(self.view, RedirectView)

    @property
    def view_name(self):
        return getattr(self.view, "__name__", "")

    @property
    def self_only(self):
        """The only caller whose own records the route names (the API clients' `me` routes)."""
        return SELF_ROUTES.get(next((p for p in SELF_ROUTES if self.route.replace("^", "").startswith(p)), None))

    @property
    def export(self):
        from wagecase.core.views.generic import ObjectExportView

        return isinstance(self.view, type) and issubclass(self.view, ObjectExportView)

    def queryset(self):
        """Where the named record is looked for: the view's own queryset when the route's first
        parameter is its lookup (a report route of one kind), else the model's."""
        model = self.model()
        queryset = getattr(self.view, "queryset", None)
        if queryset is not None and queryset.model is model and self.record_params[0] in ("pk", getattr(
                self.view, "lookup_url_kwarg", None), getattr(self.view, "lookup_field", None)):
            return queryset.model._default_manager.filter(pk__in=queryset.values("pk"))
        return model._default_manager.all()

    def model(self):
        """The model of the record the route names (its first record parameter)."""
        from django.apps import apps

        first = self.record_params[0]
        if self.admin_model is not None:
            return self.admin_model
        queryset = getattr(self.view, "queryset", None)
        if self.api and queryset is not None and first in (getattr(self.view, "lookup_url_kwarg", None),
                                                           getattr(self.view, "lookup_field", None)):
            return queryset.model  # the viewset's own record (a region's `code`)
        if first in PARAM_MODEL:
            return apps.get_model(PARAM_MODEL[first])
        if self.name in PK_MODEL:
            return apps.get_model(PK_MODEL[self.name])
        if queryset is not None:
            return queryset.model
        model = getattr(self.view, "model", None)
        if model is not None and not isinstance(model, property):
            return model
        raise LookupError(f"{self.label}: no model for {first}: add it to PK_MODEL")

    def lookup(self, obj, param):
        """The URL value of `obj` for the record parameter `param`."""
        if param in ("code", "number", "uscc"):
            return getattr(obj, param)
        if self.api and param in (getattr(self.view, "lookup_url_kwarg", None), getattr(self.view, "lookup_field", None)):
            return getattr(obj, getattr(self.view, "lookup_field", "pk"))
        return obj.pk

    def fill(self, obj):
        """Keyword arguments naming `obj` (and, for a second record parameter, its first child)."""
        from django.contrib.contenttypes.models import ContentType

        kwargs = {}
        for param in self.params:
            if self.name in VALUES.get(param, {}):
                kwargs[param] = VALUES[param][self.name]
            elif param == "content_type_id":
                kwargs[param] = ContentType.objects.get_for_model(obj).pk
            elif param in CHILD:
                kwargs[param] = CHILD[param](obj)
            elif param == "pk" and "code" in self.params:
                kwargs[param] = self.model_pk_child(obj)
            elif param == "pk" and "content_type_id" in self.params:
                kwargs[param] = obj.pk
            else:
                kwargs[param] = self.lookup(obj, param)
        return kwargs

    def model_pk_child(self, project):
        from django.apps import apps

        model = apps.get_model(PK_MODEL[self.name])
        return model._base_manager.filter(project=project).order_by("pk").first().pk

    def url(self, kwargs):
        """The path for these arguments, from the route's own regex (router routes are regexes)."""
        path = self.route
        for param, value in kwargs.items():
            path = re.sub(r"\(\?P<%s>(?:[^()]|\([^()]*\))*\)" % param, lambda _m: str(value), path)
            path = re.sub(r"<(?:\w+:)?%s>" % param, lambda _m: str(value), path)
        path = "/" + path.replace("^", "").replace("$", "").replace("\\.", ".")
        assert self.regex.match(path[1:]), f"{self.label}: {path} does not match its own pattern"
        return path

    def missing(self, kwargs):
        """The same arguments, the record parameters naming records that do not exist."""
        out = dict(kwargs)
        for param in self.params:
            if self.name in VALUES.get(param, {}) or param == "content_type_id":
                continue
            for value in ("987654321", "999999999999999999", str(uuid.UUID(int=1)), "P-NOWHERE"):
                trial = dict(out, **{param: value})
                try:
                    self.url(trial)
                except AssertionError:
                    continue
                out = trial
                break
        return out


def _allows_any(view):
    from rest_framework.permissions import AllowAny

    return any(isinstance(p, type) and issubclass(p, AllowAny) for p in getattr(view, "permission_classes", ()))


def all_routes():
    """(included routes, excluded routes) of the URLconf."""
    out = []

    def inner(patterns, prefix="", namespace=None, regexes=()):
        for pattern in patterns:
            regex = pattern.pattern.regex.pattern
            regex = regex[1:] if regex.startswith("^") else regex
            if isinstance(pattern, URLResolver):
                ns = ":".join(x for x in (namespace, pattern.namespace) if x) or None
                inner(pattern.url_patterns, prefix + str(pattern.pattern), ns, (*regexes, regex.rstrip("$")))
            else:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                out.append(Route(prefix + str(pattern.pattern), name, pattern, ("^", *regexes, regex)))

    inner(get_resolver().url_patterns)
    def called(route):
        return not EXCLUDED_PREFIXES or not route.route.startswith(tuple(EXCLUDED_PREFIXES))

    included = [r for r in out if called(r)]
    excluded = [r for r in out if not called(r)]
    return included, excluded


# --- Calling --------------------------------------------------------------------------------------


def body_text(response):
    """The text of an answer: HTML or JSON as is, a spreadsheet's (zip of XML) text; not a PDF's."""
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if content[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                return " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist() if n.endswith(".xml"))
        except zipfile.BadZipFile:
            pass
    if content[:4] == b"%PDF":
        return ""
    return content.decode("utf-8", "replace")


def visible(route, queryset, user):
    """The records of `queryset` the user may see through the route: the model's scope (`restrict`;
    for the `me` routes and webhooks its scope filter alone);
    on the admin site, what the model's admin shows a staff user (its view permission and queryset),
    or for Django's own pages there (view on site) the model's scope, to staff only."""
    if route.self_only or route.view_name in SCOPE_FILTER_VIEWS:
        # An API client's `me` routes and its webhooks answer from the model's scope filter (its own
        # client's rows), without the model permission: a bureau has no "view_apitoken", yet sees its keys.
        condition = queryset.model.scope_filter(user)
        return queryset.none() if condition is None else queryset.filter(condition)
    if not route.admin:
        return queryset.all().restrict(user, "view")
    from django.contrib import admin
    from django.test import RequestFactory

    if not (user.is_active and user.is_staff):
        return queryset.none()
    model_admin = admin.site._registry.get(queryset.model)
    if model_admin is None:
        return queryset.all().restrict(user, "view")
    request = RequestFactory().get("/admin/")
    request.user = user
    if not model_admin.has_view_or_change_permission(request):
        return queryset.none()
    return queryset.filter(pk__in=model_admin.get_queryset(request).values("pk"))


def where(response, kwargs):
    """Where a redirect sends, the URL's own values replaced by their names (a record's id in
    `/admin/core/enterprise/5/change/` or in `?next=` says nothing; its page's address does)."""
    location = response.get("Location", "")
    for param, value in kwargs.items():
        location = location.replace(f"/{value}/", f"/{{{param}}}/").replace(f"%2F{value}%2F", f"%2F{{{param}}}%2F")
    return location


def candidates(route, queryset, users):
    """Records of the queryset, best first: seen by the most of `ours`' in-scope callers and by no
    out-of-scope caller, per the model's own scope (or, on the admin site, its admin). A record that
    no caller sees (an operators-only admin page) is taken as it comes. [(obj, whether every
    out-of-scope caller is kept out)]"""
    seen = {name: set(visible(route, queryset, users[name]).values_list("pk", flat=True))
            for name in (*matrix.IN_SCOPE, *matrix.OUT_OF_SCOPE)}
    outside = set().union(*(seen[name] for name in matrix.OUT_OF_SCOPE))
    scores = Counter(pk for name in matrix.IN_SCOPE for pk in seen[name])
    ranked = sorted(scores, key=lambda pk: (pk in outside, -scores[pk], str(pk)))[:20]
    if not ranked:
        ranked = list(queryset.order_by("pk").values_list("pk", flat=True)[:20])
    # By the primary key's value (a DRF TokenProxy's `pk` property is its user's id, as in its URLs).
    objects = {o._meta.pk.value_from_object(o): o for o in queryset.model._default_manager.filter(pk__in=ranked)}
    return [(objects[pk], pk not in outside) for pk in ranked]


class Matrix:
    """Calls every route as every caller; collects rows (route, caller, method, status, problem)."""

    WRITE_COUNTS = ("core.ObjectChange", "core.Notification", "core.Job", "core.JournalEntry", "core.PiiAccessLog",
                    "complaints.ClueEvent", "complaints.CaseEvent", "blacklist.ListingEvent")

    def __init__(self, world):
        from django.apps import apps

        self.world = world
        self.users = world["users"]
        self.clients = {}
        for name, (_role, _region, _zones, kind) in matrix.CALLERS.items():
            user = self.users[name]
            if user is None:
                self.clients[name] = {"page": Client(), "api": APIClient()}
                continue
            api = client_for(world["tokens"][name]) if name in world["tokens"] else client_for(user)
            page = None
            if kind == "page":
                page = Client()
                page.force_login(user)
            self.clients[name] = {"page": page, "api": api}
        # What each caller must not be shown: the texts of records its scope hides.
        self.forbidden = {}
        for name, user in self.users.items():
            if user is None:
                continue
            self.forbidden[name] = {
                text: f"{zone}:{label}" for zone, texts in world["markers"].items() for text, label, pk in texts
                if not apps.get_model(label)._default_manager.restrict(user, "view").filter(pk=pk).exists()}
        self.rows = []
        self.exports = 0
        self.kept_out = {}  # record route -> out-of-scope callers its record is hidden from
        self.records = {}  # route label -> (model, pk, whether every out-of-scope caller is kept out)
        self.scanned = 0

    def client(self, caller, route):
        return self.clients[caller]["api" if route.api else "page"]

    def callers(self, route):
        return [c for c in matrix.CALLERS if c != "anonymous" and self.client(c, route) is not None]

    def call(self, caller, route, method, url):
        from django.core.cache import cache

        cache.clear()  # rate-limit counters of the public pages and the API clients
        client = self.client(caller, route)
        if method == "get":
            return client.get(url)
        return getattr(client, method)(url, {}, format="json") if route.api else getattr(client, method)(url, {})

    def record(self, route, caller, method, status, problem=""):
        self.rows.append((route.label, caller, method, status, problem))

    def leaks(self, caller, response):
        """The texts in a 200 answer that the caller's scope hides."""
        if response.status_code != 200 or caller not in self.forbidden:
            return ""
        text = body_text(response)
        self.scanned += 1
        leaked = sorted({where + " " + t for t, where in self.forbidden[caller].items() if t in text})
        return f"LEAK {leaked}" if leaked else ""

    def check_anonymous(self, route, method, url):
        response = self.call("anonymous", route, method, url)
        status, problem = response.status_code, ""
        if route.public:
            problem = "" if status in (200, 302, 404, 405) else "public route refused"
        elif route.redirect:
            problem = "" if status in (301, 302) else "redirect expected"
        elif route.admin:
            problem = "" if status == 302 and response["Location"].startswith(reverse("admin:login")) else (
                "admin page must redirect to the admin login")
        elif route.api:
            problem = "" if status == 401 else "API without credentials must be 401"
        elif not (status == 302 and response["Location"].split("?")[0] == reverse(settings.LOGIN_URL)):
            problem = "page must redirect to the login page"
        self.record(route, "anonymous", method, status, problem)

    def run_unnamed(self, route):
        """A route naming no record: any caller may be answered, never with what its scope hides."""
        url = route.url({p: VALUES[p][route.name] for p in route.params})
        if "get" not in route.methods:
            self.check_anonymous(route, sorted(route.methods)[0], url)
            if route.export:
                self.run_export(route, url)
            return
        self.check_anonymous(route, "get", url)
        # A public route answers everyone alike (the API schema takes seconds): two logged-in callers suffice.
        callers = [c for c in self.callers(route) if not route.public or c in ("inspector", "bureau")]
        for caller in callers:
            response = self.call(caller, route, "get", url)
            status = response.status_code
            problem = "server error" if status in SERVER_ERROR else "" if route.public else self.leaks(caller, response)
            self.record(route, caller, "get", status, problem)

    def run_export(self, route, url):
        """An export (POST, a background job, then its file): the file holds nothing the caller's
        scope hides."""
        from wagecase.core.models import Job
        from wagecase.core.services import job_run

        for caller in EXPORT_CALLERS:
            user = self.users[caller]
            before = set(Job.objects.filter(user=user).values_list("pk", flat=True))
            response = self.call(caller, route, "post", url)
            jobs = Job.objects.filter(user=user).exclude(pk__in=before)
            problem = "server error" if response.status_code in SERVER_ERROR else ""
            if response.status_code == 302 and jobs.count() == 1:
                job = job_run(job_id=jobs.get().pk)
                download = self.clients[caller]["page"].get(reverse("core:job_download", kwargs={"pk": job.pk}))
                problem = self.leaks(caller, download) if download.status_code == 200 else f"download {download.status_code}"
                self.exports += 1
            elif response.status_code != 403:
                problem = problem or f"no export job ({response.status_code})"
            self.record(route, caller, "post", response.status_code, problem)

    def run_named(self, route):
        """A route naming a record of `ours`: called by every caller, in scope or not."""
        queryset = route.queryset()
        method = "get" if "get" in route.methods else sorted(route.methods - {"get"})[0]
        chosen = None
        for obj, separated in candidates(route, queryset, self.users):
            try:
                kwargs = route.fill(obj)  # a record with the children the route names
            except AttributeError:
                continue
            chosen = chosen or (obj, separated, kwargs)
            # A route about records in a certain state (a decision's PDF: a decided listing) answers
            # 404 for the others: the record is one an in-scope caller gets, whatever the ids' order.
            if method == "get" and not route.public and self.in_scope_404(route, queryset, obj, kwargs):
                continue
            chosen = (obj, separated, kwargs)
            break
        if chosen is None:
            raise AssertionError(f"{route.label}: no {queryset.model._meta.label} in the world (with the children it names)")
        obj, separated, kwargs = chosen
        self.records[route.label] = (queryset.model._meta.label, obj.pk, separated)
        missing_kwargs = route.missing(kwargs)
        url, absent = route.url(kwargs), route.url(missing_kwargs)
        self.check_anonymous(route, method, url)
        if route.public:
            for caller in self.callers(route):
                status = self.call(caller, route, method, url).status_code
                self.record(route, caller, method, status, "" if status in (200, 404) else "public route refused")
            return
        before = self.write_counts() if method != "get" else None
        self.kept_out[route.label] = []
        for caller in self.callers(route):
            user = self.users[caller]
            seen = visible(route, queryset, user).filter(pk=obj._meta.pk.value_from_object(obj)).exists()
            if route.self_only:
                seen = seen and caller == route.self_only
            if not seen and caller in matrix.OUT_OF_SCOPE:
                self.kept_out[route.label].append(caller)
            if method != "get" and seen:
                continue  # writes in scope are tested elsewhere; this is about keeping out
            response = self.call(caller, route, method, url)
            status, problem = response.status_code, ""
            if status in SERVER_ERROR:
                problem = "server error"
            elif seen:
                if status == 404 and route.name not in ABSENT_OK:
                    problem = "404 for a record in scope"
                else:
                    problem = self.leaks(caller, response)
            elif route.admin:
                # The admin site answers a record it does not show as one that does not exist: a 302
                # (to its index, or to its login for someone not staff) or 403 where the model is not
                # the caller's; the same answer, to the same place, for both.
                other = self.call(caller, route, method, absent)
                answer = (status, where(response, kwargs))
                if 200 <= status < 300 or answer != (other.status_code, where(other, missing_kwargs)):
                    problem = f"LEAK: {answer} where a record that does not exist gets {(other.status_code, where(other, missing_kwargs))}"
            elif status != 404:
                missing = self.call(caller, route, method, absent).status_code
                if status < 400 or status != missing:
                    problem = f"LEAK: {status} where a record that does not exist gets {missing}"
            self.record(route, caller, method, status, problem)
        if before is not None and before != self.write_counts():
            self.record(route, "out of scope", method, 0, f"CHANGED {before} -> {self.write_counts()}")

    def in_scope_404(self, route, queryset, obj, kwargs):
        """Whether the first in-scope caller that sees `obj` gets 404 for it (GET only)."""
        pk = obj._meta.pk.value_from_object(obj)
        for caller in matrix.IN_SCOPE:
            user = self.users[caller]
            if self.client(caller, route) is None or not visible(route, queryset, user).filter(pk=pk).exists():
                continue
            if route.self_only and caller != route.self_only:
                continue
            return self.call(caller, route, "get", route.url(kwargs)).status_code == 404
        return False

    def write_counts(self):
        from django.apps import apps

        return tuple(apps.get_model(label)._base_manager.count() for label in self.WRITE_COUNTS)

    def run(self, routes):
        self.timings = {}
        for route in routes:
            started = time.monotonic()
            if route.record_params:
                self.run_named(route)
            else:
                self.run_unnamed(route)
            self.timings[route.label] = time.monotonic() - started


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    from django.core.cache import cache

    from wagecase.core import policy, workdays

    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as monkeypatch:
        with transaction.atomic():
            policy.clear_cache()
            workdays.clear_cache()
            cache.clear()
            yield matrix.build(monkeypatch)
            transaction.set_rollback(True)
        policy.clear_cache()
        workdays.clear_cache()
        cache.clear()


@pytest.fixture(scope="module")
def ran(world, django_db_blocker):
    routes, excluded = all_routes()
    started = time.monotonic()
    with django_db_blocker.unblock():
        m = Matrix(world)
        m.run(routes)
    m.elapsed = time.monotonic() - started
    m.routes, m.excluded = routes, excluded
    out = settings.BASE_DIR / "var"
    out.mkdir(exist_ok=True)
    (out / "scope_matrix.txt").write_text(figures(m) + "\n\n" + "\n".join(
        "\t".join(str(x) for x in row) for row in m.rows) + "\n", encoding="utf-8")
    return m


def rows_of(ran, callers=None, problem=True):
    return [row for row in ran.rows if (callers is None or row[1] in callers) and (bool(row[4]) or not problem)]


def test_every_route_of_the_urlconf_is_called(ran, db):
    everything = list(walk(get_resolver().url_patterns))
    called = {row[0] for row in ran.rows}
    assert called == {route.label for route in ran.routes}
    assert ran.excluded == [] and len(called) == len(everything), "every route of the URLconf is called"
    named = [r for r in ran.routes if r.record_params]
    assert len(ran.records) == len(named) and ran.exports > 0
    print(f"\n{figures(ran)}")


def test_anonymous_is_sent_to_login_or_refused(ran, db):
    """Pages: 302 to the login page; API: 401; public routes: 200 (or 404 for what is not published)."""
    assert rows_of(ran, ["anonymous"]) == []


def test_callers_in_scope_reach_the_record_and_see_nothing_else(ran, db):
    """Not 404 (nor 5xx) for a record in scope; 200s without another zone's texts."""
    assert rows_of(ran, matrix.IN_SCOPE) == []


def test_callers_out_of_scope_get_404_and_see_nothing(ran, db):
    """404 — exactly what a record that does not exist gets — for any route naming a record out of
    scope (GET, and the POST/DELETE of actions); lists, figures and exports without its texts."""
    assert rows_of(ran, matrix.OUT_OF_SCOPE) == []


def test_refused_actions_change_nothing(ran, db):
    assert rows_of(ran, ["out of scope"]) == []


def test_every_record_route_was_tried_out_of_scope(ran, db):
    """Each route naming a record was called with one that some out-of-scope caller may not see
    (at least another county's or another city's; a region, say, is visible to a bureau of the same city)."""
    public = {r.label for r in ran.routes if r.public}
    global_admin = {label for label, (model, _pk, _separated) in ran.records.items() if model in GLOBAL_ADMIN_MODELS}
    untried = sorted(label for label, callers in ran.kept_out.items()
                     if label not in public and label not in global_admin and not callers)
    assert untried == []


def test_the_leak_scan_sees_what_a_superuser_may_see(world, db):
    """Control: the texts forbidden to out-of-scope callers are in a superuser's lists, so that
    clean scans mean something."""
    page = Client()
    page.force_login(world["superuser"])
    api = client_for(world["superuser"])
    texts = {text for zone in ("ours", "neighbour", "away", "transport") for text, _l, _pk in world["markers"][zone]}
    for client, url in ((page, "/projects/"), (page, "/clues/"), (api, "/api/v1/projects/"), (api, "/api/v1/clues/")):
        response = client.get(url)
        assert response.status_code == 200
        found = {text for text in texts if text in body_text(response)}
        assert len(found) >= 4, (url, found)


def figures(ran):
    by_caller = Counter(row[1] for row in ran.rows)
    statuses = Counter(row[3] for row in ran.rows)
    named = sum(1 for r in ran.routes if r.record_params)
    lines = [
        f"Scope matrix: {len(ran.routes)} routes called of {len(ran.routes) + len(ran.excluded)} in the URLconf "
        f"({sum(1 for r in ran.routes if r.admin)} of the admin site); {named} name a record, "
        f"{len(ran.routes) - named} do not.",
        f"{len(ran.rows)} calls (routes x callers), {ran.scanned} answers scanned for other zones' texts, "
        f"{ran.exports} exports run and read, in {ran.elapsed:.0f} s.",
        "Calls per caller: " + ", ".join(f"{c} {n}" for c, n in by_caller.items()),
        "Statuses: " + ", ".join(f"{s} x{n}" for s, n in sorted(statuses.items())),
        f"Record routes tried out of scope: {sum(1 for c in ran.kept_out.values() if c)}; out-of-scope calls on them: "
        f"{sum(len(c) for c in ran.kept_out.values())}.",
    ]
    return "\n".join(lines)
