"""The navigation menu: each app registers its areas here (in AppConfig.ready), so the menu only
ever shows pages that exist and that the user may open."""
from dataclasses import dataclass, field

from django.urls import reverse


@dataclass
class MenuItem:
    label: str
    url_name: str
    permission: str


@dataclass
class MenuGroup:
    label: str
    icon: str
    weight: int
    items: list = field(default_factory=list)


MENU = []


def register_menu(group):
    MENU.append(group)
    MENU.sort(key=lambda g: g.weight)


def menu_for(request):
    user = request.user
    result = []
    for group in MENU:
        items = [(i.label, reverse(i.url_name)) for i in group.items if user.has_perm(i.permission)]
        if items:
            result.append({"label": group.label, "icon": group.icon, "items": items})
    return result
