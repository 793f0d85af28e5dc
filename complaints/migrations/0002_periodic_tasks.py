"""The daily deadline reminders of clues, stored as a django-celery-beat schedule (editable in admin)."""
from django.db import migrations
from django.utils import timezone

TASK_NAME = "线索期限提醒 / clue deadline reminders"
CRONTAB = {"minute": "0", "hour": "7", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*",
           "timezone": "Asia/Shanghai"}


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    crontab, _created = CrontabSchedule.objects.get_or_create(**CRONTAB)
    _task, created = PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={"task": "complaints.deadline_notifications", "crontab": crontab, "enabled": True,
                  "description": "每天 07:00（北京时间）提醒进入预警期或已超期的线索。"
                  " Daily at 07:00 Beijing time: notify clues in their warning period or overdue."},
    )
    if created:
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
