"""Projects' entries in the navigation menu ("Construction projects") and the home-page panel of
early warnings in the user's jurisdiction. Both are registered from ProjectsConfig.ready()."""
from django.utils.translation import gettext_lazy as _

from wagecase.core.navigation import MenuGroup, MenuItem, register_menu
from wagecase.core.views.home import HomePanel, register_home_panel

_registered = False
TOP_RISKS = 5


def warnings_panel_context(request):
    """Active warnings by severity and the riskiest projects, all within the user's scope."""
    from django.db.models import Count

    from .choices import WarningSeverity
    from .models import Project, ProjectWarning
    from .warnings import risk_ranking

    user = request.user
    counts = dict(
        ProjectWarning.objects.restrict(user, "view").filter(active=True)
        .values("severity").annotate(n=Count("pk")).values_list("severity", "n")
    )
    return {
        "severity_counts": [(value, label, counts.get(value, 0)) for value, label in WarningSeverity.choices],
        "total": sum(counts.values()),
        "risks": risk_ranking(Project.objects.restrict(user, "view"), limit=TOP_RISKS),
    }


def register():
    """Called once from ProjectsConfig.ready(); safe to call again."""
    global _registered
    if _registered:
        return
    _registered = True
    register_menu(
        MenuGroup(
            label=_("Construction projects"),
            icon="building",
            weight=20,
            items=[
                MenuItem(_("Projects"), "projects:project_list", "projects.view_project"),
                MenuItem(_("Early warnings"), "projects:projectwarning_list", "projects.view_projectwarning"),
                MenuItem(_("Risk ranking"), "projects:risk_ranking", "projects.view_project"),
                MenuItem(_("Workers"), "projects:worker_list", "projects.view_worker"),
                # xgettext:no-python-format
                MenuItem(_("Eight 100% rates"), "projects:rates", "projects.view_project"),
            ],
        )
    )
    register_home_panel(
        HomePanel(
            "project_warnings", _("Project warnings in my jurisdiction"), "projects/panels/warnings.html",
            warnings_panel_context, weight=20, permission="projects.view_projectwarning", icon="exclamation-triangle",
        )
    )
