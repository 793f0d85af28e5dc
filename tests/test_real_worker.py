"""Round trips through a real broker and Celery worker (run by .ci/run against Redis + PostgreSQL).

Without CELERY_BROKER_URL in the environment these tests are skipped; with it, a worker must
answer, or they fail. They use `transactional_db`: the worker reads only committed data."""
import io
import os
import time

import pytest
from django.db import transaction
from django_celery_results.models import TaskResult
from openpyxl import load_workbook

from tests.conftest import HOME, OTHER
from wagecase.celery import app
from wagecase.core.choices import JobStatus, Role
from wagecase.core.models import Job, Region
from wagecase.core.regions_data import load_regions
from wagecase.core.services import job_enqueue

pytestmark = pytest.mark.real_worker

TIMEOUT = 60  # seconds to wait for the worker


@pytest.fixture
def real_worker(transactional_db):
    """The Celery app switched to its broker for one test, after a worker has answered a ping."""
    if not os.environ.get("CELERY_BROKER_URL"):
        pytest.skip("CELERY_BROKER_URL is not set: no broker, no worker (run .ci/run for these)")
    if not Region.objects.exists():
        # An earlier transactional test ends by emptying every table; put back what migrations load.
        load_regions(Region)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        replies = app.control.ping(timeout=3)
        if not replies:
            pytest.fail(f"no Celery worker answered a ping on {app.conf.broker_url}")
        yield app
    finally:
        app.conf.task_always_eager = eager


def wait_for(fetch, what):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = fetch()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out after {TIMEOUT}s waiting for {what}")


def enqueue_export(user):
    with transaction.atomic():  # the task is sent when this commits (transaction.on_commit)
        job = job_enqueue(
            kind="export", user=user, title="t", params={"model": "core.enterprise", "query": ""}
        )
    return job


def finished(job):
    job.refresh_from_db()
    return job if job.status in (JobStatus.DONE, JobStatus.FAILED) else None


def test_export_job_round_trip(real_worker, make_user, make_enterprise):
    user = make_user(Role.INSPECTOR, HOME)
    ours = {make_enterprise(HOME).name, make_enterprise(HOME).name}
    theirs = make_enterprise(OTHER).name

    job = enqueue_export(user)
    job = wait_for(lambda: finished(job), f"export job {job.pk}")

    assert job.status == JobStatus.DONE, job.log or job.error
    assert job.result["rows"] == 2
    assert job.result_file.name.endswith(".xlsx")
    with job.result_file.open("rb") as stored:
        sheet = load_workbook(io.BytesIO(stored.read()), read_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 2  # header and the two enterprises in the user's county
    cells = {str(value) for row in rows[1:] for value in row if value is not None}
    assert ours <= cells
    assert theirs not in cells


def test_task_result_is_recorded(real_worker, make_user):
    job = enqueue_export(make_user(Role.INSPECTOR, HOME))
    wait_for(lambda: finished(job), f"export job {job.pk}")

    result = wait_for(
        lambda: TaskResult.objects.filter(task_name="core.run_job", task_args__contains=str(job.pk)).first(),
        f"the TaskResult of job {job.pk}",
    )
    assert result.status == "SUCCESS"
    assert str(job.pk) in result.result and JobStatus.DONE in result.result
    assert result.worker  # recorded by a worker, not run in this process
    assert not Job.objects.filter(status=JobStatus.PENDING).exists()
