"""App config of reports: summary figures, dashboards and scheduled reports (DOMAIN.md §9)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "wagecase.reports"
    label = "reports"
    verbose_name = _("Figures and reports")

    def ready(self):
        from . import demo  # noqa: F401  (registers the demo reports' seeder with seed_demo)
        from .menu import register

        register()
