"""Enumerations of inspections. Values are stable and part of the API (../shared/API.md
"Inspections and rectification")."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CampaignKind(models.TextChoices):
    WINTER = "winter", _("Winter campaign")
    SUMMER = "summer", _("Summer campaign (full coverage of the systems)")
    SPECIAL = "special", _("Special check")


class PhaseKind(models.TextChoices):
    PUBLICITY = "publicity", _("Publicity and self-check")
    SCREENING = "screening", _("Warning and screening")
    ENFORCEMENT = "enforcement", _("Enforcement and resolution")
    CONSOLIDATION = "consolidation", _("Consolidation and look-back")


class InspectionMethod(models.TextChoices):
    ROUTINE = "routine", _("Routine patrol")
    DOUBLE_RANDOM = "double_random", _("Double-random draw")
    UNANNOUNCED = "unannounced", _("Unannounced (four-nots-two-directs)")
    COMPLAINT = "complaint", _("Complaint-triggered")
    JOINT = "joint", _("Joint inspection with regulators")


class ChecklistItem(models.TextChoices):
    """The five core systems (projects.choices.SystemCode values) plus four further duties."""

    DEDICATED_ACCOUNT = "dedicated_account", _("Dedicated wage account")
    REAL_NAME = "real_name", _("Real-name management")
    CONTRACTOR_PAYROLL = "contractor_payroll", _("General-contractor payroll")
    WAGE_DEPOSIT = "wage_deposit", _("Wage deposit")
    NOTICE_BOARD = "notice_board", _("Rights notice board")
    LABOUR_CONTRACTS = "labour_contracts", _("Labour contracts")
    INJURY_INSURANCE = "injury_insurance", _("Work-injury insurance")
    PAYMENT_GUARANTEE = "payment_guarantee", _("Payment guarantee by the construction unit")
    MONTHLY_FULL_PAY = "monthly_full_pay", _("Wages paid in full every month")


class CheckResult(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NA = "na", _("Not applicable")


class OrderStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("rectification order", "Open")
    OVERDUE = "overdue", pgettext_lazy("rectification order", "Overdue")
    CLOSED = "closed", pgettext_lazy("rectification order", "Written off")
    ESCALATED = "escalated", pgettext_lazy("rectification order", "Escalated")


class PenaltyArticle(models.TextChoices):
    """Articles of the Regulation on Guaranteeing Payment of Wages to Migrant Workers with their ranges."""

    ART_54_UNIT = "54_unit", _("Art. 54 (unit): ¥20,000–50,000")
    ART_54_PERSON = "54_person", _("Art. 54 (responsible person): ¥10,000–30,000")
    ART_55 = "55", _("Art. 55 (no dedicated account, deposit or real-name management): ¥50,000–100,000, may stop work")
    ART_56 = "56", _("Art. 56 (no monthly assessment, no notice board…): ¥50,000–100,000")
    ART_57 = "57", _("Art. 57 (construction unit: no payment guarantee, labour costs not paid in): ¥50,000–100,000, may stop work")


class DocumentKind(models.TextChoices):
    RECTIFICATION_ORDER = "rectification_order", _("Rectification order")
    PENALTY_DECISION = "penalty_decision", _("Penalty decision")
    LISTING_NOTICE = "listing_notice", _("Advance notice of credit-punishment listing")
    LISTING_DECISION = "listing_decision", _("Credit-punishment listing decision")


class InspectionErrorCode(models.TextChoices):
    WRONG_STATE = "wrong_state", _("Not allowed in the order's current state")
    DRAW_EMPTY = "draw_empty", _("The pools are too small for the draw")
    NOT_ESCALATED = "not_escalated", _("A penalty follows an escalated order only")
