"""Net income (纯收入): the one place that says what the portal counts as a household's income.

Per-capita net income = (wage + production and business + property + transfer income − the costs the
year's rules deduct) ÷ household size. The costs a ledger month and an annual income record carry
are production and business costs (生产经营性支出) and the medical and schooling expenses; which of
them are deducted is per-year data beside the income line (``Thresholds.deduct_*``), never a constant.
Where no thresholds exist yet, production and business costs are deducted (the national definition of
纯收入; see ``docs/monitoring.md``).

Everything that counts income reads these helpers: Python (:func:`net`, :func:`per_capita`), the ORM
(:func:`expression`) and the set-based SQL of screening and of the figures (:func:`sql`). The SQL is
assembled from the field names below, never from input.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F

INCOME_FIELDS = ("wage_income", "business_income", "property_income", "transfer_income")
# Cost field (on LedgerEntry and AnnualIncome) -> the Thresholds switch that deducts it.
COST_FIELDS = {
    "production_cost": "deduct_production_cost",
    "medical_expense": "deduct_medical_expense",
    "schooling_expense": "deduct_schooling_expense",
}
DEFAULT_DEDUCTED = ("production_cost",)
CENT = Decimal("0.01")


def deducted(thresholds) -> tuple[str, ...]:
    """The cost fields the year's rules deduct from income."""
    if thresholds is None:
        return DEFAULT_DEDUCTED
    return tuple(field for field, switch in COST_FIELDS.items() if getattr(thresholds, switch))


def gross(obj) -> Decimal:
    """Income of the four kinds, before any cost."""
    return sum((getattr(obj, f) or Decimal(0) for f in INCOME_FIELDS), Decimal(0))


def net(obj, thresholds) -> Decimal:
    """Net income of a ledger month or an annual record (or anything with the same fields)."""
    return gross(obj) - sum((getattr(obj, f) or Decimal(0) for f in deducted(thresholds)), Decimal(0))


def per_capita(obj, thresholds, *, months: int = 1) -> Decimal | None:
    """Net income per person per year of ``months`` months of ``obj``'s amounts (an annual record: 12)."""
    size = getattr(obj, "household_size", 0) or 0
    if size <= 0 or months <= 0:
        return None
    return (net(obj, thresholds) * 12 / months / size).quantize(CENT)


def sql(thresholds, alias: str = "") -> str:
    """The net income of one row as an SQL expression; ``alias`` is the table's alias ("l" or "")."""
    prefix = f"{alias}." if alias else ""
    plus = " + ".join(f"{prefix}{f}" for f in INCOME_FIELDS)
    minus = "".join(f" - {prefix}{f}" for f in deducted(thresholds))
    return f"({plus}{minus})"


def expression(thresholds):
    """The net income of a row as an ORM expression."""
    total = F(INCOME_FIELDS[0])
    for field in INCOME_FIELDS[1:]:
        total = total + F(field)
    for field in deducted(thresholds):
        total = total - F(field)
    return total


def annual_years(day) -> tuple[int, int]:
    """The accounting years that count on ``day``: last year's accounting and this year's, the later first."""
    return day.year - 1, day.year


@dataclass(frozen=True)
class KnownIncome:
    """A household's per-capita net income as screening counts it, or why it is not known."""

    per_capita: Decimal | None  # None: not known
    source: str  # "annual" or "ledger"
    year: int | None = None  # the accounting year (annual)
    months: int = 0  # the ledger months counted (ledger)


def household_income(household, day, thresholds, *, after=None) -> KnownIncome:
    """The income screening counts on ``day`` (``monitoring/screening.py``, rule income_low), in Python.

    The annual income accounting of last year or this year (the later), where the thresholds put it first;
    else the ledger of the twelve completed months before ``day``'s month, each month's net income over
    that month's household size, averaged and annualised, and only with at least ``min_ledger_months``
    months: with fewer the income is not known. ``after`` (a date: elimination passes the day the case was
    identified) leaves out what describes the household before it: an accounting of an earlier year, and
    the ledger months up to and including that month.
    """
    from portal.months import month_index

    from .models import AnnualIncome, LedgerEntry

    if thresholds is None or thresholds.income_source == "annual":
        first, last = annual_years(day)
        if after is not None:
            first = max(first, after.year)
        record = (
            AnnualIncome.objects.filter(household=household, year__gte=first, year__lte=last).order_by("-year").first()
        )
        if record is not None and (record.household_size or 0) > 0:
            return KnownIncome(per_capita(record, thresholds, months=12), "annual", year=record.year)
    last = month_index(day) - 1
    start = last - 12 if after is None else max(last - 12, month_index(after))
    entries = [
        e
        for e in LedgerEntry.objects.filter(household=household, month_index__gt=start, month_index__lte=last)
        if (e.household_size or 0) > 0
    ]
    needed = thresholds.min_ledger_months if thresholds is not None else 1
    if not entries or len(entries) < needed:
        return KnownIncome(None, "ledger", months=len(entries))
    total = sum((net(e, thresholds) / e.household_size for e in entries), Decimal(0))
    return KnownIncome((total * 12 / len(entries)).quantize(CENT), "ledger", months=len(entries))
