"""Regional policy values (thresholds, rates, periods) set per region and inherited downwards."""
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import ChangeLoggedModel


class PolicyValue(ChangeLoggedModel):
    """One region's value for one policy key; no region means the national default."""

    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="policies"
    )
    key = models.CharField(_("policy"), max_length=50)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    basis = models.CharField(_("document basis"), max_length=200, blank=True)

    class Meta:
        ordering = ["key", "region_id"]
        verbose_name = _("policy value")
        verbose_name_plural = _("policy values")
        constraints = [
            models.UniqueConstraint(fields=["region", "key"], name="policy_unique_key_per_region"),
            models.UniqueConstraint(fields=["key"], condition=Q(region__isnull=True), name="policy_unique_national_key"),
        ]

    def __str__(self):
        return f"{self.definition.label if self.definition else self.key} = {self.value}"

    @property
    def definition(self):
        from ..policy import POLICIES

        return POLICIES.get(self.key)

    def clean(self):
        super().clean()
        definition = self.definition
        if definition is None:
            raise ValidationError({"key": _("Unknown policy.")})
        if self.value is not None:
            definition.validate(self.value)

    @classmethod
    def scope_filter(cls, user, action="view"):
        from .regions import ancestor_codes

        prefix = user.scope_prefix
        if prefix is None:
            return None
        own = Q(region__code__startswith=prefix) if prefix else Q(region__isnull=False)
        if action == "view":
            # What applies to the jurisdiction: its own values, those above it, the national ones.
            return own | Q(region_id__in=ancestor_codes(prefix)) | Q(region__isnull=True)
        return own
