"""NetBox-style generic views that every app reuses: list (filters, table, Excel export), detail with
tabs (main / history / journal), create-or-edit and delete, plus the journal-add view.

Each view starts from `queryset.restrict(user, action)`: an anonymous user is sent to the login
page, a user whose role lacks `app.action_model` gets 403, and an object outside the user's scope
is 404 exactly as one that does not exist. URL names follow the model: `<app>:<model>_list`,
`_detail`, `_add`, `_edit`, `_delete`, `_export`.

An app's views.py is then mostly declarations:

    class ClueListView(generic.ObjectListView):
        queryset = Clue.objects.select_related("region", "owner")   # no N+1 in the table
        table_class = ClueTable
        filterset_class = ClueFilterSet                              # always set one

    class ClueDetailView(generic.ObjectDetailView):
        queryset = Clue.objects.select_related("region")
        template_name = "complaints/clue.html"   # {% extends "generic/object_detail.html" %}, block main

    class ClueEditView(generic.ObjectEditView):
        queryset = Clue.objects.all()
        form_class = ClueForm                    # a wagecase.core.forms.ScopedModelForm
"""
from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin, LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import ProtectedError
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, View
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from .. import services
from ..models import ChangeLoggedModel, JournalEntry, ObjectChange
from ..pii import mask, pii_kind

# Query parameters that belong to the page, not to the filter (left out of exports).
NON_FILTER_PARAMS = ("page", "sort", "per_page", "tab")


# --- URL helpers ------------------------------------------------------------------------------

def model_url_name(model, action):
    meta = model._meta
    return f"{meta.app_label}:{meta.model_name}_{action}"


def model_url(model, action, **kwargs):
    """The URL of a model's page (`list`, `add`, `export`…), or None when the app has none."""
    try:
        return reverse(model_url_name(model, action), kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def object_url(obj, action="detail"):
    """The URL of an object's page (`detail`, `edit`, `delete`), or None when there is none."""
    url = model_url(type(obj), action, pk=obj.pk)
    if url is None and action == "detail" and hasattr(obj, "get_absolute_url"):
        return obj.get_absolute_url()
    return url


def permission_name(model, action):
    meta = model._meta
    return f"{meta.app_label}.{action}_{meta.model_name}"


def is_restricted_model(model):
    """Whether a model's default manager offers `.restrict()` (only those may reach a user generically)."""
    return model is not None and hasattr(model._default_manager.all(), "restrict")


def filter_query_string(query):
    """The filter part of a query string (a QueryDict or a string): without page, sort and tab."""
    query = query.copy() if isinstance(query, QueryDict) else QueryDict(query or "", mutable=True)
    for name in NON_FILTER_PARAMS:
        query.pop(name, None)
    return query.urlencode()


# --- Permission and scope ----------------------------------------------------------------------

class ObjectPermissionRequiredMixin(AccessMixin):
    """Login required; then the role must grant `app.<action>_model` (else 403); objects come from
    the restricted queryset only (out of scope → 404)."""

    queryset = None
    action = "view"

    @property
    def model(self):
        return self.queryset.model

    def get_action(self):
        return self.action

    def get_required_permission(self):
        return permission_name(self.model, self.get_action())

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm(self.get_required_permission()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_restricted_queryset(self, action=None):
        return self.queryset.all().restrict(self.request.user, action or self.get_action())

    def has_model_perm(self, action):
        return self.request.user.has_perm(permission_name(self.model, action))

    def get_common_context(self):
        meta = self.model._meta
        return {
            "model": self.model,
            "verbose_name": meta.verbose_name,
            "verbose_name_plural": meta.verbose_name_plural,
            "list_url": model_url(self.model, "list"),
        }


# --- List ---------------------------------------------------------------------------------------

class ObjectListView(ObjectPermissionRequiredMixin, SingleTableMixin, FilterView):
    """A filtered, sortable, paginated table. The filter form sits in a side panel; "Export to
    Excel" posts the current filter to `<model>_export`, which queues a background job."""

    template_name = "generic/object_list.html"
    table_pagination = {"per_page": 50}
    filterset_class = None
    table_class = None
    action = "view"
    # Extra buttons in the page header: [(label, url, icon)], filled by subclasses if needed.
    extra_buttons = ()

    def get_queryset(self):
        return self.get_restricted_queryset()

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        for field in filterset.form.fields.values():
            # A filter that offers related records offers only those in the user's scope.
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "restrict"):
                field.queryset = queryset.restrict(self.request.user, "view")
            # A short multiple choice reads better as checkboxes than as a list box in the side panel.
            widget = field.widget
            if type(widget) is forms.SelectMultiple and len(getattr(field, "choices", ())) <= 8:
                field.widget = forms.CheckboxSelectMultiple(choices=field.choices)
        return filterset

    def get_export_url(self):
        from ..exports import EXPORTS

        if self.model._meta.label_lower not in EXPORTS:
            return None
        return model_url(self.model, "export")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.get_common_context())
        context.update(
            {
                "add_url": model_url(self.model, "add") if self.has_model_perm("add") else None,
                "export_url": self.get_export_url(),
                "export_query": filter_query_string(self.request.GET),
                "filter_active": bool(filter_query_string(self.request.GET)),
                "extra_buttons": self.extra_buttons,
            }
        )
        return context


