"""Demo monitoring cases at several steps of the procedure (演示数据均为虚构), written through its services.

In 洋口镇: one case confirmed after the whole chain, one waiting on its public notice, two on a notice
that is up (one of them with an open objection), one at the household check, and a fast-lane case at
the department cross-check. Uploads are small generated images that say they are made up. A case is
matched by its household, so a second run adds nothing.
"""

import datetime
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from accounts.models import User
from relocation.models import Household

from . import procedure, services
from .models import Alert, Application, MonitoringCase, Objection, ObjectionOffice, RiskType, StepKind

K = StepKind
NOTE = "（示例）"
OBJECTOR = "村民李某（示例）"


def _scan(name: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (400, 240), "white")
    ImageDraw.Draw(image).text((20, 100), "DEMO - made up", fill="black")
    out = BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile(f"{name}.png", out.getvalue(), content_type="image/png")


def _users():
    get = User.objects.filter(is_active=True).order_by("pk")
    return (
        get.filter(username="township_yangkou").first(),
        get.filter(username="township_yangkou_review").first(),
        get.filter(username="district_office").first(),
    )


def _open(alert: Alert, staff, days_ago: int, today, *, fast_lane=False) -> MonitoringCase:
    household = alert.household
    object_type = procedure.allowed_object_types(household)[-1 if fast_lane else 0]
    risk = {
        "medical_expense": RiskType.ILLNESS,
        "roster_hit": RiskType.UNSTABLE_EMPLOYMENT,
        "zero_employment": RiskType.LACK_OF_LABOUR,
    }.get(alert.rule, RiskType.UNSTABLE_EMPLOYMENT)
    return procedure.case_open(
        alert=alert,
        object_type=object_type,
        risk_types=[risk],
        discovery_channel=MonitoringCase.Channel.SYSTEM_SCREENING,
        identified_at=today - datetime.timedelta(days=days_ago),
        fast_lane=fast_lane,
        notes=f"{NOTE}家中主要劳动力突发重病住院" if fast_lane else "",
        actor=staff,
    )


def _check(case, staff, day):
    procedure.step_household_check(
        case=case,
        done_on=day,
        actors=[staff],
        other_actors="村干部王某（示例）",
        findings=f"{NOTE}入户核实：收入下降属实，家中无车辆、无经营实体。",
        evidence=[_scan("承诺授权书")],
        actor=staff,
    )


def _cross(case, staff, day):
    procedure.step_cross_check(
        case=case,
        done_on=day,
        findings={"vehicles": f"{NOTE}公安：名下无车辆", "real_estate": f"{NOTE}自然资源：仅安置房一套"},
        actor=staff,
    )


def _village(case, staff, day):
    procedure.step_village_review(
        case=case, done_on=day, participants=23, passed=True, minutes=[_scan("评议会议记录")], actor=staff
    )


def _objection_offices(township) -> None:
    """The offices taking objections, as an administrator sets them: the district's default and 洋口镇's."""
    ObjectionOffice.objects.get_or_create(
        township=None, defaults={"office": "广丰区防返贫监测办公室（示例）", "office_phone": "0793-2699999"}
    )
    if township is not None:
        ObjectionOffice.objects.get_or_create(
            township=township, defaults={"office": "洋口镇防返贫监测工作站（示例）", "office_phone": "0793-2600000"}
        )


def seed_procedure_cases(today: datetime.date) -> int:
    """Cases at several steps for the households of 洋口镇 with open alerts; returns how many were opened."""
    staff, reviewer, office = _users()
    if staff is None or reviewer is None or office is None:
        return 0
    if Objection.objects.filter(raised_by=OBJECTOR).exists():  # seeded before
        return 0
    # Six households of 洋口镇 without a case: an open alert is the clue, else a cadre's check report. The
    # last takes the fast lane, which is for 突发严重困难户 only: a household not lifted out of poverty.
    candidates = list(
        Household.objects.filter(township__name="洋口镇", monitoring_cases__isnull=True, members__isnull=False)
        .distinct()
        .order_by("code")[:60]
    )
    sudden = next((h for h in candidates if h.household_type != Household.Type.LIFTED), None)
    rest = [h for h in candidates if h != sudden]
    households = rest[:5] + ([sudden] if sudden else rest[5:6])
    if len(households) < 6:
        return 0
    _objection_offices(staff.townships.filter(name="洋口镇").first())
    chosen = []
    for household in households:
        alert = Alert.objects.open().filter(household=household).order_by("rule").first()
        if alert is None:
            alert = services.application_record(
                household=household,
                applied_on=today - datetime.timedelta(days=17),
                applicant=staff.display_name,
                description=f"{NOTE}干部排查发现该户务工收入明显下降",
                channel=Application.Channel.CADRE_CHECK,
                actor=staff,
            ).alert
        chosen.append(alert)
    day = lambda n: today - datetime.timedelta(days=n)  # noqa: E731

    # 1. The whole chain, confirmed by the district.
    confirmed = _open(chosen[0], staff, 16, today)
    _check(confirmed, staff, day(15))
    _cross(confirmed, staff, day(13))
    _village(confirmed, staff, day(11))
    notice = procedure.notice_publish(
        cases=[confirmed],
        starts_on=day(10),
        ends_on=day(6),
        actor=staff,
    )
    procedure.notice_take_down(notice=notice, taken_down_on=day(5), actor=staff)
    procedure.step_review(
        case=confirmed, kind=K.TOWNSHIP_REVIEW, done_on=day(4), passed=True, note=f"{NOTE}审核通过", actor=reviewer
    )
    procedure.step_review(
        case=confirmed, kind=K.DISTRICT_CONFIRMATION, done_on=day(3), passed=True, note=f"{NOTE}审定", actor=office
    )

    # 2. and 3. On a notice that is up; one of them has an objection not yet resolved.
    on_notice = []
    for alert in chosen[1:3]:
        case = _open(alert, staff, 9, today)
        _check(case, staff, day(8))
        _cross(case, staff, day(6))
        _village(case, staff, day(4))
        on_notice.append(case)
    same_place = [c for c in on_notice if _place(c) == _place(on_notice[0])]
    posted = procedure.notice_publish(
        cases=same_place,
        starts_on=day(3),
        ends_on=day(3) + datetime.timedelta(days=6),
        actor=staff,
    )
    procedure.objection_record(
        notice=posted,
        case=same_place[0],
        raised_on=day(1),
        raised_by=OBJECTOR,
        content=f"{NOTE}反映该户子女在外务工收入较高。",
        actor=staff,
    )

    # 4. Waiting on its notice: the village review is done, no notice drawn up yet.
    waiting = _open(chosen[3], staff, 6, today)
    _check(waiting, staff, day(5))
    _cross(waiting, staff, day(3))
    _village(waiting, staff, day(1))

    # 5. Just opened: the household check is next.
    _open(chosen[4], staff, 1, today)

    # 6. Fast lane (a 突发严重困难户): help started at once, the cross-check is next.
    fast = _open(chosen[5], staff, 2, today, fast_lane=chosen[5].household == sudden)
    _check(fast, staff, day(1))
    return 6


def _place(case) -> tuple:
    h: Household = case.household
    return (h.township_id, h.settlement_id, h.village_id)
