"""The ledger form never overwrites a month silently: the month first, its figures loaded, a stale save refused."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from monitoring import services
from monitoring.models import LedgerEntry

pytestmark = pytest.mark.django_db

MONTH = datetime.date(2026, 3, 1)


def url(household, period=None):
    base = reverse("monitoring:ledger_create", args=[household.pk])
    return f"{base}?period={period:%Y-%m}" if period else base


def post_data(page_form, **changes):
    data = {}
    for name in page_form.fields:
        value = page_form[name].value()
        data[name] = "" if value is None else value
    data["period"] = f"{MONTH:%Y-%m}"
    data.update(changes)
    return data


@pytest.fixture
def march(cast):
    return services.ledger_entry_save(
        household=cast.alice_household,
        period=MONTH,
        actor=cast.carol,
        household_size=3,
        wage_income=Decimal("2000"),
        business_income=Decimal("4885"),
    )


def test_the_form_asks_for_the_month_first_and_lists_the_months_entered(client_of, cast, march):
    page = client_of(cast.alice).get(url(cast.alice_household))

    html = page.content.decode()
    assert 'type="month"' in html
    assert "2026年3月" in html
    assert "wage_income" not in html  # no figures before the month is chosen


def test_a_month_already_entered_opens_with_its_figures(client_of, cast, march):
    page = client_of(cast.alice).get(url(cast.alice_household, MONTH))

    form = page.context["form"]
    assert form["business_income"].value() == Decimal("4885.00")
    assert "已录入" in page.content.decode()


def test_changing_an_opened_month_saves_it(client_of, cast, march):
    client = client_of(cast.alice)
    form = client.get(url(cast.alice_household, MONTH)).context["form"]

    response = client.post(url(cast.alice_household), post_data(form, wage_income="2500"))

    assert response.status_code == 302
    march.refresh_from_db()
    assert march.wage_income == Decimal("2500")
    assert march.business_income == Decimal("4885")  # untouched figures stay


def test_a_save_over_a_month_changed_since_it_was_opened_is_refused(client_of, cast, march):
    client = client_of(cast.alice)
    form = client.get(url(cast.alice_household, MONTH)).context["form"]
    # Meanwhile Carol corrects the month.
    services.ledger_entry_save(
        household=cast.alice_household,
        period=MONTH,
        actor=cast.carol,
        household_size=3,
        wage_income=Decimal("2000"),
        business_income=Decimal("5100"),
    )

    response = client.post(url(cast.alice_household), post_data(form, business_income="0"))

    assert response.status_code == 200
    assert "未保存" in response.content.decode()
    march.refresh_from_db()
    assert march.business_income == Decimal("5100")
    assert response.context["form"]["business_income"].value() == Decimal("5100.00")  # shown as it is now


def test_a_new_month_entered_twice_is_refused_the_second_time(client_of, cast):
    client = client_of(cast.alice)
    first = client.get(url(cast.alice_household, MONTH)).context["form"]
    second = client.get(url(cast.alice_household, MONTH)).context["form"]

    assert client.post(url(cast.alice_household), post_data(first, wage_income="1000")).status_code == 302
    response = client.post(url(cast.alice_household), post_data(second, wage_income="0"))

    assert response.status_code == 200
    assert LedgerEntry.objects.get(household=cast.alice_household, period=MONTH).wage_income == Decimal("1000")


def test_ledger_changes_are_on_the_households_change_history(client_of, cast, march):
    client = client_of(cast.alice)
    form = client.get(url(cast.alice_household, MONTH)).context["form"]
    client.post(url(cast.alice_household), post_data(form, business_income="0"))

    html = client.get(reverse("relocation:household_history", args=[cast.alice_household.pk])).content.decode()

    assert "2026年3月" in html
    assert "4885.00 → 0.00" in html or "4885 → 0" in html