class ObjectExportView(ObjectPermissionRequiredMixin, View):
    """POST the list's query string; the export runs as a background job (same FilterSet and
    scope as the list) and the user lands on the job's page."""

    http_method_names = ["post"]
    action = "view"

    def post(self, request, *args, **kwargs):
        from ..exports import EXPORTS

        label = self.model._meta.label_lower
        if label not in EXPORTS:
            raise Http404
        query = filter_query_string(request.POST.get("query", ""))[:4000]
        job = services.job_enqueue(
            kind="export",
            user=request.user,
            title=_("Export of %(name)s") % {"name": self.model._meta.verbose_name_plural},
            params={"model": label, "query": query},
        )
        messages.info(request, _("The export has been queued; the file appears here when it is ready."))
        return redirect(job.get_absolute_url())


# --- Detail -------------------------------------------------------------------------------------

# Labels for values the change log stores as codes in fields without `choices` (JSON lists of
# codes, say): {(app_label.model_name, field_name): {code: label}}. Apps register their own.
VALUE_LABELS = {}


def register_value_labels(model, field_name, choices):
    VALUE_LABELS[(model._meta.label_lower, field_name)] = dict(choices)


def _field_map(model):
    fields = {}
    for field in model._meta.concrete_fields:
        fields[field.attname] = field
        fields[field.name] = field
    return fields


def display_value(model, field, name, value):
    """How a raw change-log value reads: choice labels, lists joined, personal data masked."""
    if value is None or value == "":
        return "—"
    field_name = field.name if field is not None else name
    if field_name in getattr(model, "pii_fields", ()) or name in getattr(model, "pii_fields", ()):
        return mask(pii_kind(field_name), value)
    labels = VALUE_LABELS.get((model._meta.label_lower, field_name)) if model is not None else None
    if labels is None and field is not None and field.choices:
        labels = dict(field.flatchoices)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "、".join(str(labels.get(v, v)) if labels else str(v) for v in value) or "—"
    if labels:
        return str(labels.get(value, value))
    return str(value)


def change_rows(change, model):
    """[(label, before, after)] for the fields a change touched, in readable form."""
    fields = _field_map(model) if model is not None else {}
    rows = []
    for name, before, after in change.diff():
        field = fields.get(name)
        if field is not None and field.primary_key and field.auto_created:
            continue  # the record's own id says nothing
        label = field.verbose_name if field is not None else name
        rows.append((label, display_value(model, field, name, before), display_value(model, field, name, after)))
    return rows


