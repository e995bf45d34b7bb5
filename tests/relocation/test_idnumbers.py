import pytest
from django.core.exceptions import ValidationError

from relocation import idnumbers

VALID = "36112219800101" + "001"
VALID += idnumbers.check_digit(VALID)


def _wrong_check_digit(number):
    digits = "0123456789X"
    return number[:17] + next(d for d in digits if d != number[17])


def _refusal(value) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        idnumbers.normalize_id_number(value)
    return info.value


def test_it_accepts_a_valid_number():
    assert idnumbers.normalize_id_number(VALID) == VALID


def test_it_accepts_full_width_digits_spaces_and_lowercase_x():
    body = "36112219900215002"
    number = body + idnumbers.check_digit(body)
    typed = " ".join(number).translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    assert idnumbers.normalize_id_number(typed) == number


def test_it_refuses_a_wrong_check_digit_and_says_so():
    error = _refusal(_wrong_check_digit(VALID))
    assert error.code == "checksum"
    assert "check digit" in error.messages[0] or "校验码" in error.messages[0]


def test_it_refuses_an_impossible_birth_date():
    body = "36112219800231001"  # 31 February
    error = _refusal(body + idnumbers.check_digit(body))
    assert error.code == "birth_date"


def test_it_refuses_an_old_15_digit_number():
    error = _refusal("361122800101001")
    assert error.code == "old_15_digit"


@pytest.mark.parametrize("mangled", ["3.62301E+17", "3.61122198001011E+17", "361122E17"])
def test_it_refuses_a_number_excel_turned_into_scientific_notation(mangled):
    error = _refusal(mangled)
    assert error.code == "scientific"


def test_it_refuses_letters_and_short_numbers():
    assert _refusal("36112219800101ABCD").code == "format"
    assert _refusal("3611221980").code == "format"


def test_messages_are_in_chinese_by_default(settings):
    from django.utils import translation

    with translation.override("zh-hans"):
        error = _refusal(_wrong_check_digit(VALID))
    assert "身份证" in error.messages[0]


def test_birth_date_and_sex_follow_from_the_number():
    assert idnumbers.birth_date_of(VALID).isoformat() == "1980-01-01"
    assert idnumbers.sex_of(VALID) == "M"  # 17th digit 1 is odd


def test_masks_keep_the_first_and_last_four():
    assert idnumbers.mask_id_number(VALID) == VALID[:4] + "*" * 10 + VALID[-4:]
    assert idnumbers.mask_phone("13812345678") == "138****5678"


def test_it_accepts_a_county_code_newer_than_the_birth_date():
    # Born 1995, registered late under 361122 (in force 2000-2015): a real and common case.
    body = "36112219950101002"
    assert idnumbers.normalize_id_number(body + idnumbers.check_digit(body))


def test_it_refuses_a_region_code_that_never_existed():
    body = "99999919800101001"
    assert _refusal(body + idnumbers.check_digit(body)).code == "region"
