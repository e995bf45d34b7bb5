"""Policy tasks go only to the townships concerned (有关乡镇), and to none for 三、1–3.

Marks the three work requirements whose text names no township (seed_data.NO_TOWNSHIPS), then
removes every township assignment the rule would not make — a task not naming the townships, or a
township with neither a settlement site nor dispersed households — unless the township has already
filed a report on it (those are kept, with their reports). Idempotent: the test suite runs it again.
"""

from django.db import migrations
from django.db.models import Exists, OuterRef, Q


def apply_rule(apps, schema_editor):
    from assistance.seed_data import NO_TOWNSHIPS

    PolicyTask = apps.get_model("assistance", "PolicyTask")
    TaskAssignment = apps.get_model("assistance", "TaskAssignment")
    ProgressReport = apps.get_model("assistance", "ProgressReport")
    Settlement = apps.get_model("settlements", "Settlement")
    Household = apps.get_model("relocation", "Household")
    PolicyTask.objects.filter(code__in=NO_TOWNSHIPS).update(townships_concerned=False)
    sites = Settlement.objects.filter(township=OuterRef("township_id"))
    dispersed = Household.objects.filter(township=OuterRef("township_id"), settlement__isnull=True)
    reports = ProgressReport.objects.filter(assignment=OuterRef("pk"))
    outside_rule = Q(task__townships_concerned=False) | ~(Q(Exists(sites)) | Q(Exists(dispersed)))
    stale = TaskAssignment.objects.filter(township__isnull=False).filter(outside_rule).filter(~Q(Exists(reports)))
    TaskAssignment.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0006_task_assignment_history"),
        ("relocation", "0001_initial"),
        ("settlements", "0004_request_answer_permission"),
    ]
    operations = [migrations.RunPython(apply_rule, migrations.RunPython.noop)]
