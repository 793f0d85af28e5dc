"""Celery tasks of projects. A task takes ids, loads, and calls a service."""
from celery import shared_task

from wagecase.core.choices import ChangeSource
from wagecase.core.context import change_context


@shared_task(name="projects.refresh_all")
def refresh_all(as_of=None):
    """Nightly: recompute monitoring, compliance score and warnings of every open project."""
    import datetime

    from .models import Project
    from .services import project_refresh

    day = datetime.date.fromisoformat(as_of) if as_of else None
    count = 0
    with change_context(source=ChangeSource.TASK, label="projects.refresh_all"):
        for pk in Project.objects.exclude(status="completed").values_list("pk", flat=True).iterator():
            project_refresh(project=Project(pk=pk), as_of=day)
            count += 1
    return count


@shared_task(name="projects.refresh_project")
def refresh_project(project_id):
    from .models import Project
    from .services import project_refresh

    with change_context(source=ChangeSource.TASK, label="projects.refresh_project"):
        return project_refresh(project=Project.objects.get(pk=project_id))
