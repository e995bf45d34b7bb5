import datetime

import pytest

from dashboards import summary
from portal.months import add_months, from_index, month_index, window_start


def _every_day(year):
    day = datetime.date(year, 1, 1)
    while day.year == year:
        yield day
        day += datetime.timedelta(days=1)


@pytest.mark.parametrize("year", [2024, 2026])  # a leap year and a common one
def test_the_twelve_month_window_is_twelve_calendar_months_on_every_day_of_the_year(year):
    for today in _every_day(year):
        start = window_start(today)
        assert start.day == 1
        months = month_index(today) - month_index(start) + 1
        assert months == 12, f"{today}: window from {start} spans {months} months"
        # The dashboards' window is the same one.
        assert summary.income_since(today) == start


def test_the_window_of_december_starts_in_january_of_the_same_year():
    assert window_start(datetime.date(2026, 12, 2)) == datetime.date(2026, 1, 1)
    assert window_start(datetime.date(2026, 1, 31)) == datetime.date(2025, 2, 1)
    assert window_start(datetime.date(2024, 3, 1), months=6) == datetime.date(2023, 10, 1)


def test_months_are_added_across_years():
    assert add_months(datetime.date(2025, 11, 30), 3) == datetime.date(2026, 2, 1)
    assert add_months(datetime.date(2025, 1, 15), -1) == datetime.date(2024, 12, 1)
    assert from_index(month_index(datetime.date(2024, 2, 29))) == datetime.date(2024, 2, 1)
