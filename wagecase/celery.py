"""The Celery application; configured from Django settings (namespace CELERY_)."""
import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wagecase.settings.local")

app = Celery("wagecase")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _settle_worker_process(**kwargs):
    """Each worker process, once started: see wagecase.core.runtime.freeze_startup_heap."""
    from wagecase.core.runtime import freeze_startup_heap

    freeze_startup_heap()
