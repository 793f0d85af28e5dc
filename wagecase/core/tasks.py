"""Celery tasks of the shared core. A task takes ids, loads, and calls a service."""
from celery import shared_task

from .choices import ChangeSource
from .context import change_context


@shared_task(name="core.run_job")
def run_job(job_id):
    from .services import job_run

    job = job_run(job_id=job_id)
    return {"job": str(job.pk), "status": job.status}


@shared_task(name="core.refresh_calendar")
def refresh_calendar():
    """Nightly: load any schedule the chinese-calendar library knows that the database lacks."""
    from .workdays import load_from_library

    with change_context(source=ChangeSource.TASK, label="core.refresh_calendar"):
        return load_from_library()
