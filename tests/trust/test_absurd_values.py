"""Values that are accepted but absurd are refused with a message on the field (issue 20, item 7).

Dates 0001-01-01 and 9999-12-31 were saved as certificate dates, resale limits, measure dates and a
ledger month; "😀", "139000011112" and "1390000111" were saved as phones. The rules live in
portal/validators.py; forms (BootstrapFormMixin), model fields (PhoneField), the admin and imports
(exchange.cells) use them.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from portal import validators

pytestmark = pytest.mark.django_db

ABSURD_PHONES = ["😀", "139000011112", "1390000111", "12345678901", "0793-12345", "abc"]


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def _household_post(cast, **changes):
    from relocation.forms import HouseholdForm
    from tests.place_writes import form_data

    return form_data(HouseholdForm(instance=cast.alice_household, user=cast.admin), **changes)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("certificate_date", "0001-01-01", "早于1949年"),
        ("certificate_date", "9999-12-31", "晚于今后10年"),
        ("resale_restricted_until", "0001-01-01", "早于1949年"),
        ("resale_restricted_until", "9999-12-31", "晚于今后10年"),
        *[("phone", phone, "不是电话号码") for phone in ABSURD_PHONES],
    ],
)
def test_the_household_form_refuses_absurd_values(field, value, message, cast, client_of):
    before = type(cast.alice_household).objects.get(pk=cast.alice_household.pk)
    data = _household_post(cast, certificate_issued="on", **{field: value})
    response = client_of(cast.alice).post(f"/households/{cast.alice_household.pk}/edit/", data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors.get(field, [])), response.context["form"].errors
    after = type(cast.alice_household).objects.get(pk=cast.alice_household.pk)
    assert getattr(after, field) == getattr(before, field)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("１３９－００００－１１１１", "13900001111"),
        ("139 0000 1111", "13900001111"),
        ("+86 139-0000-1111", "13900001111"),
        ("（0793）１２３４５６７", "07931234567"),
        ("0793—82345678", "079382345678"),
        ("010-62345678", "01062345678"),
    ],
)
def test_phones_are_normalised_from_full_width_digits_and_dashes(typed, stored, cast):
    from relocation.forms import HouseholdForm

    form = HouseholdForm(_household_post(cast, phone=typed), instance=cast.alice_household, user=cast.alice)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == stored


def test_dates_inside_the_window_are_kept(cast):
    from relocation.forms import HouseholdForm

    today = timezone.localdate()
    data = _household_post(cast, certificate_issued="on", certificate_date="1949-01-01",
                           resale_restricted_until=(today + datetime.timedelta(days=365 * 9)).isoformat())  # fmt: skip
    form = HouseholdForm(data, instance=cast.alice_household, user=cast.alice)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(("field", "value"), [("start_date", "0001-01-01"), ("end_date", "9999-12-31")])
def test_a_measure_date_outside_the_window_is_refused(field, value, cast):
    from accounts.models import Department
    from assistance.forms import MeasureForm

    data = {"measure_type": "relief", "description": "临时救助", "department": Department.objects.get(code="mzj").pk,
            "cadre": "张三", "start_date": "2025-01-01", field: value}  # fmt: skip
    form = MeasureForm(data, creating=True)
    assert not form.is_valid()
    assert any(word in " ".join(form.errors[field]) for word in ("早于1949年", "晚于今后10年"))


def test_a_measure_cadre_phone_is_checked(cast):
    from accounts.models import Department
    from assistance.forms import MeasureForm

    data = {"measure_type": "relief", "description": "临时救助", "department": Department.objects.get(code="mzj").pk,
            "cadre": "张三", "cadre_phone": "1390000111", "start_date": "2025-01-01"}  # fmt: skip
    form = MeasureForm(data, creating=True)
    assert "不是电话号码" in " ".join(form.errors["cadre_phone"])


@pytest.mark.parametrize(("value", "message"), [("0001-01", "早于1949年"), ("next", "尚未开始")])
def test_a_ledger_month_is_neither_ancient_nor_in_the_future(value, message):
    from monitoring.forms import LedgerMonthForm

    if value == "next":
        today = timezone.localdate()
        value = f"{today.year + (today.month == 12)}-{today.month % 12 + 1:02d}"
    form = LedgerMonthForm({"period": value})
    assert not form.is_valid()
    assert message in " ".join(form.errors["period"])


def test_this_month_is_a_ledger_month():
    from monitoring.forms import LedgerMonthForm

    assert LedgerMonthForm({"period": timezone.localdate().strftime("%Y-%m")}).is_valid()


@pytest.mark.parametrize("phone", ABSURD_PHONES)
def test_a_site_head_phone_is_checked(phone, cast):
    from settlements.forms import OrganisationForm

    form = OrganisationForm({"site_head_phone": phone}, instance=cast.yangkou_site)
    form.is_valid()
    assert "不是电话号码" in " ".join(form.errors["site_head_phone"])


def test_a_cadre_phone_is_checked(cast):
    from cadres.forms import CadreForm

    form = CadreForm({"name": "李四", "phone": "139000011112"}, household=cast.alice_household)
    assert not form.is_valid()
    assert "不是电话号码" in " ".join(form.errors["phone"])


def test_the_model_refuses_an_absurd_phone_whoever_saves_it(cast):
    member = cast.alice_member
    member.phone = "😀"
    with pytest.raises(ValidationError) as caught:
        member.full_clean()
    assert "不是电话号码" in " ".join(caught.value.message_dict["phone"])


def test_the_admin_keeps_the_date_window(cast, rf):
    from django.contrib import admin

    from relocation.models import Household

    request = rf.get("/")
    request.user = cast.admin
    form_class = admin.site._registry[Household].get_form(request, cast.alice_household)
    assert validators.validate_date in form_class.base_fields["certificate_date"].validators


@pytest.mark.parametrize(("cell", "message"), [("0001-01-01", "早于1949年"), ("9999-12-31", "晚于今后10年"),
                                               (datetime.date(1, 1, 1), "早于1949年")])  # fmt: skip
def test_an_import_refuses_an_absurd_date_cell(cell, message):
    from exchange.cells import CellError, parse_date

    with pytest.raises(CellError) as caught:
        parse_date(cell)
    assert message in str(caught.value)


def test_an_import_refuses_an_absurd_phone_cell():
    from exchange.cells import CellError, parse_phone

    for phone in ABSURD_PHONES:
        with pytest.raises(CellError):
            parse_phone(phone)
    assert parse_phone("１３９－００００－１１１１") == "13900001111"
