"""Service functions of the shared core: journal notes and background jobs."""
import io
import logging
import traceback

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from .choices import ChangeSource, JobStatus
from .context import change_context
from .models import Job, JournalEntry

logger = logging.getLogger(__name__)

# kind -> handler(job, progress) ; handlers are registered by the apps (see jobs.py)
JOB_HANDLERS = {}


def register_job_handler(kind):
    def decorator(func):
        JOB_HANDLERS[kind] = func
        return func

    return decorator


def journal_add(*, obj, user, comments, kind="info"):
    entry = JournalEntry(
        assigned_object_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        assigned_object_id=str(obj.pk),
        created_by=user,
        kind=kind,
        comments=comments,
    )
    entry.full_clean()
    entry.save()
    return entry


def job_enqueue(*, kind, user, title, params=None):
    """Create a job and queue it once the surrounding transaction commits."""
    from .tasks import run_job

    if kind not in JOB_HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(kind=kind, user=user, title=title, params=params or {})
    transaction.on_commit(lambda: run_job.delay(str(job.pk)))
    return job


class JobProgress:
    """What a handler uses to report: totals, steps done and log lines (saved in batches)."""

    def __init__(self, job):
        self.job = job

    def set_total(self, total):
        self.job.total = total
        Job.objects.filter(pk=self.job.pk).update(total=total)

    def advance(self, n=1):
        self.job.done += n
        Job.objects.filter(pk=self.job.pk).update(done=self.job.done)

    def log(self, line):
        self.job.log += f"{timezone.localtime():%H:%M:%S} {line}\n"
        Job.objects.filter(pk=self.job.pk).update(log=self.job.log)


def job_run(*, job_id):
    """Run a queued job: mark it running, call its handler in the job owner's change context,
    store the result, mark it done or failed."""
    job = Job.objects.select_related("user").get(pk=job_id)
    if job.status != JobStatus.PENDING:
        return job
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started=timezone.now())
    job.status = JobStatus.RUNNING
    progress = JobProgress(job)
    try:
        with change_context(source=ChangeSource.TASK, user=job.user, label=f"job {job.kind} {job.pk}"):
            outcome = JOB_HANDLERS[job.kind](job, progress)
    except Exception as exc:  # the job records the failure; the worker goes on
        logger.exception("job %s failed", job.pk)
        job.refresh_from_db()
        job.status = JobStatus.FAILED
        job.error = f"{exc}"
        job.log += traceback.format_exc(limit=5)
        job.finished = timezone.now()
        job.save(update_fields=["status", "error", "log", "finished"])
        return job
    job.refresh_from_db()
    if isinstance(outcome, dict) and "file" in outcome:
        name, content = outcome.pop("file")
        if isinstance(content, (bytes, str)):
            content = ContentFile(content)
        job.result_file.save(name, content, save=False)  # a File (on disk) is copied to storage in chunks
        content.close()
    job.result = outcome
    job.status = JobStatus.DONE
    job.finished = timezone.now()
    job.save(update_fields=["result_file", "result", "status", "finished"])
    return job


def xlsx_file(write):
    """Like xlsx_bytes, into a temporary file on disk (a django File, deleted when closed): a large
    export is streamed from the database to the disk and never held in memory whole."""
    import tempfile

    from django.core.files import File
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    write(workbook)
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return File(handle)


def xlsx_bytes(write):
    """Build a workbook in write-only mode; `write(workbook)` adds the sheets."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    write(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
