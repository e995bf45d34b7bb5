import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from accounts.models import Department
from assistance import selectors, services
from assistance.models import HousingExtension, LateReport, Measure, PolicyTask, ProgressReport, TaskAssignment
from notifications.models import Notification
from relocation.models import Household, Member
from tests.assistance.helpers import measure_for, open_case
from tests.factories import HouseholdFactory, MemberFactory, UserFactory

# ---- plans and suggestions ---------------------------------------------------------------


def test_a_plans_suggested_measures_follow_the_cases_risk_types(cast):
    case = open_case(cast.alice_household, risk_types=["illness", "unstable_employment"])
    suggestions = list(selectors.suggestions_for(case.risk_types))
    types = {s.measure_type for s in suggestions}
    assert {"health", "employment", "welfare_post"} <= types
    assert "education" not in types and "water" not in types  # schooling, drinking water: not this case's risks

    plan = services.plan_create(
        household=cast.alice_household,
        case=case,
        summary="户主患病，子女务工不稳",
        actor=cast.alice,
        suggestion_ids=[s.pk for s in suggestions],
        cadre="周爱丽",
    )
    measures = list(plan.measures.all())
    assert {m.measure_type for m in measures} == types
    health = next(m for m in measures if m.measure_type == "health")
    assert health.department.code in {"ybj", "wjw"}
    assert all(m.cadre == "周爱丽" and m.household_id == cast.alice_household.pk for m in measures)


def test_suggestions_outside_the_cases_risks_are_not_added(cast):
    case = open_case(cast.alice_household, risk_types=["schooling"])
    water = selectors.suggestions_for(["drinking_water"]).first()
    plan = services.plan_create(
        household=cast.alice_household,
        case=case,
        summary="学费",
        actor=cast.alice,
        suggestion_ids=[water.pk],
        cadre="甲",
    )
    assert plan.measures.count() == 0


def test_the_catalogue_is_data_an_edit_changes_the_suggestions(cast):
    from assistance.models import MeasureSuggestion

    MeasureSuggestion.objects.filter(risk_type="schooling").update(is_active=False)
    MeasureSuggestion.objects.create(
        risk_type="schooling",
        measure_type="social",
        department=Department.objects.get(code="fl"),
        description="妇联助学",
    )
    assert [s.description for s in selectors.suggestions_for(["schooling"])] == ["妇联助学"]


def test_a_plan_is_not_drawn_up_for_another_households_case(cast):
    case = open_case(cast.bob_household)
    with translation.override("en"), pytest.raises(ValidationError, match="another household"):
        services.plan_create(household=cast.alice_household, case=case, summary="x", actor=cast.alice)


def test_a_case_without_measures_after_the_set_days_is_flagged_once(cast):
    from monitoring.models import MonitoringCase

    late = open_case(cast.alice_household, days_ago=20)
    recent = open_case(cast.bob_household, days_ago=3)
    flagged = selectors.cases_without_measures(MonitoringCase.objects.all(), days=15)
    assert list(flagged) == [late]
    assert services.flag_cases_without_measures() == 1  # Alice, township staff of Yangkou
    assert services.flag_cases_without_measures() == 0
    assert Notification.objects.filter(user=cast.alice, kind="assistance.case_without_measure").count() == 1

    plan = services.plan_create(household=cast.alice_household, case=late, summary="x", actor=cast.alice)
    services.measure_create(
        plan=plan, measure_type="health", description="医疗救助", department=cast.department, cadre="甲", actor=None
    )
    assert not selectors.cases_without_measures(MonitoringCase.objects.all(), days=15).exists()
    assert recent not in flagged


# ---- bureau staff's view ---------------------------------------------------------------


def test_bureau_staff_see_their_departments_measures_and_households_only(cast):
    mine = measure_for(cast.alice_household, department_code="rsj", description="岗位推荐")
    theirs = measure_for(cast.bob_household, department_code="mzj", description="临时救助")
    # Another department's measure on the same household as erin's stays hidden.
    other_same_house = services.measure_create(
        plan=mine.plan, measure_type="health", description="医疗救助", department=Department.objects.get(code="ybj"),
        cadre="甲", actor=None,
    )  # fmt: skip
    assert list(Measure.objects.for_user(cast.erin)) == [mine]
    assert list(Household.objects.for_user(cast.erin)) == [cast.alice_household]
    mzj_staff = UserFactory(role="bureau_staff", department=Department.objects.get(code="mzj"))
    assert list(Measure.objects.for_user(mzj_staff)) == [theirs]
    assert cast.alice_household not in Household.objects.for_user(mzj_staff)
    assert other_same_house not in Measure.objects.for_user(cast.erin)


