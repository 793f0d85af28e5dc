"""Reports' entries in the navigation menu."""
from django.utils.translation import gettext_lazy as _

from wagecase.core.navigation import MenuGroup, MenuItem, register_menu
from wagecase.core.views.home import HomePanel, register_home_panel

_registered = False


def register():
    global _registered
    if _registered:
        return
    _registered = True
    register_menu(MenuGroup(label=_("Figures and reports"), icon="bar-chart-line", weight=30, items=[
        MenuItem(_("Dashboard"), "reports:dashboard", "complaints.view_clue"),
        MenuItem(_("Reports"), "reports:report_list", "reports.view_report"),
    ]))
    # A way to the dashboard from the home page: a link, no figures (the home page stays cheap).
    register_home_panel(HomePanel("dashboard", _("Dashboard"), "reports/inc/dashboard_home_panel.html",
                                  lambda request: {}, weight=5, permission="complaints.view_clue", icon="speedometer2"))
