"""Base viewsets every app's API builds on (NetBox-style): the scoped queryset, all-or-nothing
writes, the post-save scope check and the personal-data access log.

A subclass names `queryset` (with the select_related/prefetch_related its serializer needs),
`serializer_class` (usually a ValidatedModelSerializer) and `filterset_class` (the model's one
FilterSet, shared with the list page and the export)."""
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS

from .exceptions import Conflict
from .fields import PiiAccessCollector
from .permissions import required_action


class WagecaseViewSetMixin:
    # Scope, atomicity and PII logging for any viewset over a BaseModel.
    #
    # - `get_queryset()` is `queryset.restrict(user, action)`, the action coming from the HTTP
    #   method (view/add/change/delete) or from `permission_action_map` for extra actions
    #   (`{"accept": "change"}`): an object outside the caller's scope is a 404, like a missing one.
    # - Every request that may write runs in one transaction, rolled back when the answer is an
    #   error: a request applies completely or not at all (extra actions included).
    # - A saved object must lie in the caller's scope for that action, else 403 and rollback.
    # - Unmasked personal data in a response is logged in one insert (see PiiField).

    permission_action_map = {}
    # Numbered list pages in two steps: the page's ids from the filtered, ordered rows alone, then
    # those rows with their joins. PostgreSQL joins (and carries every selected column) before it
    # applies the LIMIT, so one query joined the related rows of every match to keep 50; the ids
    # query reads the filter's and the ordering's columns only. Cursor pages walk the queryset by
    # key as before; the count and the links are the paginator's, unchanged (issue 10).
    paginate_by_ids = False

    def paginate_queryset(self, queryset):
        paginator = self.paginator
        if (not self.paginate_by_ids or self.action != "list" or paginator is None
                or getattr(paginator, "wants_cursor", lambda request: True)(self.request)):
            return super().paginate_queryset(queryset)
        ids = super().paginate_queryset(queryset.prefetch_related(None).values_list("pk", flat=True))
        if ids is None:
            return None
        ids = list(ids)
        rows = {row.pk: row for row in self.page_rows(queryset).filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]

    def page_rows(self, queryset):
        """The queryset a numbered page's rows are read from, by their ids (paginate_by_ids): a viewset
        may add there what only the rows shown need (ProjectViewSet: its related columns)."""
        return queryset

    def get_model_action(self):
        return required_action(self.request, self)

    def get_queryset(self):
        assert self.queryset is not None, f"{self.__class__.__name__} needs a queryset."
        # .all() first: restrict() may hand back the queryset itself, and the class attribute
        # must never cache results between requests.
        return self.queryset.all().restrict(self.request.user, self.get_model_action())

    # --- Personal data ---------------------------------------------------------------------------

    @property
    def pii_collector(self):
        if not hasattr(self, "_pii_collector"):
            self._pii_collector = PiiAccessCollector()
        return self._pii_collector

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["pii_collector"] = self.pii_collector
        return context

    def finalize_response(self, request, response, *args, **kwargs):
        collector = getattr(self, "_pii_collector", None)
        if collector is not None and collector.pairs and response.status_code < 400:
            collector.flush(request.user, channel="api")
        return super().finalize_response(request, response, *args, **kwargs)

    # --- Writes ----------------------------------------------------------------------------------

    def dispatch(self, request, *args, **kwargs):
        if request.method in SAFE_METHODS:
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            if response.status_code >= 400:
                # DRF turned an exception into an error response: undo whatever was written.
                transaction.set_rollback(True)
        return response

    def in_scope(self, instance, action):
        model = self.queryset.model
        return model._default_manager.all().restrict(self.request.user, action).filter(pk=instance.pk).exists()

    def save_in_scope(self, serializer, action, **kwargs):
        try:
            with transaction.atomic():
                instance = serializer.save(**kwargs)
        except IntegrityError:
            # A concurrent request won the race for a unique value; the model's full_clean()
            # reports the ordinary case as a 400 before saving.
            raise Conflict(_("This record conflicts with one saved at the same time; try again."), code="integrity_error")
        if not self.in_scope(instance, action):
            raise PermissionDenied(_("The record would lie outside your jurisdiction."))
        return instance

    def perform_create(self, serializer):
        self.save_in_scope(serializer, "add")

    def perform_update(self, serializer):
        self.save_in_scope(serializer, "change")

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                instance.delete()
        except ProtectedError:
            raise Conflict(_("Other records still refer to this one; it cannot be deleted."), code="protected")


class WagecaseReadOnlyModelViewSet(WagecaseViewSetMixin, viewsets.ReadOnlyModelViewSet):
    # List and retrieve, scoped. (Comments, not docstrings: drf-spectacular would show a base
    # class's docstring as the description of every endpoint that has none.)
    pass


class WagecaseModelViewSet(WagecaseViewSetMixin, viewsets.ModelViewSet):
    # List, retrieve, create, update (and delete, unless `http_method_names` leaves it out), scoped.
    pass
