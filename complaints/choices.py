"""Enumerations of complaints. Values are stable and part of the API (../shared/API.md "Clues")."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    NATIONAL_PLATFORM = "national_platform", _("National clue platform")
    HOTLINE_12333 = "hotline_12333", _("12333 hotline")
    HOTLINE_12345 = "hotline_12345", _("12345 hotline")
    WINDOW = "window", _("Walk-in window")
    LETTER_VISIT = "letter_visit", _("Letters and visits")
    ONLINE = "online", _("Online / cyberspace")
    QR_CODE = "qr_code", _("QR code at a site")
    TRANSFER = "transfer", _("Transferred from another office")
    OTHER = "other", _("Other")


class ClueStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", pgettext_lazy("clue status", "In progress")
    TRANSFERRED = "transferred", _("Transferred")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (ClueStatus.RECEIVED, ClueStatus.ACCEPTED, ClueStatus.IN_PROGRESS, ClueStatus.TRANSFERRED)


class ClueCategory(models.TextChoices):
    WAGE_ARREARS = "wage_arrears", pgettext_lazy("clue category", "Wage arrears")
    PROJECT_PAYMENT = "project_payment", _("Project-payment arrears")
    DISPUTE = "dispute", _("Settlement, contract or pay dispute")
    UNFOUNDED = "unfounded", _("Not substantiated")
    DUPLICATE = "duplicate", _("Duplicate")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")


# What `classify` may set (not_accepted comes from `reject` only).
CLASSIFY_CATEGORIES = [c for c in ClueCategory if c != ClueCategory.NOT_ACCEPTED]


class TransferKind(models.TextChoices):
    """Kinds of department a clue may be transferred to (API.md `transfer`)."""

    HOUSING = "housing", _("Housing and construction")
    TRANSPORT = "transport", _("Transport")
    WATER = "water", _("Water")
    POWER = "power", _("Power")
    ENERGY = "energy", _("Energy")
    DEVELOPMENT_REFORM = "development_reform", _("Development and reform")
    FINANCE = "finance", _("Finance")
    PUBLIC_SECURITY = "public_security", _("Public security")
    COURT = "court", _("Court")
    LETTERS_VISITS = "letters_visits", _("Letters and visits")
    LABOUR_INSPECTION = "labour_inspection", _("Labour inspection")
    OTHER = "other", _("Other")


# A clue transferred to a sector regulator belongs to that industry (what its bureau client sees).
TRANSFER_INDUSTRY = {"housing": "housing", "transport": "transport", "water": "water", "power": "power", "energy": "energy"}


class DeadlineState(models.TextChoices):
    NONE = "none", _("No deadline running")
    NORMAL = "normal", _("On time")
    WARNING = "warning", _("Warning period")
    OVERDUE = "overdue", pgettext_lazy("deadline", "Overdue")


class TransferOutcome(models.TextChoices):
    HANDLED = "handled", _("Handled by the department")
    RETURNED = "returned", _("Returned to the office")


class ClueEventType(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Not accepted")
    CLASSIFIED = "classified", _("Classified")
    TRANSFERRED = "transferred", _("Transferred")
    TRANSFER_REPLIED = "transfer_replied", _("Department replied")
    HANDED_OVER = "handed_over", _("Handed over")
    EXTENDED = "extended", _("Deadline extended")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REVISITED = "revisited", _("Revisited")
    MERGED = "merged", _("Merged into another clue")
    ABSORBED = "absorbed", _("Duplicate merged in")
    NOTE = "note", _("Note")
    WARNING = "warning", _("Deadline warning")
    OVERDUE = "overdue", _("Deadline passed")


class ClueErrorCode(models.TextChoices):
    """The `code` of a 409 answer."""

    WRONG_STATE = "wrong_state", _("Not allowed in the clue's current state")
    ALREADY_EXTENDED = "already_extended", _("The deadline was already extended")
    NOT_OFFICE_HEAD = "not_office_head", _("Only the office head may approve")
    NO_DEPARTMENT = "no_department", _("No such department for the clue's region")
    MERGE_INVALID = "merge_invalid", _("These clues cannot be merged")
    NOT_RECEIVING_DEPARTMENT = "not_receiving_department", _("Only the receiving department may reply")


# --- Arrears cases and emergency incidents (DOMAIN.md §6, §8) -------------------------------------

class CaseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("arrears case", "Open")
    CLEARED = "cleared", _("Cleared")


class SupervisionLevel(models.TextChoices):
    NONE = "none", _("Not listed")
    COUNTY = "county", _("Listed for supervision by the county")
    CITY = "city", _("Listed for supervision by the city")
    PROVINCE = "province", _("Listed for supervision by the province")


class PaymentSource(models.TextChoices):
    ENTERPRISE = "enterprise", _("Paid by the enterprise")
    DEPOSIT = "deposit", _("Wage deposit")
    EMERGENCY_FUND = "emergency_fund", _("Emergency revolving fund")
    BUILDER_ADVANCE = "builder_advance", _("Construction unit's advance")


class ReferralStatus(models.TextChoices):
    REFERRED = "referred", _("Referred to the police")
    FILED = "filed", _("Case filed by the police")
    NOT_FILED = "not_filed", _("Not filed by the police")
    PROSECUTED = "prosecuted", _("Prosecuted")
    CONVICTED = "convicted", _("Convicted")
    WITHDRAWN = "withdrawn", _("Withdrawn (paid before filing)")


class CaseEventType(models.TextChoices):
    OPENED = "opened", _("Opened")
    UPDATED = "updated", _("Five haves updated")
    PAYMENT = "payment", _("Payment recorded")
    CLEARED = "cleared", _("Cleared")
    ORDER = "order", _("Order to pay issued")
    COMPENSATION = "compensation", _("Extra compensation ordered")
    REFERRED = "referred", _("Referred to the police")
    REFERRAL_UPDATED = "referral_updated", _("Referral updated")
    SUPERVISION = "supervision", _("Supervision changed")
    INCIDENT = "incident", _("Incident linked")
    NOTE = "note", _("Note")


class CaseErrorCode(models.TextChoices):
    CLEARED = "cleared", _("The case is cleared")
    ORDER_EXISTS = "order_exists", _("An order to pay was already issued")
    NO_ORDER = "no_order", _("No order to pay was issued")
    REFERRAL_NOT_ALLOWED = "referral_not_allowed", _("The order was not ignored or the amount is under the criminal threshold")
    REFERRAL_EXISTS = "referral_exists", _("The case was already referred")
    ORDER_NOT_IGNORED = "order_not_ignored", _("The order to pay was not ignored")
    CLUE_HAS_CASE = "clue_has_case", _("The clue already opened a case")
    CLUE_NOT_WAGE_ARREARS = "clue_not_wage_arrears", _("Only a wage-arrears clue opens a case")


class IncidentKind(models.TextChoices):
    COLLECTIVE_PETITION = "collective_petition", _("Collective petition")
    STRIKE = "strike", _("Strike or stoppage")
    BLOCKING = "blocking", _("Blocking offices or roads")
    VIOLENCE = "violence", _("Fight with injury or death")
    SELF_HARM = "self_harm", _("Self-harm or suicide threat")
    OTHER = "other", _("Other")
