"""The scheduled reports as django-celery-beat schedules (editable in admin): the weekly dispatch
report every Monday morning, the monthly report on the 1st, the quarterly bulletin on the 1st of a quarter."""
import json

from django.db import migrations
from django.utils import timezone

TASKS = [
    ("周调度表 / weekly dispatch reports", "weekly", {"minute": "30", "hour": "6", "day_of_week": "1", "day_of_month": "*",
                                                     "month_of_year": "*"},
     "每周一 06:30（北京时间）为各县区、市生成上周的周调度表。 Mondays 06:30 Beijing time: last week's report of every office."),
    ("月报表 / monthly reports", "monthly", {"minute": "0", "hour": "7", "day_of_week": "*", "day_of_month": "1",
                                            "month_of_year": "*"},
     "每月1日 07:00 生成上月的月报表。 The 1st of each month, 07:00: last month's report."),
    ("日报缺报提醒 / missing daily reports", "daily", {"minute": "0", "hour": "10", "day_of_week": "*", "day_of_month": "*",
                                                   "month_of_year": "*"},
     "每天 10:00 将前一日未报送日报（含零报告）的县区提示给市根治欠薪办。 Daily 10:00: counties without yesterday's report."),
    ("季度通报 / quarterly bulletins", "quarterly", {"minute": "30", "hour": "7", "day_of_week": "*", "day_of_month": "1",
                                                    "month_of_year": "1,4,7,10"},
     "每季度首日 07:30 生成上季度通报。 The first day of each quarter, 07:30: last quarter's bulletin."),
]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    changed = False
    for name, kind, crontab, description in TASKS:
        schedule, _created = CrontabSchedule.objects.get_or_create(timezone="Asia/Shanghai", **crontab)
        task, kwargs = ("reports.flag_missing_daily", {}) if kind == "daily" else ("reports.scheduled_reports", {"kind": kind})
        _task, created = PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "crontab": schedule, "enabled": True,
                                 "kwargs": json.dumps(kwargs), "description": description})
        changed = changed or created
    if changed:
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[t[0] for t in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
