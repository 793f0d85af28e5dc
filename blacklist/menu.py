"""Blacklist's entries in the navigation menu ("Credit punishment"), registered from BlacklistConfig.ready()."""
from django.utils.translation import gettext_lazy as _

from wagecase.core.navigation import MenuGroup, MenuItem, register_menu

_registered = False


def register():
    """Called once from BlacklistConfig.ready(); safe to call again. The menu reverses its URL names
    when it is drawn, after every URLconf (the publication pages' included) is loaded."""
    global _registered
    if _registered:
        return
    _registered = True
    register_menu(
        MenuGroup(
            label=_("Credit punishment"),
            icon="slash-circle",
            weight=12,
            items=[
                MenuItem(_("Credit-punishment listings"), "blacklist:listing_list", "blacklist.view_listing"),
                MenuItem(_("Major-violation publications"), "blacklist:batch_list", "blacklist.view_publicationbatch"),
                MenuItem(_("Labour-compliance ratings"), "blacklist:rating_list", "blacklist.view_enterpriserating"),
                MenuItem(_("Credit-platform exports"), "blacklist:export_list", "blacklist.view_creditexport"),
            ],
        )
    )
