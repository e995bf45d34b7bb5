from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from monitoring.models import Alert
from settlements import services
from settlements.models import AssetIncome, DistributionUse, ResidentRequest, SafetyHazard
from tests.factories import HouseholdFactory
from tests.settlements.factories import AssetFactory, HazardFactory, RequestFactory, days_ago

pytestmark = pytest.mark.django_db


def test_a_serious_hazard_at_a_dwelling_becomes_one_monitoring_alert(cast):
    hazard = HazardFactory.build(
        settlement=cast.yangkou_site,
        household=cast.alice_household,
        hazard_type=SafetyHazard.Type.HOUSING,
        severity=SafetyHazard.Severity.SERIOUS,
        description="承重墙开裂",
    )
    services.hazard_save(hazard=hazard, actor=cast.alice)
    hazard.description = "承重墙开裂，已设警戒"
    services.hazard_save(hazard=hazard, actor=cast.alice)

    alerts = Alert.objects.filter(household=cast.alice_household, rule="hazard")
    assert alerts.count() == 1
    alert = alerts.get()
    assert alert.evidence["hazard_id"] == hazard.pk
    assert alert.status == Alert.Status.OPEN
    hazard.refresh_from_db()
    assert hazard.alert_id == alert.pk


def test_a_general_or_site_hazard_raises_no_alert(cast):
    services.hazard_save(hazard=HazardFactory.build(settlement=cast.yangkou_site, household=cast.alice_household))
    services.hazard_save(
        hazard=HazardFactory.build(settlement=cast.yangkou_site, severity=SafetyHazard.Severity.SERIOUS)
    )
    assert not Alert.objects.exists()


def test_a_hazard_becoming_serious_later_raises_its_alert_then(cast):
    hazard = services.hazard_save(
        hazard=HazardFactory.build(settlement=cast.yangkou_site, household=cast.alice_household)
    )
    hazard.severity = SafetyHazard.Severity.SERIOUS
    services.hazard_save(hazard=hazard, actor=cast.alice)
    assert Alert.objects.filter(household=cast.alice_household, rule="hazard").count() == 1


def test_a_household_hazard_must_be_at_the_households_site(cast):
    hazard = HazardFactory.build(settlement=cast.yangkou_site, household=cast.bob_household)
    with pytest.raises(ValidationError) as exc:
        services.hazard_save(hazard=hazard)
    assert "household" in exc.value.message_dict


def test_a_deadline_before_the_day_found_is_refused(cast):
    hazard = HazardFactory.build(settlement=cast.yangkou_site, found_on=days_ago(3), deadline=days_ago(5))
    with pytest.raises(ValidationError) as exc:
        services.hazard_save(hazard=hazard)
    assert "deadline" in exc.value.message_dict


def _plan(**amounts):
    return {use: (Decimal(p), Decimal(s)) for use, (p, s) in amounts.items()}


def test_an_income_plan_distributing_more_than_the_income_is_refused_with_its_reason(cast):
    asset = AssetFactory(settlement=cast.yangkou_site)
    plan = _plan(site_industry=("60000", "0"), staff_pay=("50000", "0"))

    with pytest.raises(ValidationError) as exc:
        services.asset_income_plan_save(asset=asset, year=2025, income=Decimal("100000"), distributions=plan)

    message = " ".join(exc.value.messages)
    assert "110,000.00" in message and "100,000.00" in message and "10,000.00" in message
    assert not AssetIncome.objects.exists()


def test_a_use_spending_more_than_planned_is_refused(cast):
    asset = AssetFactory(settlement=cast.yangkou_site)
    plan = _plan(temporary_relief=("1000", "1500"))
    with pytest.raises(ValidationError) as exc:
        services.asset_income_plan_save(asset=asset, year=2025, income=Decimal("5000"), distributions=plan)
    assert str(DistributionUse.TEMPORARY_RELIEF.label) in " ".join(exc.value.messages)


def test_a_plan_within_the_income_is_kept_and_its_totals_add_up(cast):
    asset = AssetFactory(settlement=cast.yangkou_site)
    plan = _plan(site_industry=("40000", "30000"), welfare_posts=("35000", "35000"), property_fees=("25000", "0"))
    income = services.asset_income_plan_save(
        asset=asset, year=2025, income=Decimal("100000"), distributions=plan, actor=cast.alice
    )
    assert income.totals() == {"planned": Decimal("100000"), "spent": Decimal("65000")}

    # Saving the year again updates it rather than adding a second plan.
    plan["property_fees"] = (Decimal("20000"), Decimal("0"))
    services.asset_income_plan_save(asset=asset, year=2025, income=Decimal("100000"), distributions=plan)
    assert AssetIncome.objects.get().totals()["planned"] == Decimal("95000")


def test_a_request_is_assigned_answered_and_closed_by_whom(cast):
    item = RequestFactory.build(
        settlement=cast.yangkou_site, assigned_department=cast.department, deadline=days_ago(-5)
    )
    services.request_save(resident_request=item, actor=cast.alice)
    assert item.status == ResidentRequest.Status.ASSIGNED

    with pytest.raises(ValidationError):
        services.request_close(resident_request=item, satisfaction="satisfied", actor=cast.alice)
    services.request_answer(resident_request=item, answer="已安排维修", answered_on=days_ago(0), actor=cast.erin)
    services.request_close(resident_request=item, satisfaction="satisfied", actor=cast.alice)

    item.refresh_from_db()
    assert item.status == ResidentRequest.Status.CLOSED
    assert item.answered_by == cast.erin and item.closed_by == cast.alice
    assert item.satisfaction == "satisfied"


def test_an_answer_before_the_request_was_received_is_refused(cast):
    item = services.request_save(
        resident_request=RequestFactory.build(settlement=cast.yangkou_site, received_on=days_ago(2))
    )
    with pytest.raises(ValidationError):
        services.request_answer(resident_request=item, answer="好", answered_on=days_ago(5))


def test_requests_are_seen_by_their_site_and_by_the_department_they_are_assigned_to(cast):
    assigned = RequestFactory(settlement=cast.yangkou_site, assigned_department=cast.department)
    other = RequestFactory(settlement=cast.yangkou_site)
    HouseholdFactory()  # noise

    assert set(ResidentRequest.objects.for_user(cast.erin)) == {assigned}
    assert set(ResidentRequest.objects.for_user(cast.carol)) == {assigned, other}
    assert not ResidentRequest.objects.for_user(cast.bob).exists()
    assert not ResidentRequest.objects.for_user(cast.nobody).exists()
