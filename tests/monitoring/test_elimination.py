"""Risk elimination: each precondition alone refuses; the chain ends with the household eliminated;
the same person is refused at each pair of steps that separation of duties keeps apart."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assistance.models import AssistancePlan, Measure
from monitoring import procedure
from monitoring.elimination import unmet_preconditions
from monitoring.models import AnnualIncome, Assessment, LedgerEntry, MonitoringCase, StepKind
from relocation.models import Household, Member

from .chain import (
    check,
    cross,
    day,
    eligible_case,
    eliminate_until,
    notice,
    office_user,
    open_case,
    review,
    reviewer_of,
    village,
)
from .helpers import thresholds

pytestmark = pytest.mark.django_db
K = StepKind


@pytest.fixture(autouse=True)
def _thresholds():
    thresholds(observation_months=6)


def _assessment(cast):
    return Assessment.objects.get(household=cast.alice_household)


def _measure(cast, case, measure_type):
    plan = AssistancePlan.objects.create(household=cast.alice_household, case=case, summary="帮扶")
    Measure.objects.create(
        plan=plan, household=cast.alice_household, measure_type=measure_type, description="措施",
        department=cast.department, cadre="周干部", status=Measure.Status.IN_PROGRESS,
    )  # fmt: skip


def _low_income(cast, case):
    LedgerEntry.objects.filter(household=cast.alice_household).update(wage_income=Decimal("600"))  # 7,200 a year


def _few_months(cast, case):
    """Only three ledger months since identification: the income is not known."""
    keep = LedgerEntry.objects.filter(household=cast.alice_household).order_by("-period")[:3]
    LedgerEntry.objects.filter(household=cast.alice_household).exclude(
        pk__in=list(keep.values_list("pk", flat=True))
    ).delete()


def _risk(case, risk):
    MonitoringCase.objects.filter(pk=case.pk).update(risk_types=[risk])


def _member_row(cast, **values):
    _assessment(cast).members.update(**values)


def _assess(cast, **values):
    Assessment.objects.filter(household=cast.alice_household).update(**values)


PRECONDITIONS = [
    ("income below the line", lambda cast, case: _low_income(cast, case), "人均纯收入未高于监测收入线"),
    ("income not known (too few ledger months)", lambda cast, case: _few_months(cast, case), "收入尚无法确定"),
    ("no current assessment", lambda cast, case: Assessment.objects.all().delete(), "没有“两不愁三保障”"),
    ("food and clothing", lambda cast, case: _assess(cast, food_clothing_secured=False), "吃穿未得到保障"),
    ("a child out of school", lambda cast, case: _member_row(cast, schooling="dropped_out"), "失学辍学"),
    ("no medical insurance", lambda cast, case: _member_row(cast, insured=False), "基本医疗保险"),
    ("an unsafe house", lambda cast, case: _assess(cast, housing="C"), "住房不安全"),
    ("unsafe water", lambda cast, case: _assess(cast, water_quality_ok=False), "饮水不安全"),
    (
        "a housing risk with high income",
        lambda cast, case: (_risk(case, "housing_safety"), _assess(cast, housing="renovating")),
        "住房安全风险未消除",
    ),
    (
        "a schooling risk with the child out of school",
        lambda cast, case: (_risk(case, "schooling"), _member_row(cast, schooling="dropped_out")),
        "因学风险未消除",
    ),
    (
        "an illness risk with medical cost over the threshold",
        lambda cast, case: LedgerEntry.objects.filter(household=cast.alice_household).update(
            medical_expense=Decimal("600")
        ),
        "因病风险未消除",
    ),
    ("an open measure that does not continue", lambda cast, case: _measure(cast, case, "industry"), "仍有未完成"),
    (
        "no labour capacity on the safety net",
        lambda cast, case: (
            Member.objects.filter(household=cast.alice_household).update(labour_capacity="none"),
            Household.objects.filter(pk=cast.alice_household.pk).update(minimum_living_allowance=True),
        ),
        "长期跟踪监测",
    ),
    (
        "the observation period not over",
        lambda cast, case: MonitoringCase.objects.filter(pk=case.pk).update(identified_at=day(30)),
        "观察期",
    ),
]


def test_the_eligible_case_meets_every_precondition(cast):
    case = eligible_case(cast)
    assert unmet_preconditions(case) == []


@pytest.mark.parametrize(("what", "breaks", "reason"), PRECONDITIONS, ids=[p[0] for p in PRECONDITIONS])
def test_each_precondition_alone_refuses_the_proposal(cast, what, breaks, reason):
    case = eligible_case(cast)
    breaks(cast, case)
    case.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        procedure.elimination_propose(case=case, done_on=day(0), note="收入稳定", actor=cast.alice)
    messages = refused.value.messages
    assert any(reason in m for m in messages), messages
    case.refresh_from_db()
    assert (case.procedure, case.procedure_run) == ("", 0)


def test_a_continuing_measure_does_not_stop_elimination(cast):
    case = eligible_case(cast)
    _measure(cast, case, "microcredit")
    assert unmet_preconditions(case) == []


def test_the_case_page_shows_the_continuing_measures_as_such(cast, client_of):
    from django.urls import reverse

    case = eligible_case(cast)
    _measure(cast, case, "microcredit")
    body = client_of(cast.alice).get(reverse("monitoring:case_detail", kwargs={"case_pk": case.pk})).content.decode()
    assert "风险消除后继续" in body and "小额信贷" in body
    assert "目前已满足风险消除的全部条件" in body


def test_each_required_upload_of_the_elimination_chain_is_refused_when_missing(cast):
    case = eligible_case(cast)
    procedure.elimination_propose(case=case, done_on=day(12), note="收入稳定", actor=cast.alice)
    case.refresh_from_db()
    with pytest.raises(ValidationError) as no_forms:
        procedure.step_household_check(
            case=case, done_on=day(11), actors=[cast.carol], findings="属实", evidence=[], actor=cast.alice
        )
    assert "风险消除表格" in str(no_forms.value)
    check(case, cast.alice, on=11)
    case.refresh_from_db()
    with pytest.raises(ValidationError) as no_minutes:
        procedure.step_village_review(
            case=case, done_on=day(10), participants=20, passed=True, minutes=[], actor=cast.alice
        )
    assert "评议会议记录" in str(no_minutes.value)
    case.refresh_from_db()
    assert case.next_step == K.VILLAGE_REVIEW


def test_the_income_line_that_applies_is_a_threshold(cast):
    case = eligible_case(cast)  # 12,000 a year per person: above the line, below the warning line (13,200)
    assert unmet_preconditions(case) == []
    thresholds(observation_months=6, elimination_line="warning")
    assert any("预警线" in r for r in unmet_preconditions(case))


def _accounting(cast, year, per_person):
    return AnnualIncome.objects.create(
        household=cast.alice_household, year=year, household_size=2, wage_income=Decimal(per_person * 2)
    )


def test_the_income_is_the_annual_accounting_where_the_thresholds_put_it_first(cast):
    """The same income screening counts: this year's accounting outweighs the ledger, either way."""
    case = eligible_case(cast)  # the ledger: 12,000 a person
    year = timezone.localdate().year
    record = _accounting(cast, year, 7000)
    reasons = unmet_preconditions(case)
    assert any("人均纯收入未高于监测收入线" in r and f"{year}年度收入核算" in r for r in reasons), reasons
    thresholds(observation_months=6, income_source="ledger")  # the ledger only: the accounting is not read
    assert unmet_preconditions(case) == []
    thresholds(observation_months=6, income_source="annual")
    record.wage_income = Decimal(2 * 15000)
    record.save()
    _low_income(cast, case)  # the ledger low, the accounting high: the accounting counts
    assert unmet_preconditions(case) == []


