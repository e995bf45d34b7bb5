"""Naming a household's 帮扶责任人: who may be named, what is refused, what the history keeps."""

import pytest
from django.core.exceptions import ValidationError

from assistance import services as assistance_services
from cadres import services
from cadres.models import HouseholdCadre
from tests.factories import UserFactory


@pytest.mark.django_db
def test_alice_is_named_for_her_townships_household_with_history(cast):
    cadre = services.cadre_assign(household=cast.alice_household, actor=cast.alice, user=cast.alice)
    assert (cadre.user, cadre.name) == (cast.alice, "周爱丽")
    services.cadre_assign(
        household=cast.alice_household, actor=cast.alice, name="王村干", phone="13911112222", unit="洋口镇政府"
    )
    services.cadre_unassign(household=cast.alice_household, actor=cast.alice)
    assert not HouseholdCadre.objects.filter(household=cast.alice_household).exists()
    history = list(HouseholdCadre.history.filter(household_id=cast.alice_household.pk).order_by("history_date"))
    assert [(h.history_type, h.name) for h in history] == [("+", "周爱丽"), ("~", "王村干"), ("-", "王村干")]
    assert {h.history_user for h in history} == {cast.alice}


@pytest.mark.django_db
def test_a_cadre_of_another_township_is_refused_and_nothing_is_written(cast):
    with pytest.raises(ValidationError) as exc:
        services.cadre_assign(household=cast.alice_household, actor=cast.alice, user=cast.bob)
    message = exc.value.message_dict["user"][0]
    assert "吴波" in message and "洋口镇" in message and "帮扶责任人" in message
    assert not HouseholdCadre.objects.exists()
    assert not HouseholdCadre.history.exists()


@pytest.mark.django_db
def test_site_staff_and_the_township_head_may_answer_but_not_a_district_head(cast):
    services.cadre_assign(household=cast.alice_household, actor=cast.alice, user=cast.carol)
    services.cadre_assign(household=cast.bob_household, actor=cast.grace, user=cast.grace)
    with pytest.raises(ValidationError):
        services.cadre_assign(household=cast.alice_household, actor=cast.alice, user=cast.frank)
    with pytest.raises(ValidationError):
        services.cadre_assign(household=cast.alice_household, actor=cast.alice, user=cast.dave)


@pytest.mark.django_db
def test_a_cadre_without_an_account_needs_a_valid_phone_and_unit(cast):
    with pytest.raises(ValidationError) as exc:
        services.cadre_assign(household=cast.alice_household, actor=cast.alice, name="王村干", phone="1234", unit="")
    errors = exc.value.message_dict
    assert "手机号" in errors["phone"][0] and errors["unit"]
    with pytest.raises(ValidationError) as exc:
        services.cadre_assign(household=cast.alice_household, actor=cast.alice, name="王村干", unit="村委会")
    assert exc.value.message_dict["phone"]
    landline = services.cadre_assign(
        household=cast.alice_household, actor=cast.alice, name="王村干", phone="0793-2612345", unit="村委会"
    )
    assert landline.phone == "07932612345" and landline.user is None


@pytest.mark.django_db
def test_an_inactive_user_cannot_be_named(cast):
    gone = UserFactory(full_name="离职干部", townships=[cast.yangkou], is_active=False)
    with pytest.raises(ValidationError):
        services.cadre_assign(household=cast.alice_household, actor=cast.alice, user=gone)


@pytest.mark.django_db
def test_a_plans_suggested_measures_default_to_the_households_cadre(cast):
    services.cadre_assign(
        household=cast.alice_household, actor=cast.alice, name="王村干", phone="13911112222", unit="洋口镇政府"
    )
    from assistance.models import MeasureSuggestion

    suggestion = MeasureSuggestion.objects.filter(is_active=True).first()
    plan = assistance_services.plan_create(
        household=cast.alice_household, summary="因病", actor=cast.alice, suggestion_ids=[suggestion.pk]
    )
    measure = plan.measures.get()
    assert (measure.cadre, measure.cadre_phone) == ("王村干", "13911112222")
