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

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+")
    object_type = models.ForeignKey(ContentType, verbose_name=_("object type"), on_delete=models.PROTECT, related_name="+")
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