def test_an_accounting_from_before_identification_does_not_count(cast):
    case = eligible_case(cast)
    year = timezone.localdate().year
    MonitoringCase.objects.filter(pk=case.pk).update(identified_at=datetime.date(year, 1, 2))
    case.refresh_from_db()
    _accounting(cast, year - 1, 20000)  # before the risk: high, but it describes the household before it
    _low_income(cast, case)
    assert any("人均纯收入未高于监测收入线" in r for r in unmet_preconditions(case))


def test_the_income_is_not_known_without_enough_months_since_identification(cast):
    """Ledger months before the identification do not count: the household's income before its risk."""
    case = eligible_case(cast)
    thresholds(observation_months=3, min_ledger_months=6)
    MonitoringCase.objects.filter(pk=case.pk).update(identified_at=day(130))  # four months of ledger since
    case.refresh_from_db()
    reasons = unmet_preconditions(case)
    assert any("收入尚无法确定" in r and "至少需要6个月" in r for r in reasons), reasons
    _accounting(cast, timezone.localdate().year, 12000)  # an accounting of the year makes it known
    assert unmet_preconditions(case) == []


def test_the_whole_elimination_ends_with_the_household_eliminated(cast):
    case = eligible_case(cast)
    reviewer, office = reviewer_of(cast.yangkou, "elim_review"), office_user("elim_office")
    actors = {
        K.PROPOSAL: cast.alice, K.HOUSEHOLD_CHECK: cast.alice, K.VILLAGE_REVIEW: cast.alice, K.NOTICE: cast.alice,
        K.TOWNSHIP_REVIEW: reviewer, K.DISTRICT_CONFIRMATION: office,
    }  # fmt: skip
    eliminate_until(case, None, actors, cast)
    case.refresh_from_db()
    cast.alice_household.refresh_from_db()
    assert (case.status, case.eliminated_at, case.procedure) == ("eliminated", day(1), "")
    assert cast.alice_household.status == Household.Status.ELIMINATED