def test_a_cancelled_measure_closes_the_household_to_the_department(cast):
    measure = measure_for(cast.alice_household, department_code="rsj")
    services.measure_update(measure=measure, actor=cast.alice, status=Measure.Status.CANCELLED)
    assert not Household.objects.for_user(cast.erin).exists()
    assert not Measure.objects.for_user(cast.erin).exists()


def test_a_measure_is_marked_done_only_with_its_outcome(cast):
    measure = measure_for(cast.alice_household, department_code="rsj")
    with pytest.raises(ValidationError):
        services.measure_report(measure=measure, status="done", outcome=" ", actor=cast.erin)
    services.measure_report(measure=measure, status="done", outcome="已到岗", actor=cast.erin, amount=Decimal(500))
    measure.refresh_from_db()
    assert (measure.status, measure.outcome, measure.amount) == ("done", "已到岗", Decimal(500))
    assert measure.end_date == timezone.localdate()
    assert measure.history.first().history_user_id is None or measure.updated_by == cast.erin


# ---- employment ------------------------------------------------------------------------


def test_zero_employment_households_appear_and_disappear_as_employment_is_recorded(cast):
    household = HouseholdFactory(township=cast.yangkou)
    worker = MemberFactory(household=household, employment=Member.Employment.NOT_EMPLOYED, willing_to_work=True)
    MemberFactory(household=household, labour_capacity=Member.Labour.NONE, employment="not_employed", relation="parent")
    # A household where nobody can work is not a zero-employment household.
    elderly = HouseholdFactory(township=cast.yangkou)
    MemberFactory(household=elderly, labour_capacity=Member.Labour.NONE, employment="not_employed")
    scoped = Household.objects.for_user(cast.alice)
    assert list(selectors.zero_employment_households(scoped)) == [household]
    assert selectors.employment_goal(household)["zero_employment"]

    record = services.employment_record_add(
        member=worker, kind="local", employer="广丰卷烟厂", start_date=datetime.date(2025, 3, 1), actor=cast.alice,
        monthly_income=Decimal("3200"),
    )  # fmt: skip
    assert not selectors.zero_employment_households(scoped).exists()
    worker.refresh_from_db()
    assert worker.employment == "local"

    services.employment_record_end(
        record=record, end_date=timezone.localdate() - datetime.timedelta(days=1), actor=None
    )
    assert list(selectors.zero_employment_households(scoped)) == [household]
    # Bob's township is not Alice's: his zero-employment household is not on her list.
    bob_house = HouseholdFactory(township=cast.hengshan)
    MemberFactory(household=bob_house, employment="not_employed")
    assert bob_house not in selectors.zero_employment_households(scoped)


def test_a_welfare_post_holder_counts_as_employed(cast):
    from assistance.models import WelfarePost

    cast.alice_member.employment = "not_employed"
    cast.alice_member.save()
    post = WelfarePost.objects.create(name="洋口护林员1号", kind="forest", township=cast.yangkou, monthly_pay=800)
    services.welfare_post_assign(post=post, member=cast.alice_member, since=datetime.date(2025, 1, 1), actor=None)
    cast.alice_member.refresh_from_db()
    assert cast.alice_member.employment == "welfare_post"
    services.welfare_post_assign(post=post, member=None, since=timezone.localdate(), actor=None)
    cast.alice_member.refresh_from_db()
    assert cast.alice_member.employment == "not_employed"
    with pytest.raises(ValidationError):
        services.welfare_post_assign(post=post, member=cast.bob_member, since=datetime.date(2025, 1, 1), actor=None)


# ---- progress reports ------------------------------------------------------------------


def _quarterly_assignment(code="3.1", dept="rsj"):
    return TaskAssignment.objects.select_related("task").get(task__code=code, department__code=dept)


def test_a_late_progress_report_is_flagged_once_not_on_every_run(cast):
    frank = cast.frank
    assignment = _quarterly_assignment()
    PolicyTask.objects.exclude(pk=assignment.task_id).update(is_active=False)
    today = datetime.date(2026, 4, 20)  # Q1 ended 31 March, ten days' grace: due 10 April
    assert services.flag_late_reports(today=datetime.date(2026, 4, 10)) == 0  # still on time
    first = services.flag_late_reports(today=today)
    assert first == 2  # 人社局 and 农业农村局 are both answerable for 3.1
    assert services.flag_late_reports(today=today) == 0
    assert services.flag_late_reports(today=today + datetime.timedelta(days=1)) == 0
    assert LateReport.objects.filter(assignment=assignment, period=datetime.date(2026, 1, 1)).count() == 1
    assert Notification.objects.filter(user=cast.erin, kind="assistance.report_late").count() == 1
    assert Notification.objects.filter(user=frank, kind="assistance.report_late").count() == 2


