"""Every task whose text names the townships concerned (有关乡镇) is assigned to every township.

Idempotent (get_or_create): run again, and after townships are added, by
``manage.py assistance_assign_townships``, which does the same through ``services``.
"""

from django.db import migrations


def assign_townships(apps, schema_editor):
    PolicyTask = apps.get_model("assistance", "PolicyTask")
    TaskAssignment = apps.get_model("assistance", "TaskAssignment")
    Township = apps.get_model("settlements", "Township")
    townships = list(Township.objects.all())
    for task in PolicyTask.objects.filter(townships_concerned=True):
        for township in townships:
            TaskAssignment.objects.get_or_create(task=task, township=township)


def unassign_townships(apps, schema_editor):
    # Back to department-only assignments; refused (ProtectedError) while a township has reports.
    apps.get_model("assistance", "TaskAssignment").objects.filter(township__isnull=False).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0004_township_assignments"),
        ("settlements", "0004_request_answer_permission"),
    ]
    operations = [migrations.RunPython(assign_townships, unassign_townships)]
