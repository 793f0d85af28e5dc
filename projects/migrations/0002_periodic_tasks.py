"""Nightly recomputation of project compliance and warnings, as a database schedule (django-celery-beat)."""
from django.db import migrations
from django.utils import timezone

TASK_NAME = "项目合规与预警重算 / refresh project compliance and warnings"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="10", hour="1", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    _task, created = PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={"task": "projects.refresh_all", "crontab": crontab, "enabled": True,
                  "description": "每天 01:10 重算在建项目的五项制度得分与预警。"},
    )
    if created:
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(create, remove)]
