"""两不愁三保障 and drinking-water assessments: recorded with history, on a visit or their own page, and
the four screening alerts they raise, each once and not again while open."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from monitoring import evidence
from monitoring.assessments import assessment_record
from monitoring.models import Alert, Assessment, Visit
from monitoring.screening import screen
from tests.factories import MemberFactory, make_id_number

from .chain import day
from .helpers import thresholds

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
FAILING = {
    "out_of_school": ({}, {"schooling": "dropped_out"}),
    "uninsured": ({}, {"insured": False}),
    "unsafe_housing": ({"housing": "D"}, {}),
    "unsafe_water": ({"water_quality_ok": False}, {}),
}


@pytest.fixture(autouse=True)
def _thresholds():
    thresholds(year=YEAR)


def _assess(cast, on=5, household_values=None, member_values=None):
    row = {"schooling": "not_of_age", "school": "", "insured": True, "insurance_year": YEAR} | (member_values or {})
    return assessment_record(
        household=cast.alice_household, assessed_on=day(on), members={cast.alice_member.pk: row}, actor=cast.alice,
        **(household_values or {}),
    )  # fmt: skip


def test_an_assessment_needs_the_school_and_the_insurance_year(cast):
    with pytest.raises(ValidationError) as refused:
        _assess(cast, member_values={"schooling": "in_school", "school": ""})
    assert "学校" in str(refused.value)
    with pytest.raises(ValidationError):
        _assess(cast, member_values={"insurance_year": None})
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("rule", list(FAILING))
def test_screening_raises_each_alert_once_and_not_again_while_open(cast, rule):
    household_values, member_values = FAILING[rule]
    _assess(cast, on=20, household_values=household_values, member_values=member_values)
    screen(full=True)
    alerts = Alert.objects.filter(household=cast.alice_household, rule=rule)
    assert alerts.count() == 1
    assert alerts.get().period == day(20)
    assert set(alerts.get().evidence) <= set(evidence.FIELDS)  # every key has a Chinese label
    assert set(Alert.objects.filter(household=cast.alice_household).values_list("rule", flat=True)) & set(FAILING) == {
        rule
    }
    # A later assessment that finds the same failure raises nothing while the alert is open.
    _assess(cast, on=3, household_values=household_values, member_values=member_values)
    screen(full=True)
    assert alerts.count() == 1


def test_a_sound_assessment_raises_nothing(cast):
    _assess(cast)
    screen(full=True)
    assert not Alert.objects.filter(rule__in=list(FAILING)).exists()


def test_insurance_of_last_year_is_not_this_years(cast):
    _assess(cast, member_values={"insurance_year": YEAR - 1})
    screen(full=True)
    assert Alert.objects.filter(rule="uninsured").count() == 1


def test_the_visit_form_records_an_assessment_prefilled_from_the_last(cast, client_of):
    child = MemberFactory(household=cast.alice_household, name="洋口学童", id_number=make_id_number("20150301"))
    assessment_record(
        household=cast.alice_household, assessed_on=day(40), actor=cast.alice, housing="B",
        members={cast.alice_member.pk: {"insured": True, "insurance_year": YEAR},
                 child.pk: {"schooling": "in_school", "school": "洋口小学", "insured": True, "insurance_year": YEAR}},
    )  # fmt: skip
    client = client_of(cast.alice)
    url = reverse("monitoring:visit_create", kwargs={"household_pk": cast.alice_household.pk})
    page = client.get(url).content.decode()
    assert "洋口小学" in page and 'value="B" selected' in page
    data = {
        "visited_on": day(1).isoformat(), "findings": "家中情况稳定", "record_assessment": "1",
        f"employment_{cast.alice_member.pk}": "local", f"employment_{child.pk}": "not_employed",
        "assess-assessed_on": day(1).isoformat(), "assess-food_clothing_secured": "on", "assess-housing": "B",
        "assess-housing_source": "visit", "assess-water_quantity_ok": "on", "assess-water_quality_ok": "on",
        "assess-water_convenient": "on", "assess-water_guaranteed": "on",
        f"assess-schooling_{cast.alice_member.pk}": "not_of_age", f"assess-insured_{cast.alice_member.pk}": "on",
        f"assess-insurance_year_{cast.alice_member.pk}": YEAR,
        f"assess-schooling_{child.pk}": "dropped_out", f"assess-insured_{child.pk}": "on",
        f"assess-insurance_year_{child.pk}": YEAR,
    }  # fmt: skip
    assert client.post(url, data).status_code == 302
    latest = Assessment.objects.order_by("-assessed_on").first()
    assert latest.visit == Visit.objects.get()
    assert latest.members.get(member=child).schooling == "dropped_out"


def test_a_bad_assessment_on_the_visit_form_writes_no_visit(cast, client_of):
    url = reverse("monitoring:visit_create", kwargs={"household_pk": cast.alice_household.pk})
    data = {
        "visited_on": day(1).isoformat(), "findings": "家中情况稳定", "record_assessment": "1",
        f"employment_{cast.alice_member.pk}": "local", "assess-assessed_on": day(1).isoformat(),
        "assess-housing": "A", "assess-housing_source": "visit",
        f"assess-schooling_{cast.alice_member.pk}": "in_school", f"assess-school_{cast.alice_member.pk}": "",
        f"assess-insured_{cast.alice_member.pk}": "on", f"assess-insurance_year_{cast.alice_member.pk}": YEAR,
    }  # fmt: skip
    response = client_of(cast.alice).post(url, data)
    assert response.status_code == 200
    assert "学校" in response.content.decode()
    assert not Visit.objects.exists() and not Assessment.objects.exists()


def test_the_assessment_page_is_not_found_for_another_township(cast, client_of):
    url = reverse("monitoring:assessment_create", kwargs={"household_pk": cast.alice_household.pk})
    assert client_of(cast.bob).post(url, {}).status_code == 404
    assert client_of(cast.alice).get(url).status_code == 200