def test_the_preconditions_are_checked_again_at_the_district_confirmation(cast):
    case = eligible_case(cast)
    reviewer, office = reviewer_of(cast.yangkou, "elim_review"), office_user("elim_office")
    actors = {K.PROPOSAL: cast.alice, K.HOUSEHOLD_CHECK: cast.alice, K.VILLAGE_REVIEW: cast.alice,
              K.NOTICE: cast.alice, K.TOWNSHIP_REVIEW: reviewer}  # fmt: skip
    eliminate_until(case, K.DISTRICT_CONFIRMATION, actors, cast)
    _assess(cast, housing="D")
    case.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        review(case, office, kind=K.DISTRICT_CONFIRMATION, on=1)
    assert "住房不安全" in str(refused.value)
    case.refresh_from_db()
    assert case.status == "approved" and case.next_step == K.DISTRICT_CONFIRMATION


def test_an_elimination_notice_runs_seven_days(cast):
    case = eligible_case(cast)
    eliminate_until(case, K.NOTICE, dict.fromkeys(procedure.CHAINS["elimination"], cast.alice), cast)
    case.refresh_from_db()
    with pytest.raises(ValidationError) as short:
        notice([case], cast.alice, start=9, days=6)
    assert "不得少于7天" in str(short.value)


# Separation of duties: the same person at two steps that must be kept apart ---------------------

IDENTIFICATION_PAIRS = [
    (K.HOUSEHOLD_CHECK, K.TOWNSHIP_REVIEW),
    (K.HOUSEHOLD_CHECK, K.DISTRICT_CONFIRMATION),
    (K.TOWNSHIP_REVIEW, K.DISTRICT_CONFIRMATION),
]
ELIMINATION_PAIRS = [
    (K.PROPOSAL, K.TOWNSHIP_REVIEW),
    (K.PROPOSAL, K.DISTRICT_CONFIRMATION),
    (K.HOUSEHOLD_CHECK, K.TOWNSHIP_REVIEW),
    (K.HOUSEHOLD_CHECK, K.DISTRICT_CONFIRMATION),
    (K.TOWNSHIP_REVIEW, K.DISTRICT_CONFIRMATION),
]


def test_the_pairs_tested_are_the_declared_ones():
    declared = {(first, second) for second, firsts in procedure.EXCLUSIVE.items() for first in firsts}
    assert declared == set(IDENTIFICATION_PAIRS) | set(ELIMINATION_PAIRS)


def _identify_until(cast, stop_before, actors):
    case = open_case(cast, actor=actors.get(K.CLUE, cast.alice))
    for kind in procedure.CHAINS["identification"][1:]:
        if kind == stop_before:
            return case
        who = actors.get(kind, cast.alice)
        case.refresh_from_db()
        if kind == K.HOUSEHOLD_CHECK:
            check(case, who)
        elif kind == K.CROSS_CHECK:
            cross(case, who)
        elif kind == K.VILLAGE_REVIEW:
            village(case, who)
        elif kind == K.NOTICE:
            posted = notice([case], who)
            procedure.notice_take_down(notice=posted, taken_down_on=day(4), actor=who)
        elif kind == K.TOWNSHIP_REVIEW:
            review(case, who, on=3)
    return case


def _do(case, kind, who, procedure_name):
    on = {K.TOWNSHIP_REVIEW: 2 if procedure_name == "elimination" else 3}.get(kind, 1)
    case.refresh_from_db()
    return review(case, who, kind=kind, on=on)


@pytest.mark.parametrize(("first", "second"), IDENTIFICATION_PAIRS)
def test_identification_refuses_the_same_person_at_two_separated_steps(cast, first, second):
    same = cast.admin  # administrators are not exempt
    actors = {K.TOWNSHIP_REVIEW: reviewer_of(cast.yangkou), first: same}
    case = _identify_until(cast, second, actors)
    with pytest.raises(ValidationError) as refused:
        _do(case, second, same, "identification")
    assert "岗位分离" in str(refused.value)
    case.refresh_from_db()
    assert case.next_step == second


@pytest.mark.parametrize(("first", "second"), ELIMINATION_PAIRS)
def test_elimination_refuses_the_same_person_at_two_separated_steps(cast, first, second):
    same = cast.admin
    case = eligible_case(cast)
    actors = dict.fromkeys(procedure.CHAINS["elimination"], cast.alice)
    actors[K.TOWNSHIP_REVIEW] = reviewer_of(cast.yangkou, "elim_review")
    actors[first] = same
    eliminate_until(case, second, actors, cast)
    with pytest.raises(ValidationError) as refused:
        _do(case, second, same, "elimination")
    assert "岗位分离" in str(refused.value)
