"""Government departments (offices, inspection brigades, sector regulators) and their region."""
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..choices import DepartmentKind
from ..validators import validate_phone
from .base import ChangeLoggedModel


class Department(ChangeLoggedModel):
    kind = models.CharField(_("kind"), max_length=30, choices=DepartmentKind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="departments")
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    address = models.CharField(_("address"), max_length=300, blank=True)

    scope_region_field = "region__code"

    class Meta:
        ordering = ["region_id", "kind", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_unique_name_in_region")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("core:department_detail", args=[self.pk])

    @classmethod
    def responsible_for(cls, kind, region_code):
        """The department of `kind` responsible for a region: the nearest one up the tree."""
        from .regions import ancestor_codes

        codes = ancestor_codes(region_code)
        candidates = {d.region_id: d for d in cls.objects.filter(kind=kind, region_id__in=codes).order_by("pk")}
        for code in codes:
            if code in candidates:
                return candidates[code]
        return None
