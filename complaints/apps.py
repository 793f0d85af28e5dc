"""App config of complaints."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Clues and complaints")

    def ready(self):
        from . import demo  # noqa: F401  (registers the demo clues' seeder with seed_demo)
        from . import case_demo  # noqa: F401
        from . import export_specs  # noqa: F401  (Excel export of the clue list)
        from .menu import register as register_menu_and_panels

        register_menu_and_panels()  # the "Clues" menu and the home panel of clues due soon
