"""Monitoring URLs for the access matrix: objects of Yangkou that other users must not reach."""

import datetime


def _alert(cast):
    from monitoring.services import alert_raise

    return alert_raise(
        household=cast.alice_household,
        rule="self_application",
        period=datetime.date(2026, 1, 5),
        evidence={"applicant": "洋口户主周一"},
        source="application",
    ).pk


def _case(cast):
    from monitoring.models import MonitoringCase

    return MonitoringCase.objects.get_or_create(
        household=cast.alice_household,
        defaults={
            "object_type": "sudden",
            "risk_types": ["illness"],
            "discovery_channel": "cadre_check",
            "identified_at": datetime.date(2026, 1, 6),
        },
    )[0].pk


def _roster(cast):
    """A roster of a department other than Erin's (人社局): Erin must not see it."""
    from monitoring.models import DepartmentRoster
    from tests.factories import DepartmentFactory

    other = DepartmentFactory(code="mzj-test", name="民政局（测试）")
    return DepartmentRoster.objects.get_or_create(
        title="洋口户主周一 名单",
        defaults={"department": other, "fact": "disability", "period": datetime.date(2026, 1, 1)},
    )[0].pk


def _markers(cast):
    _alert(cast)
    _case(cast)
    _roster(cast)
    return ["洋口户主周一 名单"]


FOREIGN_KWARGS = {"alert_pk": _alert, "case_pk": _case, "roster_pk": _roster, "action": lambda cast: "review"}
LIST_URLS = {
    "monitoring:alert_list",
    "monitoring:visits_due",
    "monitoring:visits_overdue",
    "monitoring:annual_income_list",
    "monitoring:income_unknown",
    "monitoring:case_list",
    "monitoring:roster_list",
    "monitoring:roster_upload",
    "monitoring:thresholds_list",
}
MARKERS = _markers
