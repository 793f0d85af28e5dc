"""Reports' entries in the navigation menu."""
from django.utils.translation import gettext_lazy as _

from wagecase.core.navigation import MenuGroup, MenuItem, register_menu

_registered = False


def register():
    global _registered
    if _registered:
        return
    _registered = True
    register_menu(MenuGroup(label=_("Figures and reports"), icon="bar-chart-line", weight=30, items=[
        MenuItem(_("Reports"), "reports:report_list", "reports.view_report"),
    ]))
