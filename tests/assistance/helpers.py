"""Helpers for the assistance tests: a monitoring case and a measure on a household."""

import datetime

from django.utils import timezone

from accounts.models import Department


def open_case(household, risk_types=("illness",), days_ago=0, status="approved"):
    from monitoring.models import MonitoringCase

    return MonitoringCase.objects.create(
        household=household,
        object_type=MonitoringCase.ObjectType.UNSTABLE,
        risk_types=list(risk_types),
        discovery_channel=MonitoringCase.Channel.CADRE_CHECK,
        status=status,
        identified_at=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


def measure_for(household, department_code="mzj", actor=None, description="临时救助"):
    from assistance import services

    plan = services.plan_create(household=household, summary="因病支出大", actor=actor)
    return services.measure_create(
        plan=plan,
        measure_type="relief",
        description=description,
        department=Department.objects.get(code=department_code),
        cadre="张干部",
        actor=actor,
    )
