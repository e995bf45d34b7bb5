"""Default schedule of the nightly deletion of old uploaded workbooks: 03:30, editable in the admin."""

from django.db import migrations

NAME = "Excel导入：删除过期的上传文件"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    # get_or_create by name: an administrator's later edits to the schedule are kept.
    PeriodicTask.objects.get_or_create(name=NAME, defaults={"task": "exchange.purge_old_files", "crontab": crontab})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
