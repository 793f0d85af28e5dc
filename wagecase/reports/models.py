"""Models of reports: the weekly dispatch report (周调度), the monthly report (月报告) and the
quarterly bulletin (季通报) of a county, city or the province, generated in the background as xlsx.

One report per (kind, region, period): generating it again replaces its file, it never makes a
second report."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wagecase.core.models import ChangeLoggedModel

from wagecase.core.choices import SignCapacity

from .choices import ReportKind, ReportStatus


class Report(ChangeLoggedModel):
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices, db_index=True)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING,
                              db_index=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    file = models.FileField(_("file"), upload_to="reports/%Y/", blank=True)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

    scope_region_field = "region__code"
    changelog_exclude = ChangeLoggedModel.changelog_exclude + ("progress", "figures")

    class Meta:
        ordering = ["-period_start", "kind", "region"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [models.UniqueConstraint(fields=["kind", "region", "period_start"], name="report_once_per_period")]

    def __str__(self):
        return f"{self.region.name} · {self.get_kind_display()} · {self.period_start:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("reports:report_detail", args=[self.pk])

    @classmethod
    def scope_filter(cls, user, action="view"):
        """A report covers its whole region: visible to users whose jurisdiction contains that region."""
        if user.is_bureau:
            return None
        return super().scope_filter(user, action) if user.scope_prefix is not None else None


class ReportSignature(ChangeLoggedModel):
    """One of the two signatures (双签字) a report needs before it is submitted."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="signatures")
    capacity = models.CharField(_("signed as"), max_length=12, choices=SignCapacity.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed at"))

    scope_region_field = "report__region__code"

    class Meta:
        ordering = ["signed_at", "pk"]
        verbose_name = _("report signature")
        verbose_name_plural = _("report signatures")
        constraints = [models.UniqueConstraint(fields=["report", "capacity"], name="report_signature_once_per_capacity")]

    def changelog_parent(self):
        return (Report, self.report_id)

    def __str__(self):
        signed = f"{timezone.localtime(self.signed_at):%Y-%m-%d %H:%M}" if self.signed_at else "—"
        return f"{self.get_capacity_display()} · {signed}"


DAILY_FIGURES = ("clues_received", "clues_closed", "projects_inspected", "workers_paid", "amount_paid", "incidents")


class DailySubmission(ChangeLoggedModel):
    """A county's figures of one day while a campaign has daily reporting on (日报), or its zero
    report (零报告: nothing to report is still filed). Corrections update it (and are logged)."""

    campaign = models.ForeignKey("inspections.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT,
                                 related_name="daily_submissions")
    region = models.ForeignKey("core.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"), db_index=True)
    zero_report = models.BooleanField(_("zero report"), default=False)
    clues_received = models.PositiveIntegerField(_("clues received"), default=0)
    clues_closed = models.PositiveIntegerField(_("clues closed"), default=0)
    projects_inspected = models.PositiveIntegerField(_("projects inspected"), default=0)
    workers_paid = models.PositiveIntegerField(_("workers paid"), default=0)
    amount_paid = models.DecimalField(_("wages paid (yuan)"), max_digits=14, decimal_places=2, default=0)
    incidents = models.PositiveIntegerField(_("emergency incidents"), default=0)
    note = models.TextField(_("note"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))

    scope_region_field = "region__code"

    class Meta:
        ordering = ["-day", "region"]
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        constraints = [models.UniqueConstraint(fields=["campaign", "region", "day"], name="daily_submission_once_per_day")]

    def __str__(self):
        return f"{self.region_id} · {self.day:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("reports:daily_board", args=[self.campaign_id]) + f"?day={self.day:%Y-%m-%d}"

    def figures(self):
        return {key: getattr(self, key) for key in DAILY_FIGURES}
