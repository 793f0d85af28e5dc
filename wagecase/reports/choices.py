"""Enumerations of reports."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly dispatch report")
    MONTHLY = "monthly", _("Monthly report")
    QUARTERLY = "quarterly", _("Quarterly bulletin")


class ReportStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("report status", "Pending")
    RUNNING = "running", pgettext_lazy("report status", "Generating")
    DONE = "done", pgettext_lazy("report status", "Done")
    FAILED = "failed", pgettext_lazy("report status", "Failed")


class ReportErrorCode(models.TextChoices):
    NOT_READY = "not_ready", _("The report is not generated yet")
    RUNNING = "running", _("The report is being generated")
    SUBMITTED = "submitted", _("The report was submitted")
    ALREADY_SIGNED = "already_signed", _("This signature is already given")
    SAME_PERSON = "same_person", _("The two signatures need two different people")
    SIGNATURES_MISSING = "signatures_missing", _("Both signatures are needed before submitting")
