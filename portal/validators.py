"""Sane values: the one place the portal's rules for dates and phone numbers are written (issue 20, item 7).

Forms get them through ``accounts.widgets.BootstrapFormMixin`` (every date field) and the phone fields
(``PhoneField`` on the models, ``relocation.idnumbers.normalize_phone`` in forms); imports through
``exchange.cells.parse_date`` / ``parse_phone``. A value outside its window is refused with a message
naming the window, never stored.

Dates: nothing the portal records happened before 1949 (the earliest relocation, certificate, measure
or ledger date is decades later; a birth date comes from the ID number and has its own rule), and
nothing is planned more than ten years ahead (a resale limit runs five years from the certificate under
the policy; ten leaves room). Dates that record something done or observed (a ledger month, a visit, a
birth date) may not lie in the future.

Phones: a mainland mobile number is 11 digits starting 13-19 (工业和信息化部《电信网编号计划》); a
landline is an area code starting with 0 (2 or 3 more digits) followed by a 7- or 8-digit number, e.g.
0793-1234567. Full-width digits, dashes of every width, spaces and brackets around the area code are
accepted and normalised to digits only.
"""

import datetime
import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST = datetime.date(1949, 1, 1)
YEARS_AHEAD = 10

# Hyphens, dashes, the katakana long mark an IME may give for "-", brackets and dots around an area code.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−－ー()（）.·]")
PHONE = re.compile(r"1[3-9]\d{9}|0[1-9]\d{1,2}[1-9]\d{6,7}")


def latest(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def validate_date(value, *, today: datetime.date | None = None) -> None:
    """Any date the portal records: 1949 or later, at most ten years ahead."""
    if value is None:
        return
    if isinstance(value, datetime.datetime):
        value = value.date()
    if value < EARLIEST:
        raise ValidationError(
            _("%(value)s is before 1949: check the year.") % {"value": value.isoformat()}, code="date_too_early"
        )
    if value > latest(today):
        raise ValidationError(
            _("%(value)s is more than %(years)s years ahead: check the year.")
            % {"value": value.isoformat(), "years": YEARS_AHEAD},
            code="date_too_late",
        )


def validate_past_date(value, *, today: datetime.date | None = None) -> None:
    """A date something was done or observed on: not in the future, and 1949 or later."""
    if value is None:
        return
    today = today or timezone.localdate()
    validate_date(value, today=today)
    if value > today:
        raise ValidationError(_("%(value)s is in the future.") % {"value": value.isoformat()}, code="date_in_future")


def validate_past_month(value, *, today: datetime.date | None = None) -> None:
    """A ledger month: 1949 or later, and not a month that has not begun."""
    if value is None:
        return
    today = today or timezone.localdate()
    validate_date(value, today=today)
    if (value.year, value.month) > (today.year, today.month):
        raise ValidationError(
            _("%(month)s has not begun: a ledger month may not be in the future.")
            % {"month": f"{value.year}年{value.month}月"},
            code="month_in_future",
        )


def normalize_phone(value) -> str:
    """Digits of a Chinese mobile or landline number, or "" for an empty value; ValidationError otherwise."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = _SEPARATORS.sub("", text)
    if text.endswith(".0") and text[:-2].isdigit():  # a number cell read as a float
        text = text[:-2]
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    if not text:
        return ""
    if not PHONE.fullmatch(text):
        raise ValidationError(
            _(
                "“%(value)s” is not a phone number: a mobile number has 11 digits starting with 13 to 19, a "
                "landline an area code starting with 0 and a 7- or 8-digit number (0793-1234567)."
            )
            % {"value": str(value).strip()[:30]},
            code="phone",
        )
    return text


def validate_phone(value) -> None:
    if value:
        normalize_phone(value)


class PhoneFormField(forms.CharField):
    """A form's phone field: normalised when cleaned (full-width digits, dashes, spaces)."""

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return normalize_phone(value)
        except ValidationError as exc:
            raise ValidationError(exc.messages, code="phone") from None


class PhoneField(models.CharField):
    """A phone number column: checked and normalised by :func:`normalize_phone` in forms, the admin and
    ``full_clean``."""

    default_validators = [validate_phone]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", PhoneFormField)
        field = super().formfield(**kwargs)
        field.widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        return field


def apply_to_admin() -> None:
    """The admin's date fields keep the window too: no 0001-01-01 or 9999-12-31 through the admin.

    Called from ``PortalConfig.ready``, which runs before ``django.contrib.admin`` builds its ModelAdmins.
    """
    from django.contrib.admin import options

    defaults = dict(options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DateField])
    defaults["validators"] = [validate_date]
    options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DateField] = defaults
