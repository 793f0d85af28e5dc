"""The daily expiry of listings and recomputation of ratings, as django-celery-beat schedules (editable in admin)."""
from django.db import migrations
from django.utils import timezone

TASKS = [
    ("失信名单到期移出 / credit-punishment listings expiry", "blacklist.expire_listings", "20", "0",
     "每天 00:20（北京时间）将满三年的失信联合惩戒对象移出名单。 Daily at 00:20 Beijing time: listings whose 3-year term ended leave the list."),
    ("守法诚信等级重算 / labour-compliance ratings", "blacklist.recompute_ratings", "40", "2",
     "每天 02:40（北京时间）按企业记录重算守法诚信等级。 Daily at 02:40 Beijing time: recompute the A/B/C ratings."),
]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    changed = False
    for name, task, minute, hour, description in TASKS:
        crontab, _created = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai")
        _task, created = PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "crontab": crontab, "enabled": True, "description": description})
        changed = changed or created
    if changed:
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[t[0] for t in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("blacklist", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
