"""Enumerations of projects. Values are stable and part of the API."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class InvestmentType(models.TextChoices):
    GOVERNMENT = "government", _("Government investment")
    SOE = "soe", _("State-owned enterprise")
    PPP = "ppp", _("Public-private partnership")
    SOCIAL = "social", _("Social investment")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    SUSPENDED = "suspended", _("Suspended")
    COMPLETED = "completed", _("Completed")


class PaidVia(models.TextChoices):
    CONTRACTOR_BANK = "contractor_bank", _("General contractor via bank")
    SUBCONTRACTOR = "subcontractor", _("Paid by the subcontractor")
    CASH = "cash", _("Cash")


class DepositForm(models.TextChoices):
    CASH = "cash", _("Cash deposit")
    BANK_GUARANTEE = "bank_guarantee", _("Bank guarantee")
    INSURANCE = "insurance", _("Guarantee insurance")


class NoticeItem(models.TextChoices):
    BUILDER = "builder", _("Construction unit")
    GENERAL_CONTRACTOR = "general_contractor", _("General contractor and its project office")
    SUBCONTRACTORS = "subcontractors", _("Subcontractors")
    REGULATOR = "regulator", _("Sector regulator")
    WAGE_OFFICER = "wage_officer", _("Labour/wage officer")
    MINIMUM_WAGE = "minimum_wage", _("Local minimum wage")
    PAYDAY = "payday", _("Payday")
    COMPLAINT_HOTLINES = "complaint_hotlines", _("Complaint hotlines")
    ARBITRATION_LEGAL_AID = "arbitration_legal_aid", _("Arbitration, legal aid and 12348")


class SystemCode(models.TextChoices):
    DEDICATED_ACCOUNT = "dedicated_account", _("Dedicated wage account")
    REAL_NAME = "real_name", _("Real-name management")
    CONTRACTOR_PAYROLL = "contractor_payroll", _("General-contractor payroll")
    WAGE_DEPOSIT = "wage_deposit", _("Wage deposit")
    NOTICE_BOARD = "notice_board", _("Rights notice board")


class SystemStatus(models.TextChoices):
    OK = "ok", _("In place")
    DEFICIENT = "deficient", _("Deficient")
    MISSING = "missing", _("Missing")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class WarningSeverity(models.TextChoices):
    RED = "red", _("Red")
    ORANGE = "orange", _("Orange")
    YELLOW = "yellow", _("Yellow")
