"""App config of projects."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self):
        from . import excel  # noqa: F401  (import job handlers)
        from . import export_specs  # noqa: F401  (Excel exports of the projects' lists)
        from . import demo  # noqa: F401  (registers the demo-data seeder with seed_demo)
        from .menu import register as register_menu_and_panels

        register_menu_and_panels()  # the "Construction projects" menu and the home panel of warnings
