"""In-app notifications: what a user should look at (a clue entering its warning period, a deadline
passed, a record handed over to them). Raised by services and daily jobs, idempotently by `key`."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import BaseModel


class NotificationLevel(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    DANGER = "danger", _("Overdue")


class Notification(BaseModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    created = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    level = models.CharField(_("level"), max_length=10, choices=NotificationLevel.choices, default=NotificationLevel.INFO)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # Raising the same notification twice (a daily job run again) makes one row, not two.
    key = models.CharField(max_length=200)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_unique_key")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread_idx")]

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, user, action="view"):
        # Everyone sees only their own notifications.
        return Q(user=user)
