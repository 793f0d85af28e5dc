"""The webhook retry schedule as a django-celery-beat periodic task (editable in admin): every minute,
`integrations.retry_webhooks` queues the deliveries whose next attempt is due."""
from django.db import migrations
from django.utils import timezone

TASK_NAME = "重试 webhook 投递 / retry webhook deliveries"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")

    every_minute, _created = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    _task, created = PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "integrations.retry_webhooks",
            "interval": every_minute,
            "enabled": True,
            "description": "每分钟把到期的 webhook 重试（30秒、2分、8分、32分、2小时、6小时）交给 worker 发送。"
            " Every minute: queue the webhook deliveries whose retry (30 s, 2 min, 8 min, 32 min, 2 h, 6 h) is due.",
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
        ("integrations", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
