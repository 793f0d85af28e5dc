"""The shared core's entries in the navigation menu ("Basic data" and "Administration")."""
from django.utils.translation import gettext_lazy as _

from ..navigation import MenuGroup, MenuItem, register_menu

_registered = False


def register_core_menu():
    """Called once from CoreConfig.ready(); safe to call again."""
    global _registered
    if _registered:
        return
    _registered = True
    basic = MenuGroup(
        label=_("Basic data"),
        icon="database",
        weight=80,
        items=[
            MenuItem(_("Regions"), "core:region_list", "core.view_region"),
            MenuItem(_("Enterprises"), "core:enterprise_list", "core.view_enterprise"),
            MenuItem(_("Departments"), "core:department_list", "core.view_department"),
            MenuItem(_("Users"), "core:user_list", "core.view_user"),
            MenuItem(_("Regional policies"), "core:policyvalue_list", "core.view_policyvalue"),
        ],
    )
    admin = MenuGroup(
        label=_("Administration"),
        icon="gear",
        weight=90,
        items=[
            MenuItem(_("My background jobs"), "core:job_list", "core.view_job"),
            MenuItem(_("Personal-data accesses"), "core:piiaccesslog_list", "core.view_piiaccesslog"),
            # The admin site itself also requires is_staff; only administrators get this permission.
            MenuItem(_("System administration"), "admin:index", "core.change_user"),
        ],
    )
    register_menu(basic)
    register_menu(admin)
