from django.db import migrations


def seed(apps, schema_editor):
    from assistance.seed_data import POLICY_TASKS, SUGGESTIONS

    Department = apps.get_model("accounts", "Department")
    PolicyTask = apps.get_model("assistance", "PolicyTask")
    TaskAssignment = apps.get_model("assistance", "TaskAssignment")
    MeasureSuggestion = apps.get_model("assistance", "MeasureSuggestion")
    departments = {d.code: d for d in Department.objects.all()}
    for order, (code, section, title, text, dept_codes, leads) in enumerate(POLICY_TASKS, start=1):
        task, _ = PolicyTask.objects.update_or_create(
            code=code, defaults={"section": section, "title": title, "text": text, "sort_order": order}
        )
        for index, dept_code in enumerate(dept_codes):
            if dept_code in departments:
                TaskAssignment.objects.update_or_create(
                    task=task, department=departments[dept_code], defaults={"is_lead": index < leads}
                )
    for order, (risk, measure_type, dept_code, description) in enumerate(SUGGESTIONS, start=1):
        if dept_code in departments:
            MeasureSuggestion.objects.update_or_create(
                risk_type=risk,
                measure_type=measure_type,
                department=departments[dept_code],
                defaults={"description": description, "sort_order": order},
            )


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, hour in [
        ("assistance: flag late progress reports", "assistance.tasks.flag_late_reports", "6"),
        ("assistance: flag cases without measures", "assistance.tasks.flag_cases_without_measures", "6"),
    ]:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute="30", hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
        )
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0001_initial"),
        ("accounts", "0003_seed_departments"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(schedule, migrations.RunPython.noop),
    ]
