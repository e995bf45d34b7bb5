"""Households built to trip, or to pass, each screening rule."""

import datetime
from decimal import Decimal

from monitoring.models import LedgerEntry, Thresholds
from tests.factories import HouseholdFactory, MemberFactory

AS_OF = datetime.date(2026, 11, 15)


def months_before(as_of: datetime.date, n: int) -> list[datetime.date]:
    """The ``n`` first-of-months before ``as_of``'s month, oldest first."""
    out, y, m = [], as_of.year, as_of.month
    for _ in range(n):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        out.append(datetime.date(y, m, 1))
    return out[::-1]


def thresholds(year: int = 2026, **overrides) -> Thresholds:
    values = {
        "income_line": Decimal("8800"),
        "warning_multiplier": Decimal("1.5"),
        "income_drop_percent": 30,
        "drop_baseline_months": 3,
        "medical_expense_threshold": Decimal("5000"),
        "schooling_expense_threshold": Decimal("10000"),
        "observation_months": 6,
    } | overrides
    t, _ = Thresholds.objects.update_or_create(year=year, defaults=values)
    return t


def give_ledger(household, *, monthly_income, months=12, size=2, as_of=AS_OF, last_income=None, **extra):
    """Monthly ledger entries for the months before ``as_of``; ``last_income`` overrides the latest month's wages."""
    periods = months_before(as_of, months)
    for i, period in enumerate(periods):
        wages = monthly_income if (last_income is None or i < len(periods) - 1) else last_income
        LedgerEntry.objects.update_or_create(
            household=household,
            period=period,
            defaults={"household_size": size, "wage_income": Decimal(wages), **extra},
        )
    return periods


def household(township, **kwargs):
    """A household with one employed, able member (passes the zero-employment rule)."""
    h = HouseholdFactory(township=township, **kwargs)
    MemberFactory(household=h)
    return h