class ObjectDetailView(ObjectPermissionRequiredMixin, DetailView):
    """An object's page with tabs: main (the model's own template), history (the change log with
    a before/after table per change) and journal (notes people write, with an add form)."""

    template_name = None  # a model template extending generic/object_detail.html
    action = "view"
    history_per_page = 25

    def get_queryset(self):
        return self.get_restricted_queryset()

    @property
    def change_logged(self):
        return issubclass(self.model, ChangeLoggedModel)

    def get_tabs(self):
        tabs = [("main", _("Details"))]
        if self.change_logged:
            tabs += [("history", _("Change history")), ("journal", _("Journal"))]
        return tabs

    def may(self, action, obj):
        """Whether to offer a button: the role grants the action and the object lies in that
        action's scope (which can be narrower than what the user may view)."""
        if not self.has_model_perm(action) or model_url(self.model, "edit" if action == "change" else action, pk=obj.pk) is None:
            return False
        return self.get_restricted_queryset(action).filter(pk=obj.pk).exists()

    def get_extra_context(self):
        """Extra context for the main tab (subclasses)."""
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        tabs = self.get_tabs()
        tab = self.request.GET.get("tab", "main")
        if tab not in dict(tabs):
            tab = "main"
        context.update(self.get_common_context())
        context.update(
            {
                "tab": tab,
                "tabs": tabs,
                "object_url": object_url(obj),
                "edit_url": object_url(obj, "edit") if self.may("change", obj) else None,
                "delete_url": object_url(obj, "delete") if self.may("delete", obj) else None,
            }
        )
        if self.change_logged:
            content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
            context["content_type"] = content_type
            if tab == "history":
                # Its own changes and those of the records that belong to it (a project's payrolls…).
                changes = ObjectChange.for_object(obj)
                page = Paginator(changes, self.history_per_page).get_page(self.request.GET.get("page"))
                context["changes_page"] = page
                context["changes"] = [
                    (change, change_rows(change, change.changed_object_type.model_class() or self.model))
                    for change in page.object_list
                ]
            elif tab == "journal":
                from ..forms import JournalEntryForm

                context["journal_entries"] = JournalEntry.objects.filter(
                    assigned_object_type=content_type, assigned_object_id=str(obj.pk)
                ).select_related("created_by")[:200]
                if self.request.user.has_perm("core.add_journalentry"):
                    context["journal_form"] = JournalEntryForm()
                    context["journal_add_url"] = reverse("core:journal_add", args=[content_type.pk, obj.pk])
        if tab == "main":
            context.update(self.get_extra_context())
        return context


# --- Create and edit ----------------------------------------------------------------------------

class _OutOfScope(Exception):
    pass


class ObjectEditView(ObjectPermissionRequiredMixin, View):
    """Create (no pk in the URL; needs `add`) or edit (needs `change`, object from the scope).

    The ModelForm runs the model's full_clean, so the page rejects what the API rejects with the
    same messages; nothing is saved on error. The saved object must still lie in the user's scope
    (checked inside the transaction), so no one can move a record out of their reach."""

    template_name = "generic/object_edit.html"
    form_class = None

    def get_action(self):
        return "change" if self.kwargs.get("pk") is not None else "add"

    def get_object(self):
        if self.kwargs.get("pk") is not None:
            return get_object_or_404(self.get_restricted_queryset("change"), pk=self.kwargs["pk"])
        return self.model()

    def get_form(self, data=None):
        kwargs = {"instance": self.object, "user": self.request.user}
        if data is None and self.object._state.adding:
            # NetBox habit: `?region=620502` pre-fills the new object's form.
            kwargs["initial"] = self.request.GET.dict()
        return self.form_class(data=data, **kwargs)

    def render_form(self, form):
        context = self.get_common_context()
        context.update(
            {
                "object": self.object,
                "form": form,
                "is_new": self.object._state.adding,
                "cancel_url": (object_url(self.object) if not self.object._state.adding else None) or model_url(self.model, "list"),
            }
        )
        context.update(self.get_extra_context(form))
        return render(self.request, self.template_name, context)

    def get_extra_context(self, form):
        return {}

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_form(self.get_form())

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        adding = self.object._state.adding
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    obj = form.save()
                    if not self.get_restricted_queryset().filter(pk=obj.pk).exists():
                        raise _OutOfScope
            except _OutOfScope:
                if adding:
                    self.object.pk = None
                    self.object._state.adding = True
                form.add_error(None, _("This record would lie outside your jurisdiction; it was not saved."))
            else:
                if adding:
                    messages.success(request, _("Created %(type)s “%(object)s”.") % {"type": self.model._meta.verbose_name, "object": obj})
                else:
                    messages.success(request, _("Saved %(type)s “%(object)s”.") % {"type": self.model._meta.verbose_name, "object": obj})
                return redirect(object_url(obj) or model_url(self.model, "list"))
        return self.render_form(form)


