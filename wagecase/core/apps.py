"""App config of the shared core."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "wagecase.core"
    label = "core"
    verbose_name = _("Shared core")

    def ready(self):
        from . import signals  # noqa: F401  (change-log receivers)
        from . import export_specs  # noqa: F401  (Excel exports of the core lists)
        from .views.menu import register_core_menu

        register_core_menu()
