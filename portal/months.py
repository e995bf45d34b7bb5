"""Calendar months: the one place where screening, the figures and the pages count months.

A "twelve-month window" ending in a month is that month and the eleven before it, counted on the
calendar (never by subtracting days: 335 days back from the first of a month lands in the month
before the window in seven months of the year).
"""

import datetime


def month_index(period: datetime.date) -> int:
    """Months since year 0: lets SQL compare periods with integer arithmetic on every database."""
    return period.year * 12 + period.month - 1


def from_index(index: int) -> datetime.date:
    """The first day of the month ``index`` (the inverse of :func:`month_index`)."""
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, 1)


def first_of_month(day: datetime.date) -> datetime.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` calendar months after (negative: before) ``day``'s."""
    return from_index(month_index(day) + months)


def window_start(last: datetime.date, months: int = 12) -> datetime.date:
    """The first month of the ``months``-month window that ends with ``last``'s month."""
    return add_months(last, -(months - 1))