# --- Delete -------------------------------------------------------------------------------------

def protected_summary(error):
    """"users (2), enterprises (1)" for the objects that block a delete."""
    counts = Counter(str(obj._meta.verbose_name_plural) for obj in error.protected_objects)
    return _(", ").join(f"{name} ({n})" for name, n in sorted(counts.items()))


class ObjectDeleteView(ObjectPermissionRequiredMixin, View):
    """A confirmation page; POST deletes. Records that others still depend on are refused with a
    message saying what depends on them."""

    template_name = "generic/object_delete.html"
    action = "delete"

    def get_object(self):
        return get_object_or_404(self.get_restricted_queryset(), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        context = self.get_common_context()
        context.update({"object": obj, "cancel_url": object_url(obj) or model_url(self.model, "list")})
        return render(request, self.template_name, context)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        name = str(obj)
        try:
            with transaction.atomic():
                obj.delete()
        except ProtectedError as error:
            messages.error(
                request,
                _("“%(object)s” cannot be deleted because other records depend on it: %(related)s.")
                % {"object": name, "related": protected_summary(error)},
            )
            return redirect(object_url(obj) or model_url(self.model, "list"))
        messages.success(request, _("Deleted %(type)s “%(object)s”.") % {"type": self.model._meta.verbose_name, "object": name})
        return redirect(model_url(self.model, "list") or "home")


# --- Journal ------------------------------------------------------------------------------------

def get_scoped_object(request, content_type_id, pk, action="view"):
    """The object a generic URL names (content type + pk), fetched through the user's scope."""
    content_type = get_object_or_404(ContentType, pk=content_type_id)
    model = content_type.model_class()
    if not is_restricted_model(model):
        raise Http404
    try:
        return get_object_or_404(model._default_manager.all().restrict(request.user, action), pk=pk)
    except (ValueError, TypeError, ValidationError):
        raise Http404


class JournalAddView(LoginRequiredMixin, View):
    """Adds a journal note to any record the user can see (needs core.add_journalentry)."""

    http_method_names = ["post"]

    def post(self, request, content_type_id, pk):
        from ..forms import JournalEntryForm

        if not request.user.has_perm("core.add_journalentry"):
            raise PermissionDenied
        obj = get_scoped_object(request, content_type_id, pk)
        form = JournalEntryForm(request.POST)
        if form.is_valid():
            services.journal_add(obj=obj, user=request.user, comments=form.cleaned_data["comments"], kind=form.cleaned_data["kind"])
            messages.success(request, _("Journal entry added."))
        else:
            errors = "; ".join(str(e) for field_errors in form.errors.values() for e in field_errors)
            messages.error(request, _("The journal entry was not added: %(errors)s") % {"errors": errors})
        url = object_url(obj)
        return redirect(f"{url}?tab=journal" if url else "home")
