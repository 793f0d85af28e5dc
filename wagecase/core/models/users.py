"""Users: every user has a role, a department and a jurisdiction (a region code prefix)."""
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..choices import Industry, Role, SignCapacity
from ..validators import validate_phone
from .base import RestrictedQuerySet


class UserQuerySet(RestrictedQuerySet):
    pass


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.INSPECTOR)
    department = models.ForeignKey(
        "core.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    jurisdiction = models.ForeignKey(
        "core.Region", verbose_name=_("jurisdiction"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    industries = models.JSONField(_("industries"), default=list, blank=True, help_text=_("For bureau clients: the industries they may see."))
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    inspector_card_number = models.CharField(_("enforcement card number"), max_length=30, blank=True)
    signs_for = models.CharField(_("signs reports as"), max_length=12, choices=SignCapacity.choices, blank=True,
                                 help_text=_("For the dual sign-off of reports sent up: the locality's or the department's "
                                             "responsible person of the user's jurisdiction."))

    objects = UserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    def get_absolute_url(self):
        return reverse("core:user_detail", args=[self.pk])

    def clean(self):
        super().clean()
        valid = set(Industry.values)
        if not isinstance(self.industries, list) or any(i not in valid for i in self.industries):
            raise ValidationError({"industries": _("Unknown industry.")})
        if self.role == Role.BUREAU and not self.industries:
            raise ValidationError({"industries": _("A bureau client needs at least one industry.")})
        if not self.is_superuser and not self.jurisdiction_id:
            raise ValidationError({"jurisdiction": _("Every user needs a jurisdiction.")})

    @property
    def scope_prefix(self):
        """The region code prefix this user sees: "" for everything, None for nothing."""
        if self.is_superuser:
            return ""
        return self.jurisdiction_id or None

    @property
    def is_bureau(self):
        return self.role == Role.BUREAU

    @classmethod
    def scope_filter(cls, user, action="view"):
        prefix = user.scope_prefix
        if prefix is None:
            return None
        if action == "view":
            return Q(jurisdiction__code__startswith=prefix) | Q(pk=user.pk)
        return Q(jurisdiction__code__startswith=prefix)
