"""Store the core's periodic schedules in the database (django-celery-beat), where administrators
change them in admin; beat reads them through the DatabaseScheduler set in settings."""
from django.db import migrations
from django.utils import timezone

CALENDAR_TASK_NAME = "刷新节假日安排 / refresh calendar"
CALENDAR_CRONTAB = {
    "minute": "30",
    "hour": "2",
    "day_of_week": "*",
    "day_of_month": "*",
    "month_of_year": "*",
    "timezone": "Asia/Shanghai",
}


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")

    crontab, _created = CrontabSchedule.objects.get_or_create(**CALENDAR_CRONTAB)
    _task, created = PeriodicTask.objects.get_or_create(
        name=CALENDAR_TASK_NAME,
        defaults={
            "task": "core.refresh_calendar",
            "crontab": crontab,
            "enabled": True,
            "description": "每天 02:30（北京时间）从 chinese-calendar 补充数据库中缺少的节假日安排。"
            " Nightly at 02:30 Beijing time: load holiday schedules the database lacks.",
        },
    )
    if created:
        # Historical models send no signals: tell a running beat that the schedule changed.
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTask.objects.filter(name=CALENDAR_TASK_NAME).delete()
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_load_calendar"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
