"""Enterprises, identified by the unified social credit code (USCC)."""
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..choices import CreditRating, EnterpriseRole
from ..validators import normalize_id_number, normalize_uscc, validate_id_number, validate_phone, validate_uscc
from .base import ChangeLoggedModel

# Other apps add ways an enterprise falls into a user's scope (e.g. "a party to a project in
# the jurisdiction"): callables (user) -> Q, registered in their AppConfig.ready().
ENTERPRISE_SCOPE_EXTENSIONS = []


class Enterprise(ChangeLoggedModel):
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc])
    name = models.CharField(_("name"), max_length=200, db_index=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    legal_representative_id_number = models.CharField(
        _("legal representative's ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True, validators=[validate_phone])
    address = models.CharField(_("address"), max_length=300, blank=True)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("registered region"), on_delete=models.PROTECT, related_name="enterprises"
    )
    roles = models.JSONField(_("roles"), default=list, blank=True)
    credit_rating = models.CharField(
        _("labour-compliance rating"), max_length=1, choices=CreditRating.choices, default=CreditRating.A
    )

    scope_region_field = "region__code"
    pii_fields = ("legal_representative_id_number", "contact_phone")

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("core:enterprise_detail", args=[self.pk])

    def clean(self):
        super().clean()
        self.uscc = normalize_uscc(self.uscc)
        if self.legal_representative_id_number:
            self.legal_representative_id_number = normalize_id_number(self.legal_representative_id_number)
        valid_roles = set(EnterpriseRole.values)
        if not isinstance(self.roles, list) or any(r not in valid_roles for r in self.roles):
            raise ValidationError({"roles": _("Unknown enterprise role.")})
        self.roles = sorted(set(self.roles), key=EnterpriseRole.values.index)
        if self.region_id and len(self.region_id) < 6:
            raise ValidationError({"region": _("Choose a county or a township, not a province or a city.")})

    def get_roles_display(self):
        labels = dict(EnterpriseRole.choices)
        return "、".join(str(labels[r]) for r in self.roles if r in labels)

    @classmethod
    def scope_filter(cls, user, action="view"):
        base = super().scope_filter(user, action)
        if base is None or action != "view" or not user.scope_prefix:
            return base
        condition = base
        for extension in ENTERPRISE_SCOPE_EXTENSIONS:
            condition |= extension(user)
        return condition
