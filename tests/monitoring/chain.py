"""Walking a case through the procedure's steps, for the tests (dates relative to today)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from monitoring import procedure, services
from monitoring.models import StepKind
from tests.factories import UserFactory

K = StepKind


def day(n: int) -> datetime.date:
    """``n`` days ago."""
    return timezone.localdate() - datetime.timedelta(days=n)


def scan(name="授权书.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\xff\xd8\xff\xe0 scan", content_type="image/jpeg")


def reviewer_of(township, username="alice_review"):
    """A second cadre of the township: reviews what Alice checked."""
    return UserFactory(username=username, full_name="汪审核", role="township_staff", townships=[township])


def office_user(username="olivia"):
    return UserFactory(username=username, full_name="程审定", role="district_office", district_wide=True)


def open_case(cast, *, household=None, object_type="unstable", days_ago=14, actor=None, fast_lane=False, risks=None):
    household = household or cast.alice_household
    alert = services.alert_raise(
        household=household, rule="cadre_check", period=day(days_ago), evidence={"x": 1}, source="other"
    )
    return procedure.case_open(
        alert=alert,
        object_type=object_type,
        risk_types=risks or ["illness"],
        discovery_channel="cadre_check",
        identified_at=day(days_ago),
        fast_lane=fast_lane,
        notes="突发重病" if fast_lane else "",
        actor=actor or cast.alice,
    )


def check(case, actor, others=(), on=12, other_actors="村干部王某"):
    return procedure.step_household_check(
        case=case, done_on=day(on), actors=list(others), other_actors=other_actors, findings="属实",
        evidence=[scan()], actor=actor,
    )  # fmt: skip


def cross(case, actor, on=11):
    return procedure.step_cross_check(case=case, done_on=day(on), findings={"vehicles": "无车辆"}, actor=actor)


def village(case, actor, on=10, passed=True):
    return procedure.step_village_review(
        case=case, done_on=day(on), participants=21, passed=passed, minutes=[scan("记录.pdf")], actor=actor,
        note="" if passed else "评议未通过",
    )  # fmt: skip


def notice(cases, actor, start=9, days=5):
    return procedure.notice_publish(
        cases=cases, starts_on=day(start), ends_on=day(start) + datetime.timedelta(days=days - 1),
        office="镇监测站", office_phone="0793-2600000", actor=actor,
    )  # fmt: skip


def review(case, actor, kind=K.TOWNSHIP_REVIEW, on=3, passed=True):
    return procedure.step_review(
        case=case, kind=kind, done_on=day(on), passed=passed, note="" if passed else "不符合条件", actor=actor
    )


def identify_fully(cast, *, reviewer=None, office=None, **open_kwargs):
    """A case walked through the whole identification: checked by Alice, reviewed, confirmed."""
    reviewer = reviewer or reviewer_of(cast.yangkou)
    office = office or office_user()
    case = open_case(cast, **open_kwargs)
    check(case, cast.alice)
    cross(case, cast.alice)
    village(case, cast.alice)
    posted = notice([case], cast.alice)
    procedure.notice_take_down(notice=posted, taken_down_on=day(4), actor=cast.alice)
    review(case, reviewer, on=3)
    review(case, office, kind=K.DISTRICT_CONFIRMATION, on=2)
    case.refresh_from_db()
    return case


# Risk elimination -------------------------------------------------------------------------------


def eligible_case(cast):
    """A confirmed case whose household meets every precondition of elimination today."""
    from monitoring.models import Assessment, AssessmentMember, MonitoringCase

    from .helpers import give_ledger

    case = identify_fully(cast)
    MonitoringCase.objects.filter(pk=case.pk).update(identified_at=day(250))
    give_ledger(cast.alice_household, monthly_income=1000, months=12, size=1, as_of=timezone.localdate())
    assessment = Assessment.objects.create(household=cast.alice_household, assessed_on=day(20), assessed_by=cast.alice)
    AssessmentMember.objects.create(
        assessment=assessment, member=cast.alice_member, insured=True, insurance_year=timezone.localdate().year
    )
    case.refresh_from_db()
    return case


def eliminate_until(case, stop_before, actors, cast):
    """Walk the elimination chain, each step by ``actors[kind]``, stopping before ``stop_before`` (or at the end)."""
    for kind in procedure.CHAINS["elimination"]:
        if kind == stop_before:
            return
        who = actors[kind]
        case.refresh_from_db()
        if kind == K.PROPOSAL:
            procedure.elimination_propose(case=case, done_on=day(12), note="收入稳定", actor=who)
        elif kind == K.HOUSEHOLD_CHECK:
            check(case, who, on=11)
        elif kind == K.VILLAGE_REVIEW:
            village(case, who, on=10)
        elif kind == K.NOTICE:
            posted = notice([case], who, start=9, days=7)
            procedure.notice_take_down(notice=posted, taken_down_on=day(3), actor=who)
        elif kind == K.TOWNSHIP_REVIEW:
            review(case, who, on=2)
        else:
            review(case, who, kind=K.DISTRICT_CONFIRMATION, on=1)
