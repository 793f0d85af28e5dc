"""App config of inspections."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections")

    def ready(self):
        from . import demo  # noqa: F401  (registers the demo inspections' seeder with seed_demo)
        from . import documents  # noqa: F401  (registers the CJK font check, wagecase.W050)
        from . import export_specs  # noqa: F401  (Excel exports of inspections, orders and penalties)
        from .menu import register as register_menu

        register_menu()  # the "Inspections" menu
