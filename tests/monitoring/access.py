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


def _step(cast):
    from monitoring.models import CaseStep

    return CaseStep.objects.get_or_create(
        case_id=_case(cast), procedure="identification", run=1, kind="household_check",
        defaults={"done_on": datetime.date(2026, 1, 7)},
    )[0]  # fmt: skip


def _evidence(cast):
    from django.core.files.base import ContentFile

    from monitoring.models import StepEvidence

    step = _step(cast)
    found = StepEvidence.objects.filter(step=step).first()
    if found is None:
        found = StepEvidence(step=step, kind="authorisation", original_name="洋口授权书.jpg")
        found.file.save("auth.jpg", ContentFile(b"scan"), save=True)
    return found.pk


def _notice(cast):
    from monitoring.models import PublicNotice

    notice, created = PublicNotice.objects.get_or_create(
        office="洋口镇监测站（矩阵）",
        defaults={
            "procedure": "identification", "township": cast.yangkou, "settlement": cast.yangkou_site,
            "starts_on": datetime.date(2026, 1, 8), "ends_on": datetime.date(2026, 1, 14), "office_phone": "0793-1",
        },
    )  # fmt: skip
    if created:
        notice.cases.add(_case(cast))
    return notice.pk


def _objection(cast):
    from monitoring.models import Objection

    return Objection.objects.get_or_create(
        notice_id=_notice(cast), case_id=_case(cast),
        defaults={"raised_on": datetime.date(2026, 1, 9), "raised_by": "洋口村民", "content": "洋口异议内容"},
    )[0].pk  # fmt: skip


def _markers(cast):
    _alert(cast)
    _case(cast)
    _roster(cast)
    _objection(cast)
    return ["洋口户主周一 名单", "洋口镇监测站（矩阵）", "洋口异议内容"]


def _visit_photo(cast):
    import datetime

    from django.core.files.base import ContentFile

    from monitoring.models import Visit, VisitPhoto

    visit = Visit.objects.create(
        household=cast.alice_household, visited_on=datetime.date(2025, 10, 8), findings="洋口回访标记",
        next_visit_on=datetime.date(2026, 1, 8),
    )  # fmt: skip
    photo = VisitPhoto(visit=visit)
    photo.image.save("门前.jpg", ContentFile(b"\xff\xd8\xff\xe0 not really a jpeg"), save=True)
    return photo.pk


FOREIGN_KWARGS = {
    "visit_photo_pk": _visit_photo,
    "alert_pk": _alert,
    "case_pk": _case,
    "roster_pk": _roster,
    "action": lambda cast: "long_term",
    "kind": lambda cast: "household_check",
    "evidence_pk": _evidence,
    "notice_pk": _notice,
    "objection_pk": _objection,
}
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
    "monitoring:notice_list",
    "monitoring:notice_create",
}
MARKERS = _markers

EXEMPT_URLS = {"monitoring:roster_template": "an empty roster workbook, the same for every bureau"}
