"""Enumerations of blacklist (credit punishment, DOMAIN.md §7)."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SubjectType(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    PERSON = "person", _("Person")


class PersonRole(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative or principal")
    RESPONSIBLE = "responsible", _("Directly responsible person")


class Basis(models.TextChoices):
    THRESHOLD = "threshold", _("Order ignored, amount over the criminal threshold")
    INCIDENT = "incident", _("Order ignored, the arrears caused a group or extreme incident")


class ListingStatus(models.TextChoices):
    NOTIFIED = "notified", pgettext_lazy("listing status", "Notified, objection period")
    LISTED = "listed", pgettext_lazy("listing status", "Listed")
    WITHDRAWN = "withdrawn", pgettext_lazy("listing status", "Withdrawn after objection")
    REMOVED = "removed", pgettext_lazy("listing status", "Removed (credit repair)")
    EXPIRED = "expired", pgettext_lazy("listing status", "Expired")


CURRENT_STATUSES = (ListingStatus.NOTIFIED, ListingStatus.LISTED)


class RemovalReason(models.TextChoices):
    CREDIT_REPAIR = "credit_repair", _("Credit repair")


class ObjectionOutcome(models.TextChoices):
    PENDING = "pending", _("Under review")
    UPHELD = "upheld", _("Upheld: the listing is withdrawn")
    REJECTED = "rejected", _("Rejected")


class ListingEventType(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, advance notice served")
    OBJECTION = "objection", _("Objection received")
    REVIEWED = "reviewed", _("Objection reviewed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    LISTED = "listed", _("Listing decided")
    PUBLISHED = "published", _("Published")
    EXPORTED = "exported", _("Sent to the credit-information platform")
    REMOVED = "removed", _("Removed early (credit repair)")
    EXPIRED = "expired", _("Expired after the term")
    NOTE = "note", _("Note")


class ListingErrorCode(models.TextChoices):
    WRONG_STATE = "wrong_state", _("Not allowed in the listing's current state")
    ORDER_NOT_IGNORED = "order_not_ignored", _("The case's order to pay was not ignored")
    BASIS_NOT_MET = "basis_not_met", _("The basis does not hold for the case")
    ALREADY_LISTED = "already_listed", _("The subject is already notified or listed for this case")
    OBJECTION_PERIOD = "objection_period", _("The objection period has not passed")
    OBJECTION_PENDING = "objection_pending", _("An objection is under review")
    REPAIR_NOT_ALLOWED = "repair_not_allowed", _("The conditions of credit repair are not met")


class ExportAction(models.TextChoices):
    LIST = "list", _("Listed")
    REMOVE = "remove", _("Removed")
    EXPIRE = "expire", _("Expired")


class PublicationReason(models.TextChoices):
    LARGE_ARREARS = "large_arrears", _("Wages in arrears in a large amount")
    PROSECUTION = "prosecution", _("Refusal to pay referred for prosecution")


class BatchStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("publication batch", "Draft")
    REVIEWED = "reviewed", pgettext_lazy("publication batch", "Reviewed")
    APPROVED = "approved", pgettext_lazy("publication batch", "Approved")
    PUBLISHED = "published", pgettext_lazy("publication batch", "Published")


class BatchErrorCode(models.TextChoices):
    WRONG_STATE = "wrong_state", _("Not allowed in the batch's current state")
    EMPTY = "empty", _("The batch has no entries")
    SAME_PERSON = "same_person", _("Review and approval need two different people")
    BATCH_EXISTS = "batch_exists", _("A batch for this office and quarter exists")
