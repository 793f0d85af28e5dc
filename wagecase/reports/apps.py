"""App config of reports: summary figures, dashboards and scheduled reports (DOMAIN.md §9)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "wagecase.reports"
    label = "reports"
    verbose_name = _("Figures and reports")

    def ready(self):
        from .menu import register

        register()
