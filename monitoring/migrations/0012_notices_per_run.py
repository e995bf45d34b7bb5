# Staff notices of screening alerts are kept per run (ScreeningRun.notified_at), not per alert: marking
# each of the 400,000 alerts of a first run at a million households took longer than raising them.
# Incremental screening finds the annual income accountings changed since the last run by an index.

from django.db import migrations, models


def runs_told(apps, schema_editor):
    # A finished run whose stamped alerts were all announced (or that stamped none) was told.
    Alert = apps.get_model("monitoring", "Alert")
    ScreeningRun = apps.get_model("monitoring", "ScreeningRun")
    for run in ScreeningRun.objects.exclude(status="running").iterator():
        untold = Alert.objects.filter(
            source="screening",
            notified_at__isnull=True,
            created_at__gte=run.started_at,
            created_at__lte=run.finished_at or run.heartbeat_at or run.started_at,
        )
        if not untold.exists():
            ScreeningRun.objects.filter(pk=run.pk).update(notified_at=run.finished_at or run.started_at)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0011_objection_office"),
    ]

    operations = [
        migrations.AddField(
            model_name="screeningrun",
            name="notified_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="staff notified at"),
        ),
        migrations.RunPython(runs_told, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="alert",
            name="alert_not_notified",
        ),
        migrations.RemoveField(
            model_name="alert",
            name="notified_at",
        ),
        migrations.AddIndex(
            model_name="annualincome",
            index=models.Index(fields=["updated_at"], name="annual_income_updated"),
        ),
    ]
