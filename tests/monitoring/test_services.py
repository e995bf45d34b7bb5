"""Verification, cases through to elimination, applications, rosters and visits."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from monitoring import services
from monitoring.models import Alert, MonitoringCase, Visit
from notifications.models import Notification
from relocation.models import Household, Member
from tests.factories import MemberFactory

from .helpers import give_ledger, thresholds

pytestmark = pytest.mark.django_db


def raise_for(household, rule="cadre_check", period=datetime.date(2026, 3, 1)):
    return services.alert_raise(household=household, rule=rule, period=period, evidence={"x": 1}, source="other")


def approved_case(cast, identified_at):
    alert = raise_for(cast.alice_household)
    case = services.alert_identify(
        alert=alert,
        object_type="unstable",
        risk_types=["illness"],
        discovery_channel="cadre_check",
        identified_at=identified_at,
        actor=cast.alice,
    )
    services.case_review(case=case, approve=True, actor=cast.alice)
    return services.case_approve(case=case, approve=True, actor=cast.frank)


def test_alert_raise_is_idempotent(cast):
    first = raise_for(cast.alice_household)
    again = services.alert_raise(
        household=cast.alice_household, rule="cadre_check", period=datetime.date(2026, 3, 1), evidence={"other": 2}
    )
    assert again.pk == first.pk
    assert Alert.objects.count() == 1
    assert (
        services.alert_raise(household=cast.alice_household, rule="hazard", period=None, evidence={}).pk
        == services.alert_raise(household=cast.alice_household, rule="hazard", period=None, evidence={}).pk
    )


def test_a_new_alert_notifies_the_households_staff_only(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        raise_for(cast.alice_household)
    notified = set(Notification.objects.values_list("user__username", flat=True))
    assert notified == {"alice", "carol"}


def test_dismissing_needs_a_reason(cast):
    alert = raise_for(cast.alice_household)
    with pytest.raises(ValidationError):
        services.alert_dismiss(alert=alert, reason=" ", actor=cast.alice)
    services.alert_dismiss(alert=alert, reason="已核实，收入稳定", actor=cast.alice)
    alert.refresh_from_db()
    assert (alert.status, alert.resolved_by) == ("dismissed", cast.alice)


def test_identification_marks_the_household_and_tightens_its_next_visit(cast):
    thresholds(visit_interval_monitored=30)
    Visit.objects.create(
        household=cast.alice_household,
        visited_on=datetime.date(2026, 10, 1),
        findings="ok",
        next_visit_on=datetime.date(2026, 12, 30),
    )
    case = services.alert_identify(
        alert=raise_for(cast.alice_household),
        object_type="sudden",
        risk_types=["illness", "accident"],
        discovery_channel="cadre_check",
        identified_at=datetime.date(2026, 10, 2),
        actor=cast.alice,
    )
    cast.alice_household.refresh_from_db()
    assert cast.alice_household.status == Household.Status.MONITORED
    assert Visit.objects.get(household=cast.alice_household).next_visit_on == datetime.date(2026, 10, 31)
    # A second risk joins the open case instead of opening another.
    again = services.alert_identify(
        alert=raise_for(cast.alice_household, rule="roster_hit"),
        object_type="sudden",
        risk_types=["disability"],
        discovery_channel="department_screening",
        identified_at=datetime.date(2026, 10, 3),
        actor=cast.alice,
    )
    assert again.pk == case.pk
    assert again.risk_types == ["illness", "accident", "disability"]


def test_elimination_is_refused_before_the_observation_period_and_allowed_after(cast):
    thresholds(observation_months=6)
    # Identified in April 2026, income well above the line from then on.
    case = approved_case(cast, datetime.date(2026, 4, 10))
    give_ledger(cast.alice_household, monthly_income=4000, months=8, size=2, as_of=datetime.date(2026, 11, 15))
    with pytest.raises(ValidationError) as refused:
        services.case_eliminate(case=case, actor=cast.alice, on=datetime.date(2026, 9, 20))
    assert any("观察期" in m or "observation" in m for m in refused.value.messages)
    case.refresh_from_db()
    assert case.status == "approved"
    done = services.case_eliminate(case=case, actor=cast.alice, on=datetime.date(2026, 11, 20))
    cast.alice_household.refresh_from_db()
    assert (done.status, done.eliminated_by, done.eliminated_at) == (
        "eliminated",
        cast.alice,
        datetime.date(2026, 11, 20),
    )
    assert cast.alice_household.status == Household.Status.ELIMINATED


def test_elimination_is_refused_with_income_under_the_line_or_an_open_alert(cast):
    thresholds(observation_months=6)
    case = approved_case(cast, datetime.date(2026, 1, 10))
    give_ledger(
        cast.alice_household, monthly_income=4000, months=10, size=2, as_of=datetime.date(2026, 11, 15), last_income=500
    )
    raise_for(cast.alice_household, rule="income_low", period=datetime.date(2026, 10, 1))
    reasons = services.elimination_obstacles(case, datetime.date(2026, 11, 20))
    assert any("2026-10" in r for r in reasons)
    assert any("alert" in r or "预警" in r for r in reasons)


def test_a_household_without_labour_on_the_safety_net_stays_under_long_term_tracking(cast):
    thresholds(observation_months=1)
    Member.objects.filter(household=cast.alice_household).update(labour_capacity="none")
    Household.objects.filter(pk=cast.alice_household.pk).update(minimum_living_allowance=True)
    case = approved_case(cast, datetime.date(2026, 1, 10))
    give_ledger(cast.alice_household, monthly_income=4000, months=3, size=1, as_of=datetime.date(2026, 11, 15))
    with pytest.raises(ValidationError):
        services.case_eliminate(case=case, actor=cast.alice, on=datetime.date(2026, 11, 20))
    assert services.case_track_long_term(case=case, actor=cast.alice).status == "long_term"


def test_a_refused_review_returns_the_household_to_normal(cast):
    case = services.alert_identify(
        alert=raise_for(cast.alice_household),
        object_type="marginal",
        risk_types=["other"],
        discovery_channel="cadre_check",
        identified_at=datetime.date(2026, 10, 2),
        actor=cast.alice,
    )
    with pytest.raises(ValidationError):
        services.case_review(case=case, approve=False, actor=cast.alice)  # no reason given
    services.case_review(case=case, approve=False, note="核实收入达标", actor=cast.alice)
    cast.alice_household.refresh_from_db()
    assert cast.alice_household.status == "normal"
    assert MonitoringCase.objects.get().status == "revoked"


def test_a_roster_row_goes_to_the_members_township_only(cast, django_capture_on_commit_callbacks):
    rows = [
        {
            "row_number": 2,
            "id_number": cast.bob_member.id_number,
            "name": "横山户主吴二",
            "detail": "住院",
            "amount": 26000,
        },
        {"row_number": 3, "id_number": "", "raw_id": "3.61122E+17", "problem": "科学计数法"},
        {"row_number": 4, "id_number": "11010519491231002X", "name": "外地人"},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        roster = services.roster_upload(
            department=cast.department,
            fact="medical_cost",
            period=datetime.date(2026, 11, 1),
            title="医保高额自付名单",
            rows=rows,
            actor=cast.erin,
        )
    assert (roster.row_count, roster.matched_count) == (3, 1)
    alert = Alert.objects.get()
    assert alert.household == cast.bob_household and alert.rule == "roster_hit"
    assert list(Alert.objects.for_user(cast.bob)) == [alert]
    assert not Alert.objects.for_user(cast.alice).exists()
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"bob", "dave"}
    unmatched = roster.rows.filter(alert__isnull=True).order_by("row_number")
    assert unmatched[0].problem == "科学计数法"
    assert unmatched[1].problem  # reported back: no such member


def test_an_application_enters_the_alert_queue(cast):
    application = services.application_record(
        household=cast.alice_household,
        applied_on=timezone.localdate(),
        applicant="周一",
        description="家中老人重病住院",
        risk_types=["illness"],
        actor=cast.alice,
    )
    assert application.alert.rule == "self_application"
    assert application.alert.status == "open"


def test_a_visit_updates_employment_fills_the_ledger_and_sets_the_next_visit(cast):
    thresholds(visit_interval_normal=90)
    spouse = MemberFactory(household=cast.alice_household, relation="spouse", employment="local")
    day = timezone.localdate() - datetime.timedelta(days=1)
    visit = services.visit_record(
        household=cast.alice_household,
        visited_on=day,
        findings="妻子已返乡，暂无工作",
        actor=cast.carol,
        member_employment={spouse.pk: "not_employed"},
        ledger={"wage_income": 1200},
    )
    spouse.refresh_from_db()
    assert spouse.employment == "not_employed"
    assert visit.next_visit_on == day + datetime.timedelta(days=90)
    assert list(visit.visitors.all()) == [cast.carol]
    entry = cast.alice_household.ledger_entries.get()
    assert (entry.source, int(entry.wage_income), entry.period) == ("visit", 1200, day.replace(day=1))
    with pytest.raises(ValidationError):
        services.visit_record(
            household=cast.alice_household, visited_on=day, findings="x", actor=cast.carol, next_visit_on=day
        )
