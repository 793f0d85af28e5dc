"""The home page and its panel registry: who the user is and the work waiting for them.

Apps add panels in their AppConfig.ready():

    from wagecase.core.views.home import HomePanel, register_home_panel
    register_home_panel(HomePanel(name="clues_due", title=_("Clues due soon"),
                                  template_name="complaints/inc/home_due.html",
                                  get_context=clues_due_context, permission="complaints.view_clue", weight=20))

`get_context(request)` returns the panel's template context, or None to hide the panel. Every
query in it must go through `.restrict(request.user, ...)`."""
from dataclasses import dataclass
from typing import Callable

from django.contrib.auth.mixins import LoginRequiredMixin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from ..choices import ChangeAction, JobStatus
from ..models import Department, Enterprise, Job, ObjectChange, User
from ..workdays import missing_schedule_years
from .generic import model_url


@dataclass
class HomePanel:
    name: str
    title: str
    template_name: str
    get_context: Callable
    weight: int = 100
    permission: str = ""
    icon: str = "card-list"
    width: str = "col-xl-6"  # Bootstrap column classes


HOME_PANELS = []


def register_home_panel(panel):
    """Add (or replace, by name) a panel of the home page."""
    HOME_PANELS[:] = [p for p in HOME_PANELS if p.name != panel.name]
    HOME_PANELS.append(panel)
    HOME_PANELS.sort(key=lambda p: (p.weight, p.name))
    return panel


def panels_for(request):
    """[(panel, html)] of the panels this user may see and that have something to show."""
    result = []
    for panel in HOME_PANELS:
        if panel.permission and not request.user.has_perm(panel.permission):
            continue
        context = panel.get_context(request)
        if context is None:
            continue
        html = render_to_string(panel.template_name, {**context, "panel": panel}, request=request)
        result.append((panel, html))
    return result


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = User.objects.select_related("department", "jurisdiction").get(pk=self.request.user.pk)
        context.update({"profile": user, "panels": panels_for(self.request)})
        return context


# --- Core panels ------------------------------------------------------------------------------

def calendar_context(request):
    years = missing_schedule_years()
    return {"years": years} if years else None


def jurisdiction_context(request):
    user = request.user
    counts = []
    for model, url_name, icon in (
        (Enterprise, "core:enterprise_list", "building"),
        (Department, "core:department_list", "bank"),
        (User, "core:user_list", "people"),
    ):
        meta = model._meta
        if user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
            counts.append(
                {"label": meta.verbose_name_plural, "count": model.objects.restrict(user, "view").count(), "url_name": url_name, "icon": icon}
            )
    return {"counts": counts}


def jobs_context(request):
    jobs = Job.objects.restrict(request.user, "view")
    running = list(jobs.filter(status__in=[JobStatus.PENDING, JobStatus.RUNNING])[:5])
    recent = list(jobs.exclude(status__in=[JobStatus.PENDING, JobStatus.RUNNING])[:5])
    return {"running": running, "recent": recent}


def recent_changes_context(request):
    # ObjectChange has no scope of its own; the changes a user made themselves are theirs to see.
    changes = ObjectChange.objects.filter(user=request.user).select_related("changed_object_type")[:10]
    rows = []
    for change in changes:
        model = change.changed_object_type.model_class()
        url = None
        if model is not None and change.action != ChangeAction.DELETE:
            url = model_url(model, "detail", pk=change.changed_object_id)
        rows.append({"change": change, "url": url, "type": model._meta.verbose_name if model else ""})
    return {"changes": rows}


register_home_panel(
    HomePanel("calendar", _("Working-day calendar"), "core/panels/calendar.html", calendar_context, weight=0, icon="calendar-x", width="col-12")
)
register_home_panel(
    HomePanel("jurisdiction", _("In my jurisdiction"), "core/panels/jurisdiction.html", jurisdiction_context, weight=10, icon="geo-alt")
)
register_home_panel(
    HomePanel("jobs", _("My background jobs"), "core/panels/jobs.html", jobs_context, weight=90, permission="core.view_job", icon="hourglass-split")
)
register_home_panel(
    HomePanel("recent_changes", _("My recent changes"), "core/panels/changes.html", recent_changes_context, weight=95, icon="clock-history")
)
