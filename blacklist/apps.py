"""App config of blacklist."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlacklistConfig(AppConfig):
    name = "blacklist"
    verbose_name = _("Credit punishment")

    def ready(self):
        from projects.deposit import BLACKLIST_CHECKS

        from . import demo  # noqa: F401  (registers the demo listings' seeder with seed_demo)
        from .menu import register as register_menu
        from .services import enterprises_listed

        if enterprises_listed not in BLACKLIST_CHECKS:
            BLACKLIST_CHECKS.append(enterprises_listed)
        register_menu()  # the "Credit punishment" menu
