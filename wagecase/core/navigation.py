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


def _matches(path, url):
    return path == url or path.startswith(url.rstrip("/") + "/")


def menu_for(request):
    """The user's menu: groups of (label, url, active). Only the item whose address is the longest
    match of the current page is active (`/clues/cases/` is "arrears cases", not also "all clues")."""
    user = request.user
    groups = []
    for group in MENU:
        items = [(i.label, reverse(i.url_name)) for i in group.items if user.has_perm(i.permission)]
        if items:
            groups.append((group, items))
    path = getattr(request, "path", "")
    candidates = [url for _group, items in groups for _label, url in items if url != "/" and _matches(path, url)]
    active = max(candidates, key=len) if candidates else None
    return [
        {"label": group.label, "icon": group.icon, "items": [(label, url, url == active) for label, url in items]}
        for group, items in groups
    ]
