"""App config of integrations: API clients (bureaus' accounts, named tokens, throttling, call log),
idempotent retries, and outbound notifications (webhooks)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "wagecase.integrations"
    label = "integrations"
    verbose_name = _("Integrations")
