"""The working-day calendar as data: the State Council's holidays and make-up working days."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import CalendarSource
from .base import ChangeLoggedModel


class CalendarYear(ChangeLoggedModel):
    """A year whose official schedule is known. A year without one falls back to Monday–Friday."""

    year = models.PositiveIntegerField(_("year"), primary_key=True)
    source = models.CharField(_("source"), max_length=10, choices=CalendarSource.choices, default=CalendarSource.MANUAL)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self):
        return str(self.year)

    @classmethod
    def scope_filter(cls, user, action="view"):
        return models.Q()


class CalendarDay(ChangeLoggedModel):
    """A day that differs from the Monday–Friday rule: a holiday, or a make-up working day."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"), help_text=_("Ticked for a make-up working day (调休)."))
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self):
        return f"{self.date} {self.name}"

    @classmethod
    def scope_filter(cls, user, action="view"):
        return models.Q()
