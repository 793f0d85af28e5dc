"""The daily overdue marking of rectification orders, stored as a django-celery-beat schedule (editable in admin)."""
from django.db import migrations
from django.utils import timezone

TASK_NAME = "整改逾期标记 / mark overdue rectification orders"
CRONTAB = {"minute": "15", "hour": "1", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*",
           "timezone": "Asia/Shanghai"}


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    crontab, _created = CrontabSchedule.objects.get_or_create(**CRONTAB)
    _task, created = PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={"task": "inspections.orders_mark_overdue", "crontab": crontab, "enabled": True,
                  "description": "每天 01:15（北京时间）将超过整改期限的整改指令标记为逾期。"
                  " Daily at 01:15 Beijing time: open orders past their deadline become overdue."},
    )
    if created:
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
