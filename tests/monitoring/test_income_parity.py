"""Elimination reads a household's income through ``income.household_income``; screening counts it in
SQL (rule income_low). They must agree, or a household could be warned as poor and eliminated as not,
or the reverse: each household here is below the warning line for one exactly when screening warns it."""

from decimal import Decimal

import pytest

from monitoring import income
from monitoring.models import Alert, AnnualIncome, Thresholds
from monitoring.screening import screen

from .helpers import AS_OF, give_ledger, household, thresholds

pytestmark = pytest.mark.django_db


def _accounting(h, year, per_person, size=2, cost=0):
    AnnualIncome.objects.create(
        household=h, year=year, household_size=size, wage_income=Decimal(per_person * size), production_cost=cost
    )


CASES = {
    # name: (build(household), income known?)
    "ledger low": (lambda h: give_ledger(h, monthly_income=1000, size=2), True),  # 6,000 a person
    "ledger high": (lambda h: give_ledger(h, monthly_income=3000, size=2), True),  # 18,000
    "ledger just under the warning line": (lambda h: give_ledger(h, monthly_income=2190, size=2), True),  # 13,140
    "production cost deducted": (
        lambda h: give_ledger(h, monthly_income=2500, size=2, production_cost=Decimal("600")),
        True,
    ),  # 15,000 gross, 11,400 net
    "annual low outweighs a high ledger": (
        lambda h: (give_ledger(h, monthly_income=3000, size=2), _accounting(h, AS_OF.year - 1, 7000)),
        True,
    ),
    "annual high outweighs a low ledger": (
        lambda h: (give_ledger(h, monthly_income=1000, size=2), _accounting(h, AS_OF.year, 20000)),
        True,
    ),
    "too few months, no accounting": (lambda h: give_ledger(h, monthly_income=500, months=3, size=2), False),
}


@pytest.mark.parametrize("source", ["annual", "ledger"])
def test_elimination_and_screening_count_the_same_income(cast, source):
    t = thresholds(min_ledger_months=6, income_source=source)
    households = {}
    for name, (build, _known) in CASES.items():
        h = household(cast.yangkou)
        build(h)
        households[name] = h
    screen(full=True, as_of=AS_OF)
    warned = set(Alert.objects.filter(rule="income_low").values_list("household_id", flat=True))
    t = Thresholds.objects.get(pk=t.pk)
    for name, h in households.items():
        known = income.household_income(h, AS_OF, t)
        below = known.per_capita is not None and known.per_capita < t.warning_line
        assert below == (h.pk in warned), (name, source, known)
        if source == "ledger" or "annual" not in name:
            assert (known.per_capita is not None) == CASES[name][1], name
