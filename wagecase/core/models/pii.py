"""The record of each time someone saw personal data unmasked."""
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import BaseModel


class PiiAccessLog(BaseModel):
    """Scoped by the viewer's jurisdiction: an office head sees what the users of the offices under
    them unmasked (core.view_piiaccesslog is granted by name, to office heads and administrators)."""

    # Written on every response that shows personal data (a 50-row list page: 50–60 records), so,
    # as for the change log, the two keys have no constraint in the database and the type no index
    # of its own: the log is written only by pii_log_access(), from the acting user and the
    # model's own content type, and Django still applies on_delete (PROTECT). pii_object_idx
    # begins with the type. A 43-row insert took 2.4 ms with the constraints' checks and the
    # extra index, 1.3 ms without (median of 400, local PostgreSQL).
    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+",
                             db_constraint=False)
    object_type = models.ForeignKey(ContentType, verbose_name=_("object type"), on_delete=models.PROTECT, related_name="+",
                                    db_index=False, db_constraint=False)
    object_id = models.CharField(_("object id"), max_length=64)
    field = models.CharField(_("field"), max_length=64)
    channel = models.CharField(_("channel"), max_length=10)
    request_id = models.UUIDField(_("request id"), null=True)
    object = GenericForeignKey("object_type", "object_id")

    scope_region_field = "user__jurisdiction__code"

    class Meta:
        ordering = ["-time", "-pk"]
        verbose_name = _("personal-data access")
        verbose_name_plural = _("personal-data accesses")
        permissions = [("view_pii", "Can see personal data unmasked")]
        indexes = [models.Index(fields=["object_type", "object_id"], name="pii_object_idx")]
