"""Enumerations of integrations."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookEvent(models.TextChoices):
    """Events a bureau can subscribe to (in its scope: its region and industries)."""

    PROJECT_WARNING_RAISED = "project.warning_raised", _("A warning was raised on a project")
    ORDER_ISSUED = "rectification_order.issued", _("A rectification order was issued")
    ORDER_ESCALATED = "rectification_order.escalated", _("A rectification order was escalated")
    CASE_OPENED = "case.opened", _("An arrears case was opened")
    CASE_CLEARED = "case.cleared", _("An arrears case was cleared")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    RETRYING = "retrying", _("Retrying")
    FAILED = "failed", _("Failed")
