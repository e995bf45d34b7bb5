"""Overdue visits leave the alert queue: they are the work list 回访逾期 now.

Open overdue-visit alerts asked no decision of anyone (a visit clears them, not a verification). They
are closed as dismissed with the reason written on them, so that their history and the links in old
notifications stay; the households concerned are on the work list of overdue visits from now on.
Alerts already identified or dismissed are left as they are.
"""

from django.db import migrations
from django.utils import timezone

REASON = "回访逾期不再作为预警核实，已转入“回访逾期”工作清单（该户完成回访即移出清单）。"


def close_open_overdue_alerts(apps, schema_editor):
    Alert = apps.get_model("monitoring", "Alert")
    Alert.objects.filter(rule="visit_overdue", status="open").update(
        status="dismissed", resolution=REASON, resolved_at=timezone.now()
    )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0006_alert_rule_loan_overdue")]

    operations = [migrations.RunPython(close_open_overdue_alerts, migrations.RunPython.noop)]