def test_a_department_that_reported_is_not_flagged(cast):
    assignment = _quarterly_assignment()
    PolicyTask.objects.exclude(pk=assignment.task_id).update(is_active=False)
    services.report_submit(assignment=assignment, period=datetime.date(2026, 2, 1), text="培训120人次", actor=cast.erin)
    services.flag_late_reports(today=datetime.date(2026, 4, 20))
    assert not LateReport.objects.filter(assignment=assignment).exists()
    assert LateReport.objects.filter(assignment__department__code="nyncj").exists()


def test_a_report_sent_back_is_refiled_and_the_department_notified(cast):
    assignment = _quarterly_assignment()
    report = services.report_submit(
        assignment=assignment, period=datetime.date(2025, 10, 1), text="完成", actor=cast.erin, figures={"培训人次": 30}
    )
    assert report.period == datetime.date(2025, 10, 1)
    with pytest.raises(ValidationError):
        services.report_submit(assignment=assignment, period=datetime.date(2025, 11, 1), text="again", actor=cast.erin)
    services.report_return(report=report, comment="请补充培训补贴发放数据", actor=cast.frank)
    assert Notification.objects.filter(user=cast.erin, kind="assistance.report_returned").exists()
    report = services.report_submit(
        assignment=assignment, period=datetime.date(2025, 10, 1), text="补充", actor=cast.erin
    )
    assert report.status == ProgressReport.Status.SUBMITTED and report.text == "补充"


def test_only_the_assigned_departments_staff_may_report(cast):
    assignment = TaskAssignment.objects.get(task__code="3.4", department__code="fgw")
    with pytest.raises(ValidationError):
        services.report_submit(assignment=assignment, period=datetime.date(2025, 10, 1), text="x", actor=cast.erin)


# ---- housing extension -----------------------------------------------------------------


def _homestead(cast):
    return HouseholdFactory(township=cast.yangkou, placement=Household.Placement.HOMESTEAD)


GOOD = {"funding_source": "savings", "income_proof": "务工收入证明、银行流水", "savings_commitment": True}


def _apply(household, actor, **overrides):
    return services.housing_extension_apply(
        household=household, planned_area=Decimal("40"), actor=actor, **{**GOOD, **overrides}
    )


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"funding_source": "loan"}, "own savings"),
        ({"funding_source": "borrowed"}, "own savings"),
        ({"income_proof": ""}, "Proof of the household's own income"),
        ({"savings_commitment": False}, "not committed"),
    ],
)
def test_each_housing_extension_rule_refuses_with_its_reason(cast, overrides, reason):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        _apply(_homestead(cast), cast.alice, **overrides)
    assert any(reason in m for m in refused.value.messages), refused.value.messages
    assert len(refused.value.messages) == 1


def test_an_apartment_household_cannot_apply(cast):
    apartment = HouseholdFactory(township=cast.yangkou, placement=Household.Placement.APARTMENT)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        _apply(apartment, cast.alice)
    assert refused.value.messages == [
        "Only one-house-one-homestead households may extend their house; an apartment household "
        "meets new housing needs by buying or renting."
    ]


def test_an_open_monitoring_case_refuses_even_at_the_township_step(cast):
    household = _homestead(cast)
    application = _apply(household, cast.alice)
    services.housing_extension_village_review(application=application, agree=True, opinion="同意", actor=cast.alice)
    open_case(household)  # the household fell into difficulty while the application was under review
    with translation.override("en"), pytest.raises(ValidationError, match="open monitoring case"):
        services.housing_extension_township_decide(application=application, approve=True, opinion="", actor=cast.grace)
    application.refresh_from_db()
    assert application.status == HousingExtension.Status.VILLAGE_APPROVED


def test_an_application_that_meets_the_rules_passes_all_three_steps(cast):
    household = _homestead(cast)
    application = _apply(household, cast.alice)
    assert application.status == HousingExtension.Status.APPLIED
    with pytest.raises(ValidationError):  # the township cannot skip the village group
        services.housing_extension_township_decide(application=application, approve=True, opinion="", actor=cast.alice)
    services.housing_extension_village_review(application=application, agree=True, opinion="村组同意", actor=cast.alice)
    application = services.housing_extension_township_decide(
        application=application, approve=True, opinion="同意扩建", actor=cast.alice
    )
    assert application.status == HousingExtension.Status.APPROVED
    assert application.village_reviewed_by == cast.alice and application.township_decided_by == cast.alice
    assert application.history.count() == 3


def test_a_refusal_needs_its_reason(cast):
    application = _apply(_homestead(cast), cast.alice)
    with pytest.raises(ValidationError):
        services.housing_extension_village_review(application=application, agree=False, opinion="", actor=cast.alice)
    services.housing_extension_village_review(
        application=application, agree=False, opinion="超出规划", actor=cast.alice
    )
    application.refresh_from_db()
    assert application.status == "rejected" and application.refusal_reason == "超出规划"
