"""Complaints' entries in the navigation menu ("Clues") and the home-page panel of the user's
clues due soon with the warning and overdue counts of the jurisdiction. Both are registered from
ComplaintsConfig.ready()."""
from django.utils.translation import gettext_lazy as _

from wagecase.core.navigation import MenuGroup, MenuItem, register_menu
from wagecase.core.views.home import HomePanel, register_home_panel

_registered = False
DUE_SOON = 8


def clues_panel_context(request):
    """The user's open clues by nearest deadline, and the scope's clues in warning or overdue."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from .models import Clue
    from .tables import deadline_badge

    user = request.user
    today = timezone.localdate()
    scope = Clue.objects.restrict(user, "view")
    counts = scope.open().order_by().aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        warning=Count("pk", filter=Q(warn_on__lte=today, due_on__gte=today)),
        mine=Count("pk", filter=Q(owner=user)),
    )
    mine = list(scope.open().filter(owner=user).exclude(due_on=None).order_by("due_on", "pk")[:DUE_SOON])
    return {
        "counts": counts,
        "mine": [(clue, deadline_badge(clue, today)) for clue in mine],
    }


def register():
    """Called once from ComplaintsConfig.ready(); safe to call again."""
    global _registered
    if _registered:
        return
    _registered = True
    register_menu(
        MenuGroup(
            label=_("Clues"),
            icon="megaphone",
            weight=10,
            items=[
                MenuItem(_("All clues"), "complaints:clue_list", "complaints.view_clue"),
                MenuItem(_("Register a clue"), "complaints:clue_add", "complaints.add_clue"),
                MenuItem(_("My work"), "complaints:clue_mine", "complaints.view_clue"),
                MenuItem(_("Needing attention"), "complaints:clue_attention", "complaints.view_clue"),
                MenuItem(_("Clue figures"), "complaints:clue_figures", "complaints.view_clue"),
                MenuItem(_("Notifications"), "complaints:notification_list", "core.view_notification"),
            ],
        )
    )
    register_menu(
        MenuGroup(
            label=_("Arrears cases"),
            icon="cash-stack",
            weight=11,
            items=[
                MenuItem(_("All arrears cases"), "complaints:arrearscase_list", "complaints.view_arrearscase"),
                MenuItem(_("Open an arrears case"), "complaints:arrearscase_add", "complaints.add_arrearscase"),
                MenuItem(_("Key monitoring list"), "complaints:arrearscase_key_monitoring", "complaints.view_arrearscase"),
                MenuItem(_("Two clear-to-zero"), "complaints:zero_clearance", "complaints.view_arrearscase"),
                MenuItem(_("Emergency incidents"), "complaints:incident_list", "complaints.view_incident"),
            ],
        )
    )
    register_home_panel(
        HomePanel(
            "clues_due", _("My clues due soon"), "complaints/panels/clues_due.html", clues_panel_context, weight=15,
            permission="complaints.view_clue", icon="alarm",
        )
    )
