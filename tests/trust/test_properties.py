"""Bad input everywhere: property-based tests of ID numbers, phones, forms and the import parser.

Whatever staff type or paste, and whatever a workbook cell holds, the answer is a clean value or
a Chinese message; never an exception that becomes a server error.
"""

import datetime
import tempfile

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from accounts.logging import mask_text
from exchange import cells, reader
from relocation import idnumbers

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
DB = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

areas = st.sampled_from(["361122", "361103", "362321", "110101", "440305"])
births = st.dates(min_value=datetime.date(1920, 1, 1), max_value=datetime.date(2024, 12, 31))


def well_formed(number: str) -> bool:
    """18 characters, a real birth date and the right check digit (area codes are not checked:
    361103, the district's code since 2015, is missing from python-stdnum's list)."""
    return (
        len(number) == 18
        and idnumbers.check_digit(number[:17]) == number[17]
        and ric.get_birth_date(number) <= datetime.date.today()
    )


@st.composite
def id_numbers(draw):
    body = f"{draw(areas)}{draw(births):%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return body + idnumbers.check_digit(body)


# Text staff might type: digits (half- and full-width), X, spaces, punctuation, Chinese.
typed = st.text(alphabet=st.sampled_from(list("0123456789０１２３４５６７８９xX -.eE+　号码身份证")), max_size=24)
cell_values = st.one_of(
    st.text(max_size=40),
    typed,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.just(""),
    st.none(),
)


@FAST
@given(st.one_of(typed, st.text(max_size=30), id_numbers()))
def test_an_id_number_is_either_valid_or_refused_with_a_message(text):
    try:
        number = idnumbers.normalize_id_number(text)
    except ValidationError as exc:
        assert exc.messages and all(exc.messages)
        return
    assert well_formed(number)


@FAST
@given(id_numbers())
def test_a_valid_id_number_survives_what_staff_do_to_it(number):
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert idnumbers.normalize_id_number(f" {full_width.lower()} ") == number
    assert idnumbers.normalize_id_number(number[:6] + " " + number[6:]) == number


@FAST
@given(id_numbers(), st.integers(0, 16), st.integers(1, 9))
def test_a_single_wrong_digit_is_caught(number, position, delta):
    wrong = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    with pytest.raises(ValidationError):
        idnumbers.normalize_id_number(wrong)


@FAST
@given(id_numbers(), st.text(max_size=20), st.text(max_size=20))
def test_masking_never_shows_the_middle_digits(number, before, after):
    assume(not (before[-1:].isdigit() or after[:1].isdigit()))
    masked = idnumbers.mask_id_number(number)
    assert masked[:4] == number[:4] and masked[-4:] == number[-4:] and number[4:14] not in masked
    assert number not in mask_text(f"{before}{number}{after}")


@FAST
@given(st.one_of(typed, st.text(max_size=20), st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)))
def test_a_phone_is_either_clean_or_refused(text):
    try:
        phone = idnumbers.normalize_phone(text)
    except ValidationError as exc:
        assert exc.messages
        return
    assert phone == "" or phone.isdigit()


PARSERS = [
    cells.parse_text,
    cells.parse_code,
    cells.parse_bool,
    cells.parse_decimal,
    cells.parse_int,
    cells.parse_date,
    cells.parse_month,
    cells.parse_id_number,
    cells.parse_phone,
]


@FAST
@given(st.sampled_from(PARSERS), cell_values)
def test_every_cell_parser_returns_a_value_or_a_cell_error(parser, value):
    try:
        parser(value)
    except cells.CellError as exc:
        assert str(exc)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3000))
def test_any_uploaded_bytes_are_read_or_refused_as_a_bad_file(data):
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        handle.write(data)
        handle.flush()
        try:
            reader.inspect(handle.name)
        except reader.BadFile as exc:
            assert str(exc)


member_data = st.fixed_dictionaries(
    {
        "name": st.text(max_size=60),
        "id_number": st.one_of(typed, id_numbers(), st.text(max_size=20)),
        "relation": st.one_of(st.sampled_from(["head", "spouse", "son", "x"]), st.text(max_size=5)),
        "labour_capacity": st.sampled_from(["none", "weak", "ordinary", "skilled", "", "bogus"]),
        "willing_to_work": st.sampled_from(["on", "", "1", "yes"]),
        "health": st.sampled_from(["healthy", "disabled", "serious", "", "?"]),
        "disability_grade": st.one_of(st.integers(-5, 10).map(str), st.text(max_size=4)),
        "schooling": st.sampled_from(["", "primary", "college", "phd"]),
        "employment": st.sampled_from(["local", "outside", "not_employed", "", "mars"]),
        "employer": st.text(max_size=120),
        "phone": st.one_of(typed, st.text(max_size=14)),
    }
)


@DB
@given(data=member_data)
def test_the_member_form_validates_anything_without_crashing(cast, data):
    from relocation.forms import MemberForm

    form = MemberForm(data=data, household=cast.alice_household)
    if form.is_valid():
        member = form.save()
        assert well_formed(member.id_number)
        assert member.birth_date == ric.get_birth_date(member.id_number)
        member.delete()
    else:
        assert form.errors


household_data = st.fixed_dictionaries(
    {
        "code": st.text(max_size=40),
        "head_name": st.text(max_size=60),
        "household_type": st.sampled_from(["lifted", "alongside", "", "x"]),
        "township": st.one_of(st.integers(-1, 10**12).map(str), st.text(max_size=5)),
        "placement": st.sampled_from(["homestead", "apartment", ""]),
        "resettlement": st.sampled_from(["centralised", "dispersed", "", "x"]),
        "resettlement_kind": st.sampled_from(["", "scattered", "near_village", "y"]),
        "phone": st.one_of(typed, st.text(max_size=14)),
        "relocation_year": st.one_of(st.integers(-3000, 10**9).map(str), st.text(max_size=6)),
        "housing_area": st.one_of(st.decimals(allow_nan=True).map(str), st.text(max_size=8)),
        "certificate_date": st.one_of(st.dates().map(str), st.text(max_size=12)),
        "origin_farmland_mu": st.one_of(st.floats().map(str), st.text(max_size=8)),
    }
)


@DB
@given(data=household_data)
def test_the_household_form_validates_anything_without_crashing(cast, data):
    from relocation.forms import HouseholdForm

    form = HouseholdForm(data=data, user=cast.alice)
    if form.is_valid():
        household = form.save()
        assert household.township_id == cast.yangkou.pk  # never a township outside Alice's scope
        household.delete()
    else:
        assert form.errors
