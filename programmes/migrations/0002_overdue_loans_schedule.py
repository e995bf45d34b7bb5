"""Default schedule of the overdue-loan job: every morning at 6:50, editable in the admin."""

from django.db import migrations

JOBS = [("后续扶持项目：逾期贷款预警", "programmes.flag_overdue_loans", "50")]


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute in JOBS:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour="6", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
        )
        # get_or_create by name: an administrator's later edits to the schedule are kept.
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def unschedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, _task, _minute in JOBS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
