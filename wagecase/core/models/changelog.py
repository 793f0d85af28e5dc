"""The change log (machine record of every change) and the journal (notes people write)."""
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import ChangeAction, ChangeSource, JournalKind


class ChangeDataField(models.JSONField):
    """A record's fields before or after a change: a JSONField kept as PostgreSQL `json` (the text as
    written) instead of `jsonb`, elsewhere as JSONField is.

    Nothing looks inside these documents in the database (no lookup, index or containment test; a
    record is read whole for its page), and jsonb is paid for on every write: the server parses each
    document into its binary form, sorting its keys. The change log is written in volume (an import of
    20,000 roster rows writes 40,000 records) and read a record at a time; as json it is checked and
    stored as sent. The fields also stay in the model's order, which is the order the history shows
    them in (jsonb gave them back shortest key first)."""

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        adapted = super().get_db_prep_value(value, connection, prepared)
        if connection.vendor == "postgresql":
            from psycopg2.extras import Json

            if isinstance(adapted, Json):  # Django's adapter casts to jsonb, which would reorder the keys
                return Json(adapted.adapted, dumps=adapted._dumps)
        return adapted

    def from_db_value(self, value, expression, connection):
        if value is not None and not isinstance(value, (str, bytes, bytearray)):
            return value  # psycopg2 decodes json (not jsonb, which Django asks to get as text) itself
        return super().from_db_value(value, expression, connection)


class ObjectChange(models.Model):
    # The three keys below have no constraint in the database (db_constraint=False). The log is written
    # only by the change-logging code, from the model's own content type and the acting user; Django
    # still applies on_delete (a deleted user's records keep the name, a content type in use cannot be
    # deleted). A constraint costs a check per row at commit: an import of 20,000 roster rows writes
    # 40,000 records and spent 0.65 s of its ~3.7 s checking 100,000 keys it had just looked up itself.
    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    # The user's records are found by objectchange_user_idx below (the home page's "my recent
    # changes", newest first), not by an index of the key alone.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_constraint=False, db_index=False,
    )
    user_name = models.CharField(_("user name"), max_length=150, blank=True)
    # No index: nothing looks records up by request (the admin's search on it is a substring match,
    # which a b-tree does not serve); an index was a cost on every record written.
    request_id = models.UUIDField(_("request id"))
    source = models.CharField(_("source"), max_length=10, choices=ChangeSource.choices)
    source_label = models.CharField(_("acting job"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=ChangeAction.choices)
    # No index of their own on the two content-type keys: the composite indexes below begin with them
    # (an index each was only a cost on every write; bulk imports write tens of thousands of rows).
    changed_object_type = models.ForeignKey(ContentType, verbose_name=_("object type"), on_delete=models.PROTECT, related_name="+",
                                            db_index=False, db_constraint=False)
    changed_object_id = models.CharField(_("object id"), max_length=64)
    changed_object = GenericForeignKey("changed_object_type", "changed_object_id")
    # The record whose page should also show this change (a payroll's project, say).
    related_object_type = models.ForeignKey(
        ContentType, verbose_name=_("related object type"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False, db_constraint=False,
    )
    related_object_id = models.CharField(_("related object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200)
    prechange_data = ChangeDataField(_("before"), null=True, blank=True)
    postchange_data = ChangeDataField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ["-time", "-pk"]
        verbose_name = _("change record")
        verbose_name_plural = _("change log")
        indexes = [
            models.Index(fields=["changed_object_type", "changed_object_id", "time"], name="objectchange_object_idx"),
            # Only the records that belong to another (a roster entry's project): a new worker's own
            # record has none, and half an import's 40,000 records left this index.
            models.Index(fields=["related_object_type", "related_object_id", "time"], name="objectchange_related_idx",
                         condition=models.Q(related_object_type__isnull=False)),
            # A user's records newest first: the home page's ten, however many the user has written (a
            # bureau's account pushing rosters writes millions). It replaces the index of `user` alone,
            # with which PostgreSQL read and sorted every record of the user to show ten.
            models.Index(fields=["user", "time"], name="objectchange_user_idx"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"

    def diff(self):
        """[(field, before, after)] for the fields that changed."""
        before = self.prechange_data or {}
        after = self.postchange_data or {}
        keys = list(dict.fromkeys(list(before) + list(after)))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]

    @classmethod
    def for_object(cls, obj):
        """Changes of `obj` itself and of the records that belong to it."""
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
        return cls.objects.filter(
            models.Q(changed_object_type=content_type, changed_object_id=str(obj.pk))
            | models.Q(related_object_type=content_type, related_object_id=str(obj.pk))
        ).select_related("changed_object_type")

    @property
    def actor_display(self):
        if self.user_name:
            return self.user_name
        return self.source_label or self.get_source_display()


class JournalEntry(models.Model):
    assigned_object_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    assigned_object_id = models.CharField(max_length=64)
    assigned_object = GenericForeignKey("assigned_object_type", "assigned_object_id")
    created = models.DateTimeField(_("time"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=JournalKind.choices, default=JournalKind.INFO)
    comments = models.TextField(_("note"))

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        indexes = [models.Index(fields=["assigned_object_type", "assigned_object_id"], name="journal_object_idx")]

    def __str__(self):
        return self.comments[:50]
