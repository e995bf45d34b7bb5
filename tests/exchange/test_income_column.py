"""人均纯收入 on a household roster (issue 19, item 5): not stored, compared with what the portal's
ledgers and annual accounting give; a difference is a warning with both figures, never an error."""

from decimal import Decimal

import pytest
from django.utils import timezone

from dashboards.models import HouseholdFigures
from exchange import services
from monitoring.services import annual_income_save
from tests.exchange.workbooks import HOUSEHOLD_HEADER, build, household_row, upload
from tests.monitoring.helpers import thresholds


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def preview(user, path):
    return services.import_preview(
        record=services.import_upload(user=user, uploaded_file=upload(path), kind="households")
    )


def roster(tmp_path, cast, income):
    row = household_row(cast.alice_household.code, head=cast.alice_household.head_name)
    return build(tmp_path / "r.xlsx", {"花名册": [[*HOUSEHOLD_HEADER, "人均纯收入"], [*row, income]]})


@pytest.fixture
def accounted(cast):
    """洋口 household: last year's accounting gives 3 people 30,000 − 3,000 = 9,000 yuan each."""
    year = timezone.localdate().year - 1
    thresholds(year=year)
    thresholds(year=year + 1)
    annual_income_save(
        household=cast.alice_household, year=year, household_size=3, actor=cast.alice,
        wage_income=Decimal(30000), production_cost=Decimal(3000),
    )  # fmt: skip
    figure = HouseholdFigures.objects.get(household=cast.alice_household).per_capita_income
    assert figure is not None
    return Decimal(str(round(figure, 2)))


@pytest.mark.django_db
def test_a_per_capita_income_that_disagrees_with_the_ledgers_is_a_warning_with_both_figures(cast, tmp_path, accounted):
    record = preview(cast.alice, roster(tmp_path, cast, float(accounted) + 500))
    assert record.errors == [] and record.rows_invalid == 0
    warnings = [w for s in record.sheets for w in s.get("warnings", [])]
    assert [(w["row"], w["column"]) for w in warnings] == [(2, "人均纯收入")]
    assert str(accounted + 500) in warnings[0]["message"] and f"{accounted:.2f}" in warnings[0]["message"]


@pytest.mark.django_db
def test_a_per_capita_income_that_agrees_within_a_yuan_gives_no_warning(cast, tmp_path, accounted):
    record = preview(cast.alice, roster(tmp_path, cast, float(accounted) + 0.6))
    assert [w for s in record.sheets for w in s.get("warnings", [])] == []


@pytest.mark.django_db
def test_a_household_with_no_income_recorded_says_so(cast, tmp_path):
    HouseholdFigures.objects.filter(household=cast.alice_household).update(per_capita_income=None)
    record = preview(cast.alice, roster(tmp_path, cast, 7000))
    warnings = [w for s in record.sheets for w in s.get("warnings", [])]
    assert len(warnings) == 1 and "7000" in warnings[0]["message"]
