"""Inspections' entries in the navigation menu ("Inspections": campaigns, inspections, record an
inspection, rectification orders, penalty decisions, the ledger). Registered from
InspectionsConfig.ready()."""
from django.utils.translation import gettext_lazy as _

from wagecase.core.navigation import MenuGroup, MenuItem, register_menu

_registered = False


def register():
    """Called once from InspectionsConfig.ready(); safe to call again."""
    global _registered
    if _registered:
        return
    _registered = True
    register_menu(
        MenuGroup(
            label=_("Inspections"),
            icon="clipboard2-check",
            weight=30,
            items=[
                MenuItem(_("Campaigns"), "inspections:campaign_list", "inspections.view_campaign"),
                MenuItem(_("All inspections"), "inspections:inspection_list", "inspections.view_inspection"),
                MenuItem(_("Record an inspection"), "inspections:inspection_add", "inspections.add_inspection"),
                MenuItem(_("Rectification orders"), "inspections:rectificationorder_list", "inspections.view_rectificationorder"),
                MenuItem(_("Penalty decisions"), "inspections:penaltydecision_list", "inspections.view_penaltydecision"),
                MenuItem(_("Inspection ledger"), "inspections:ledger", "inspections.view_rectificationorder"),
            ],
        )
    )
