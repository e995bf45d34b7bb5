"""The identification chain step by step: order, dates, uploads, notices, objections, object types."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from monitoring import procedure
from monitoring.models import CaseStep, MonitoringCase, Objection, StepKind
from relocation.models import Household
from tests.factories import HouseholdFactory

from .chain import check, cross, day, identify_fully, notice, office_user, open_case, review, reviewer_of, village
from .helpers import thresholds

pytestmark = pytest.mark.django_db
K = StepKind


@pytest.fixture(autouse=True)
def _thresholds():
    thresholds()


def test_an_opened_case_waits_for_its_household_check_and_the_household_stays_normal(cast):
    case = open_case(cast)
    cast.alice_household.refresh_from_db()
    assert cast.alice_household.status == Household.Status.NORMAL  # no fast lane: not yet a monitoring object
    assert (case.status, case.next_step) == ("identified", K.HOUSEHOLD_CHECK)


def test_the_whole_identification_ends_with_a_monitored_household(cast):
    case = identify_fully(cast)
    cast.alice_household.refresh_from_db()
    assert case.status == MonitoringCase.Status.APPROVED and not case.next_step
    assert cast.alice_household.status == Household.Status.MONITORED
    kinds = list(CaseStep.objects.filter(case=case).order_by("pk").values_list("kind", flat=True))
    assert kinds == procedure.CHAINS["identification"]
    assert set(CaseStep.objects.values_list("result", flat=True)) == {"passed"}


def test_a_step_out_of_order_is_refused_and_nothing_is_written(cast):
    case = open_case(cast)
    with pytest.raises(ValidationError) as refused:
        cross(case, cast.alice)
    assert "入户核实" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        review(case, reviewer_of(cast.yangkou))
    assert CaseStep.objects.filter(case=case).count() == 1  # the clue only


def test_the_household_check_needs_two_people_and_the_signed_authorisation(cast):
    case = open_case(cast)
    with pytest.raises(ValidationError) as alone:
        check(case, cast.alice, other_actors="")
    assert "至少两名" in str(alone.value)
    with pytest.raises(ValidationError) as no_scan:
        procedure.step_household_check(
            case=case, done_on=day(12), actors=[cast.carol], findings="属实", evidence=[], actor=cast.alice
        )
    assert "承诺授权书" in str(no_scan.value)
    step = check(case, cast.alice, others=[cast.carol], other_actors="")
    assert set(step.actors.all()) == {cast.alice, cast.carol}
    assert step.evidence.get().kind == "authorisation"


def test_a_step_cannot_be_dated_before_the_one_before_it_or_in_the_future(cast):
    case = open_case(cast, days_ago=5)
    with pytest.raises(ValidationError):
        check(case, cast.alice, on=6)
    with pytest.raises(ValidationError):
        check(case, cast.alice, on=-1)


def test_the_village_review_needs_its_minutes_and_writes_nothing_without(cast):
    case = open_case(cast)
    check(case, cast.alice)
    cross(case, cast.alice)
    case.refresh_from_db()
    with pytest.raises(ValidationError) as no_minutes:
        procedure.step_village_review(
            case=case, done_on=day(10), participants=21, passed=True, minutes=[], actor=cast.alice
        )
    assert "评议会议记录" in str(no_minutes.value)
    assert not CaseStep.objects.filter(case=case, kind=K.VILLAGE_REVIEW).exists()
    case.refresh_from_db()
    assert case.next_step == K.VILLAGE_REVIEW


def test_the_cross_check_may_be_not_needed_with_a_reason(cast):
    case = open_case(cast)
    check(case, cast.alice)
    with pytest.raises(ValidationError):
        procedure.step_cross_check(case=case, done_on=day(11), findings={}, actor=cast.alice)
    step = procedure.step_cross_check(
        case=case, done_on=day(11), findings={}, not_needed_reason="突发严重困难，事实清楚", actor=cast.alice
    )
    assert step.result == "not_needed"


def test_a_failed_village_review_revokes_the_identification(cast):
    sudden = HouseholdFactory(township=cast.yangkou, household_type="alongside")
    case = open_case(cast, household=sudden, object_type="sudden", fast_lane=True)
    sudden.refresh_from_db()
    assert sudden.status == Household.Status.MONITORED  # fast lane: help at once
    check(case, cast.alice)
    cross(case, cast.alice)
    village(case, cast.alice, passed=False)
    case.refresh_from_db()
    sudden.refresh_from_db()
    assert (case.status, case.next_step) == ("revoked", "")
    assert sudden.status == Household.Status.NORMAL


def test_a_household_lifted_out_of_poverty_in_sudden_hardship_takes_the_fast_lane(cast):
    """突发严重困难户 may be a 脱贫户 too: a 搬迁脱贫户 hit by sudden illness gets help at once."""
    case = open_case(cast, object_type="sudden", fast_lane=True)
    cast.alice_household.refresh_from_db()
    assert case.fast_lane and cast.alice_household.status == Household.Status.MONITORED


@pytest.mark.parametrize(
    ("household_type", "object_type"), [("lifted", "unstable"), ("alongside", "marginal")], ids=["unstable", "marginal"]
)
def test_the_fast_lane_is_refused_for_any_type_but_sudden_severe_difficulty(cast, household_type, object_type):
    household = HouseholdFactory(township=cast.yangkou, household_type=household_type)
    with pytest.raises(ValidationError) as refused:
        open_case(cast, household=household, object_type=object_type, fast_lane=True)
    assert "绿色通道仅适用于突发严重困难户" in str(refused.value)
    assert not MonitoringCase.objects.filter(household=household).exists()
    household.refresh_from_db()
    assert household.status == Household.Status.NORMAL


def _at_notice(cast, **kwargs):
    case = open_case(cast, **kwargs)
    check(case, cast.alice)
    cross(case, cast.alice)
    village(case, cast.alice)
    return case


def test_a_notice_shorter_than_its_period_is_refused(cast):
    case = _at_notice(cast)
    with pytest.raises(ValidationError) as short:
        notice([case], cast.alice, days=4)
    assert "不得少于5天" in str(short.value)


def test_a_notice_cannot_come_down_before_its_period_ends(cast):
    case = _at_notice(cast)
    posted = notice([case], cast.alice, start=2, days=5)  # runs until the day after tomorrow
    with pytest.raises(ValidationError):
        procedure.notice_take_down(notice=posted, taken_down_on=day(0), actor=cast.alice)
    case.refresh_from_db()
    assert case.next_step == K.NOTICE


def test_an_open_objection_holds_the_case_at_its_notice_until_resolved(cast):
    case = _at_notice(cast)
    posted = notice([case], cast.alice, start=9)
    objection = procedure.objection_record(
        notice=posted, case=case, raised_on=day(8), raised_by="村民李某", content="收入较高", actor=cast.alice
    )
    procedure.notice_take_down(notice=posted, taken_down_on=day(4), actor=cast.alice)
    case.refresh_from_db()
    assert case.next_step == K.NOTICE  # the objection is open
    with pytest.raises(ValidationError):
        review(case, reviewer_of(cast.yangkou))
    procedure.objection_resolve(
        objection=objection, resolved_on=day(3), outcome="unfounded", resolution="核实无误", actor=cast.alice
    )
    case.refresh_from_db()
    assert case.next_step == K.TOWNSHIP_REVIEW
    assert CaseStep.objects.get(case=case, kind=K.NOTICE).done_on == day(3)


def test_a_founded_objection_fails_the_identification(cast):
    case = _at_notice(cast)
    posted = notice([case], cast.alice, start=9)
    objection = procedure.objection_record(
        notice=posted, case=case, raised_on=day(8), raised_by="村民李某", content="有经营实体", actor=cast.alice
    )
    procedure.objection_resolve(
        objection=objection, resolved_on=day(6), outcome=Objection.Outcome.UPHELD, resolution="属实", actor=cast.alice
    )
    case.refresh_from_db()
    assert case.status == "revoked"
    assert CaseStep.objects.get(case=case, kind=K.NOTICE).result == "failed"


def test_a_notice_lists_households_of_one_place_waiting_for_it(cast):
    mine = _at_notice(cast)
    other = HouseholdFactory(township=cast.yangkou, settlement=None, household_type="alongside")
    elsewhere = open_case(cast, household=other, object_type="marginal")
    with pytest.raises(ValidationError):
        notice([mine, elsewhere], cast.alice)


def test_the_object_type_follows_the_household(cast):
    assert procedure.allowed_object_types(cast.alice_household) == ["unstable", "sudden"]
    with pytest.raises(ValidationError) as refused:
        open_case(cast, object_type="marginal")
    assert "脱贫不稳定户" in str(refused.value)
    alongside = HouseholdFactory(township=cast.yangkou, household_type="alongside")
    with pytest.raises(ValidationError):
        open_case(cast, household=alongside, object_type="unstable")
    assert open_case(cast, household=alongside, object_type="sudden").object_type == "sudden"


def test_the_case_list_position_shows_the_step_due_and_overdue(cast):
    t = thresholds(household_check_days=3, identification_total_days=15)
    case = open_case(cast, days_ago=20)
    where = procedure.position(case, t)
    assert where.next_step == K.HOUSEHOLD_CHECK and where.overdue and where.total_overdue


def test_the_total_limit_counts_calendar_days_from_the_day_after_the_clue(cast):
    """一般不超过15天 from the day the clue was found (docs/monitoring.md names the source): calendar
    days, the day of the clue not counted, so the 15th day after it is the last day; the limit is data."""
    t = thresholds(identification_total_days=15, household_check_days=30)
    on_time = open_case(cast, days_ago=15)
    where = procedure.position(on_time, t)
    assert where.total_due == day(0) and not where.total_overdue
    late = open_case(cast, household=HouseholdFactory(township=cast.yangkou), days_ago=16)
    assert procedure.position(late, t).total_overdue
    t = thresholds(identification_total_days=28, household_check_days=30)  # a county allowing 20 working days
    assert not procedure.position(late, t).total_overdue


def test_the_case_list_marks_a_case_past_the_total_limit(cast, client_of):
    from django.urls import reverse

    thresholds(identification_total_days=15, household_check_days=30)
    open_case(cast, days_ago=16)
    body = client_of(cast.alice).get(reverse("monitoring:case_list")).content.decode()
    assert "超过总时限" in body


def test_a_role_without_the_permission_is_refused(cast):
    case = _at_notice(cast)
    with pytest.raises(PermissionDenied):
        notice([case], cast.carol)  # site staff do not post notices


def test_the_district_confirmation_is_the_district_offices(cast):
    case = _at_notice(cast)
    posted = notice([case], cast.alice)
    procedure.notice_take_down(notice=posted, taken_down_on=day(4), actor=cast.alice)
    review(case, reviewer_of(cast.yangkou))
    with pytest.raises(PermissionDenied):
        review(case, cast.frank, kind=K.DISTRICT_CONFIRMATION)  # a head does not confirm
    review(case, office_user(), kind=K.DISTRICT_CONFIRMATION)
