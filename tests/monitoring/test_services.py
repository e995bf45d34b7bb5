"""Verification, cases through to elimination, applications, rosters and visits."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from monitoring import services
from monitoring.models import Alert, Visit
from notifications.models import Notification
from relocation.models import Household
from tests.factories import MemberFactory

from .helpers import thresholds

pytestmark = pytest.mark.django_db


def raise_for(household, rule="cadre_check", period=datetime.date(2026, 3, 1)):
    return services.alert_raise(household=household, rule=rule, period=period, evidence={"x": 1}, source="other")


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


def test_a_fast_lane_identification_marks_the_household_at_once_and_tightens_its_next_visit(cast):
    thresholds(visit_interval_monitored=30)
    Visit.objects.create(
        household=cast.alice_household,
        visited_on=datetime.date(2026, 10, 1),
        findings="ok",
        next_visit_on=datetime.date(2026, 12, 30),
    )
    # The fast lane is for a household in sudden severe difficulty, which a 同步搬迁户 may be.
    Household.objects.filter(pk=cast.alice_household.pk).update(household_type=Household.Type.ALONGSIDE)
    case = services.alert_identify(
        alert=raise_for(cast.alice_household),
        object_type="sudden",
        risk_types=["illness", "accident"],
        discovery_channel="cadre_check",
        identified_at=datetime.date(2026, 10, 2),
        fast_lane=True,
        notes="突发重病住院",
        actor=cast.alice,
    )
    cast.alice_household.refresh_from_db()
    assert cast.alice_household.status == Household.Status.MONITORED
    assert Visit.objects.get(household=cast.alice_household).next_visit_on == datetime.date(2026, 10, 31)
    # A second risk joins the open case instead of opening another.
    again = services.alert_identify(
        alert=raise_for(cast.alice_household, rule="roster_hit"),
        object_type="unstable",
        risk_types=["disability"],
        discovery_channel="department_screening",
        identified_at=datetime.date(2026, 10, 3),
        actor=cast.alice,
    )
    assert again.pk == case.pk
    assert again.risk_types == ["illness", "accident", "disability"]


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
