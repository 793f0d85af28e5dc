"""App config of the shared core."""
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "wagecase.core"
    label = "core"
    verbose_name = _("Shared core")

    def ready(self):
        from . import signals  # noqa: F401  (change-log receivers)
        from . import export_specs  # noqa: F401  (Excel exports of the core lists)
        from .tables import cache_cell_signatures
        from .views.menu import register_core_menu

        register_core_menu()
        cache_cell_signatures()


class WagecaseAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with wagecase's admin site (INSTALLED_APPS names this instead)."""

    default = False  # CoreConfig is this module's default
    default_site = "wagecase.core.admin_site.WagecaseAdminSite"
