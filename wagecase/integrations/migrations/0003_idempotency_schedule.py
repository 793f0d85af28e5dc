"""The daily purge of expired Idempotency-Keys as a django-celery-beat periodic task (editable in
admin): `integrations.purge_idempotency` deletes the records older than 24 hours."""
from django.db import migrations
from django.utils import timezone

TASK_NAME = "清理过期幂等键 / purge expired idempotency keys"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute="10", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai")
    _task, created = PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "integrations.purge_idempotency",
            "crontab": crontab,
            "enabled": True,
            "description": "每天 03:10（北京时间）删除超过 24 小时的 Idempotency-Key 记录。"
            " Daily at 03:10 Beijing time: delete the Idempotency-Key records older than 24 hours.",
        },
    )
    if created:
        # Historical models send no signals: tell a running beat that the schedule changed.
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0002_webhook_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
