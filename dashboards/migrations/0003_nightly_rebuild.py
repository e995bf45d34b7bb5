"""Default schedule of the nightly rebuild of the figures tables: 00:01, editable in the admin.

After midnight on the first of a month the twelve-month income window has moved; until this job
has run the income bands are counted from the ledgers (dashboards.summary.income_window_ready).
"""

from django.db import migrations

NAME = "数据看板：重算统计表"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="1", hour="0", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    # get_or_create by name: an administrator's later edits to the schedule are kept.
    PeriodicTask.objects.get_or_create(name=NAME, defaults={"task": "dashboards.rebuild_figures", "crontab": crontab})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0002_figures_tables"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
