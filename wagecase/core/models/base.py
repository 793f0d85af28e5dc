"""Base classes every domain model builds on: the restricted (scoped) queryset and the
change-logged model."""
import datetime
import decimal
import uuid

from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def json_value(value):
    """A JSON-able form of a field value for the change log."""
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or None
    return value



def day_text(value):
    """A date as 2026-12-03 in a record's str(), "—" when empty."""
    return f"{value:%Y-%m-%d}" if value else "—"


def month_text(value):
    """A month (its first day) as 2026-12 in a record's str(), "—" when empty."""
    return f"{value:%Y-%m}" if value else "—"


def loaded_related(obj, name):
    """The related object `name` of `obj` when it is already loaded, else None: never a query (for
    str(), which the change log calls for every row a bulk path or a cascade writes)."""
    if obj is None:
        return None
    field = obj._meta.get_field(name)
    return getattr(obj, name) if field.is_cached(obj) else None

class RestrictedQuerySet(models.QuerySet):
    """`Model.objects.restrict(user, action)`: what this user may see (or change) of the model.

    Every view, API endpoint, export and figure starts from here, so an object outside the
    user's jurisdiction (or industries) behaves exactly as one that does not exist."""

    def restrict(self, user, action="view"):
        model = self.model
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        perm = f"{model._meta.app_label}.{action}_{model._meta.model_name}"
        if not user.has_perm(perm):
            return self.none()
        if user.is_superuser:
            return self.all()
        condition = model.scope_filter(user, action)
        if condition is None:
            return self.none()
        return self.filter(condition)


class BaseModel(models.Model):
    """Any model a user can reach. Subclasses define how it falls into a jurisdiction.

    `scope_region_field`: the path to a region code (e.g. "region__code", "project__region__code"; a FK id takes no startswith);
    `scope_industry_field`: the path to an industry, for bureau clients."""

    scope_region_field = None
    scope_industry_field = None

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def scope_filter(cls, user, action="view"):
        """A Q for the objects in `user`'s scope, or None for nothing."""
        prefix = user.scope_prefix
        if prefix is None:
            return None
        condition = Q()
        if cls.scope_region_field and prefix:
            condition &= Q(**{f"{cls.scope_region_field}__startswith": prefix})
        if cls.scope_industry_field and user.is_bureau:
            condition &= Q(**{f"{cls.scope_industry_field}__in": user.industries or []})
        return condition


class ChangeLoggedQuerySet(RestrictedQuerySet):
    """Bulk writes on change-logged models are logged row by row too, so no path escapes."""

    def update(self, **kwargs):
        from ..signals import bulk_log_changes
        from ..choices import ChangeAction

        # A bulk change is a change: it moves last_updated, so incremental syncs (`updated_since`) see it.
        if "last_updated" not in kwargs and any(f.name == "last_updated" for f in self.model._meta.concrete_fields):
            from django.utils import timezone

            kwargs["last_updated"] = timezone.now()
        with transaction.atomic(using=self.db):
            before = {obj.pk: obj.changelog_data() for obj in self.model._base_manager.filter(pk__in=self.values("pk"))}
            count = super().update(**kwargs)
            changes = ((obj, ChangeAction.UPDATE, before[obj.pk], obj.changelog_data())
                       for obj in self.model._base_manager.filter(pk__in=list(before)))
            bulk_log_changes(change for change in changes if change[3] != change[2])
        return count

    update.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        from ..signals import bulk_log_changes
        from ..choices import ChangeAction

        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            bulk_log_changes((obj, ChangeAction.CREATE, None, obj.changelog_data()) for obj in created if obj.pk is not None)
            for obj in created:
                obj._changelog_snapshot = obj.changelog_data()
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        from ..signals import bulk_log_changes
        from ..choices import ChangeAction

        objs = list(objs)
        with transaction.atomic(using=self.db):
            before = {o.pk: o.changelog_data() for o in self.model._base_manager.filter(pk__in=[o.pk for o in objs])}
            # On PostgreSQL one UPDATE … FROM unnest() per 5,000 rows (bulk.update_rows). Otherwise
            # Django's, on a plain QuerySet: it runs QuerySet.update() per batch, and update() above
            # would log the same rows a second time (with two more SELECTs).
            from ..bulk import update_rows

            count = update_rows(self.model, objs, fields, using=self.db) if objs else 0
            if count is None:
                plain = models.QuerySet(model=self.model, using=self.db)
                count = plain.bulk_update(objs, fields, *args, **kwargs)
            changes = ((obj, ChangeAction.UPDATE, before.get(obj.pk), obj.changelog_data()) for obj in objs)
            bulk_log_changes(change for change in changes if change[3] != change[2])
            for obj in objs:
                obj._changelog_snapshot = obj.changelog_data()
        return count


class ChangeLoggedModel(BaseModel):
    """Records every create, update and delete with who, when, request id and before/after."""

    created = models.DateTimeField(_("created"), auto_now_add=True, null=True)
    last_updated = models.DateTimeField(_("last updated"), auto_now=True, null=True)

    objects = ChangeLoggedQuerySet.as_manager()

    changelog_exclude = ("created", "last_updated")

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Remember the row as loaded, so that the change log needs no extra query for "before". Only
        # the values are kept; the snapshot is made from them when a save or delete asks for it, so
        # reading a list of rows costs nothing extra.
        if len(values) == len(cls._meta.concrete_fields):
            instance.__dict__["_changelog_loaded"] = values
        return instance

    @property
    def _changelog_snapshot(self):
        """changelog_data() of the row as it was loaded (or last saved), or None when unknown."""
        state = self.__dict__
        if "_changelog_snap" not in state:
            loaded = state.get("_changelog_loaded")
            state["_changelog_snap"] = None if loaded is None else self._changelog_dict(
                zip(self._meta.concrete_fields, loaded))
        return state["_changelog_snap"]

    @_changelog_snapshot.setter
    def _changelog_snapshot(self, value):
        self.__dict__["_changelog_snap"] = value

    def changelog_data(self):
        return self._changelog_dict((f, getattr(self, f.attname)) for f in self._meta.concrete_fields)

    def _changelog_dict(self, pairs):
        data = {}
        exclude = self.changelog_exclude
        for f, value in pairs:
            if f.name in exclude:
                continue
            if value is not None and isinstance(f, models.DecimalField):
                # "2" typed in a form and "2.00" read back are the same value: log it as stored.
                value = decimal.Decimal(value).quantize(decimal.Decimal(1).scaleb(-f.decimal_places))
            data[f.attname] = json_value(value)
        return data

    def changelog_parent(self):
        """(model, pk) of the record whose history should also show this one's changes, or None."""
        return None

    def get_changelog_url(self):
        return self.get_absolute_url() + "?tab=history" if hasattr(self, "get_absolute_url") else None
