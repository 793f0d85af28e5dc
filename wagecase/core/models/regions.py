"""Administrative regions (GB/T 2260): province, city, county, and townships under counties."""
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..choices import RegionLevel
from .base import BaseModel

LEVEL_BY_LENGTH = {2: RegionLevel.PROVINCE, 4: RegionLevel.CITY, 6: RegionLevel.COUNTY, 9: RegionLevel.TOWNSHIP}


class Region(BaseModel):
    """A region; its code is a prefix of every code below it, so a code prefix is a jurisdiction."""

    code = models.CharField(_("code"), max_length=9, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent region"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    full_name = models.CharField(_("full name"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.full_name or self.name

    def get_absolute_url(self):
        return reverse("core:region_detail", args=[self.code])

    @classmethod
    def scope_filter(cls, user, action="view"):
        prefix = user.scope_prefix
        if prefix is None:
            return None
        # A user sees their jurisdiction and everything under it.
        return Q(code__startswith=prefix)

    @property
    def ancestor_codes(self):
        """This code and its ancestors', nearest first: 620502 → [620502, 6205, 62]."""
        return ancestor_codes(self.code)


def ancestor_codes(code):
    code = code or ""
    return [code[:n] for n in (9, 6, 4, 2) if len(code) >= n]
