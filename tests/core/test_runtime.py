"""A serving process freezes its start-up heap (wagecase.core.runtime): the web entry point and each
Celery worker process."""
import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def unfreeze():
    yield
    gc.unfreeze()


def test_the_startup_heap_is_frozen_after_the_views_are_loaded(unfreeze):
    from wagecase.core.runtime import freeze_startup_heap

    gc.collect()
    tracked = len(gc.get_objects())
    frozen = freeze_startup_heap()
    assert "complaints.api.views" in sys.modules and "projects.views" in sys.modules  # the URLconf's views
    assert frozen > 0.9 * tracked and tracked > 10_000  # its own collection may free a few more
    assert len(gc.get_objects()) < tracked / 10  # what a full collection still traverses


def test_each_celery_worker_process_freezes_its_heap(unfreeze):
    from celery.signals import worker_process_init

    import wagecase.celery  # noqa: F401 -- connects the handler

    assert gc.get_freeze_count() == 0
    worker_process_init.send(sender=None)
    assert gc.get_freeze_count() > 10_000


def test_the_web_entry_point_freezes_its_heap():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "wagecase.settings.local"}
    out = subprocess.run([sys.executable, "-c", "import gc, wagecase.wsgi; print(gc.get_freeze_count())"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert int(out.stdout.split()[-1]) > 50_000
