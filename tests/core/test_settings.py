"""Deployment configuration: production settings pass `check --deploy` and refuse to start without a
secret; the periodic schedules live in the database; translations compile without gettext."""
import gettext
import importlib
import os
import secrets
import subprocess
import sys

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from wagecase.celery import app as celery_app

periodic_migration = importlib.import_module("wagecase.core.migrations.0004_periodic_tasks")


def run_production(args, **env):
    """Run manage.py under the production settings in a clean process with the given environment."""
    environ = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG", "CACHE_URL")}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args, "--settings=wagecase.settings.production"],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean():
    done = run_production(
        ["check", "--deploy", "--fail-level", "WARNING"],
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="wagecase.example.cn",
        DEBUG="0",
        CACHE_URL="redis://127.0.0.1:6379/1",  # the checks need no running Redis
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNINGS" not in output and "ERRORS" not in output, output


def test_check_deploy_catches_a_weak_secret():
    # The clean result above means something only if the deploy checks do run here.
    done = run_production(["check", "--deploy", "--fail-level", "WARNING"], SECRET_KEY="short", ALLOWED_HOSTS="x", DEBUG="0")
    assert done.returncode != 0
    assert "security.W009" in done.stdout + done.stderr


def test_production_without_secret_key_refuses_to_start():
    done = run_production(["check"], ALLOWED_HOSTS="wagecase.example.cn", DEBUG="0")
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "SECRET_KEY" in done.stderr


def test_calendar_refresh_is_scheduled_in_the_database(db):
    task = PeriodicTask.objects.select_related("crontab").get(name=periodic_migration.CALENDAR_TASK_NAME)
    assert task.task == "core.refresh_calendar" and task.enabled
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week) == ("30", "2", "*")
    assert str(crontab.timezone) == "Asia/Shanghai"

    celery_app.loader.import_default_modules()
    assert task.task in celery_app.tasks  # the stored name points at a registered task


def test_periodic_task_migration_is_idempotent(db):
    periodic_migration.create(django_apps, None)
    assert PeriodicTask.objects.filter(name=periodic_migration.CALENDAR_TASK_NAME).count() == 1
    assert CrontabSchedule.objects.filter(minute="30", hour="2").count() == 1


def test_compile_translations(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    call_command("compile_translations")  # nothing to compile is fine

    po = tmp_path / "zh_Hans" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        'msgid "Case"\nmsgstr "案件"\n\n'
        '#, fuzzy\nmsgid "Clue"\nmsgstr "线索"\n\n'
        'msgctxt "month"\nmsgid "May"\nmsgstr "五月"\n\n'
        'msgid "%(n)d row"\nmsgid_plural "%(n)d rows"\nmsgstr[0] "%(n)d 行"\n',
        encoding="utf-8",
    )
    call_command("compile_translations")

    with open(po.with_suffix(".mo"), "rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    assert catalogue.gettext("Case") == "案件"
    assert catalogue.gettext("Clue") == "Clue"  # fuzzy entries are left out, as msgfmt does
    assert catalogue.pgettext("month", "May") == "五月"
    assert catalogue.ngettext("%(n)d row", "%(n)d rows", 3) == "%(n)d 行"


def test_compile_translations_reports_a_broken_catalogue(tmp_path, settings):
    from django.core.management.base import CommandError

    settings.LOCALE_PATHS = [tmp_path]
    po = tmp_path / "en" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid "Case"\nmsgstr "案件"\nnonsense "x"\n', encoding="utf-8")
    with pytest.raises(CommandError, match="django.po"):
        call_command("compile_translations")


def test_healthz_answers_without_login(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200 and response.content == b"ok"


def test_production_without_shared_cache_fails_the_checks():
    # The public pages' rate limits must count across processes: production insists on Redis.
    done = run_production(["check"], SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="x", DEBUG="0")
    assert done.returncode != 0
    assert "django_ratelimit.E003" in done.stdout + done.stderr
