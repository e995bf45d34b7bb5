"""Resident ID numbers (居民身份证号码, GB 11643) and phone numbers: cleaning, checking, masking.

The check itself is python-stdnum's ``cn.ric``; this module adds what staff actually type or
paste: full-width digits, spaces, a lowercase x, and numbers that Excel has already mangled.
"""

import re
import unicodedata
from datetime import date
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric

SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE]\+?\d+$")


def clean_text(value) -> str:
    """Full-width characters to half-width, all whitespace removed."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return re.sub(r"\s+", "", text)


def normalize_id_number(value, *, today: date | None = None) -> str:
    """Return a valid 18-character ID number with an upper-case X, or raise ValidationError.

    Importers checking many rows pass ``today`` once rather than reading the clock per row.
    """
    text = clean_text(value)
    if not text:
        raise ValidationError(_("The ID number is empty."), code="empty")
    if SCIENTIFIC.match(text):
        raise ValidationError(
            _(
                "The ID number %(value)s was shown by Excel in scientific notation and has lost its "
                "last digits; format the column as text and type the number again."
            )
            % {"value": text},
            code="scientific",
        )
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    text = text.upper()
    if re.fullmatch(r"\d{15}", text):
        raise ValidationError(
            _("%(value)s is an old 15-digit ID number; enter the 18-digit number.") % {"value": text},
            code="old_15_digit",
        )
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise ValidationError(
            _("An ID number has 18 characters: 17 digits and a final digit or X (got “%(value)s”).") % {"value": text},
            code="format",
        )
    if text[-1] != check_digit(text[:17]):
        raise ValidationError(
            _("The check digit (the last character) of ID number %(value)s is wrong; check for a typing error.")
            % {"value": text},
            code="checksum",
        )
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        born = None
    if born is None or born.year < 1890:
        raise ValidationError(
            _("The birth date in ID number %(value)s (digits 7 to 14) is not a real date.") % {"value": text},
            code="birth_date",
        )
    if born > (today or timezone.localdate()):
        raise ValidationError(
            _("The birth date in ID number %(value)s lies in the future.") % {"value": text}, code="birth_date"
        )
    if not region_exists(text[:6]):
        raise ValidationError(
            _("The first six digits of ID number %(value)s are not an administrative division code.") % {"value": text},
            code="region",
        )
    return text


def check_digit(body: str) -> str:
    """The GB 11643 check digit of the first 17 digits."""
    # stdnum's calc_check_digit takes the whole number and ignores its last character.
    return ric.calc_check_digit(body[:17] + "0")


@lru_cache(maxsize=4096)
def region_exists(code: str) -> bool:
    """Whether the six-digit division code was ever in use.

    python-stdnum's own validate() also demands that the code was in force in the birth year. That
    refuses real numbers: many relocated residents were registered late, or under a county code
    newer than their birth (广丰: 362322 until 2000, 361122 until 2015, then 361103).
    """
    from stdnum import numdb

    found = {key for _part, props in numdb.get("cn/loc").info(code) for key in props}
    return "county" in found


def birth_date_of(id_number: str) -> date:
    return ric.get_birth_date(id_number)


def sex_of(id_number: str) -> str:
    """'M' or 'F' from the 17th digit (odd for men)."""
    return "M" if int(id_number[16]) % 2 else "F"


def mask_id_number(value: str) -> str:
    """3623**********1234: enough to tell people apart, not enough to misuse."""
    if not value:
        return ""
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678."""
    if not value:
        return ""
    digits = value.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def normalize_phone(value) -> str:
    """A Chinese mobile or landline number as digits (the rule lives in portal/validators.py)."""
    from portal.validators import normalize_phone as normalize

    return normalize(value)
