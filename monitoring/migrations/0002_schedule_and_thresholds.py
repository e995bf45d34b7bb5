"""Default schedules of the monitoring jobs (editable in the admin) and a first year's thresholds.

Screening runs every night at 2:00, the digest every morning at 7:30. The thresholds seeded are
sensible defaults from public county practice; the administrator sets the province's figures.
"""

from decimal import Decimal

from django.db import migrations

JOBS = [
    ("监测预警：每日风险筛查", "monitoring.screen", "0", "2"),
    ("监测预警：每日提醒汇总", "monitoring.digest", "30", "7"),
]


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour in JOBS:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
        )
        # get_or_create by name: an administrator's later edits to the schedule are kept.
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})
    Thresholds = apps.get_model("monitoring", "Thresholds")
    Thresholds.objects.get_or_create(year=2026, defaults={"income_line": Decimal("8800")})


def unschedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[job[0] for job in JOBS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
