"""Turning what township staff type into Excel or WPS into clean values, or a Chinese message.

Each parser takes a raw cell as python-calamine returns it (str, float, int, bool, date, datetime
or "" for an empty cell) and returns the value for the model, or raises :class:`CellError`.
"""

import datetime
import operator
import re
import time
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.validators import validate_date
from relocation import idnumbers

EXCEL_EPOCH = datetime.date(1899, 12, 30)
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(?:(\d{1,2})\s*日?)?)?$")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
FORMULA_ESCAPE = re.compile(r"^'(?=[=+\-@\t\r\n])")
WHITESPACE = re.compile(r"\s+")
CODE_SHAPE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.-]*")
TRUE_WORDS = {"是", "有", "已", "已办", "已办证", "已拆", "已复垦", "已流转", "y", "yes", "true", "1", "√", "✓", "对"}
FALSE_WORDS = {"否", "无", "未", "没有", "未办", "未办证", "n", "no", "false", "0", "×", "✗", "不是"}


class CellError(Exception):
    """A cell's value cannot be used; the message is shown next to the sheet, row and column."""


def text_of(value) -> str:
    """A cell as clean text: full-width to half-width, trimmed, our own export's formula escape undone."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return FORMULA_ESCAPE.sub("", text)


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_text(value, *, max_length: int = 0, compact: bool = False) -> str:
    """Trimmed text; ``compact`` drops every space (codes, names typed with padding spaces)."""
    if (
        value.__class__ is str
        and (not max_length or len(value) <= max_length)
        and value.isprintable()
        and " " not in value
        and value[:1] != "'"
        and unicodedata.is_normalized("NFKC", value)
    ):
        return value  # already clean: no space, control or full-width character, no formula escape
    text = text_of(value)
    text = WHITESPACE.sub("" if compact else " ", text)
    if max_length and len(text) > max_length:
        raise CellError(_("At most %(max)s characters (this cell has %(n)s).") % {"max": max_length, "n": len(text)})
    return text


def parse_code(value, *, max_length: int = 30) -> str:
    if value.__class__ is str and CODE_SHAPE.fullmatch(value) and len(value) <= max_length:
        return value.upper()
    return parse_text(value, max_length=max_length, compact=True).upper()


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = text_of(value).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS or not text:
        return False
    raise CellError(_("Write 是 or 否 (got “%(value)s”).") % {"value": text})


def parse_decimal(value, *, places: int = 2, minimum: Decimal | None = Decimal(0), maximum=None) -> Decimal:
    if isinstance(value, bool):
        raise CellError(_("A number is expected."))
    if isinstance(value, (int, float)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        text = text_of(value).replace(",", "").replace("，", "")
        for suffix in ("平方米", "㎡", "m²", "m2", "亩", "元", "万元"):
            if text.endswith(suffix):
                text = text[: -len(suffix)].strip()
                break
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError(_("“%(value)s” is not a number.") % {"value": text}) from None
    if not number.is_finite():
        raise CellError(_("A number is expected."))
    try:
        number = number.quantize(Decimal(1).scaleb(-places))
    except InvalidOperation:  # more digits than any ledger or area can have
        raise CellError(_("The number is too large.")) from None
    if minimum is not None and number < minimum:
        raise CellError(_("The number may not be below %(min)s.") % {"min": minimum})
    if maximum is not None and number > maximum:
        raise CellError(_("The number may not be above %(max)s.") % {"max": maximum})
    return number


# A small number written in Chinese, as grades and counts are in county forms (三级, 叁级, 二).
CHINESE_DIGITS = {
    "〇": 0, "零": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
    "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9, "十": 10, "拾": 10,
}  # fmt: skip


def parse_int(value, *, minimum: int | None = None, maximum: int | None = None) -> int:
    text = text_of(value)
    # 三级残疾, 3级, 三, 2年: the unit words are dropped, a single Chinese numeral is read as its digit.
    for suffix in ("残疾", "年", "级"):
        text = text.removesuffix(suffix).strip()
    text = text.removeprefix("第").strip()
    if text in CHINESE_DIGITS:
        text = str(CHINESE_DIGITS[text])
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": text}) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": text})
    number = int(number)
    if minimum is not None and number < minimum:
        raise CellError(_("The number may not be below %(min)s.") % {"min": minimum})
    if maximum is not None and number > maximum:
        raise CellError(_("The number may not be above %(max)s.") % {"max": maximum})
    return number


def _date(year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellError(_("%(y)s-%(m)s-%(d)s is not a real date.") % {"y": year, "m": month, "d": day}) from None


def _from_serial(number: float) -> datetime.date:
    if not 1 <= number < 2958466:
        raise CellError(_("%(value)s is not a date.") % {"value": number})
    return EXCEL_EPOCH + datetime.timedelta(days=int(number))


def parse_date(value) -> datetime.date:
    """2019-12-01, 2019/12/1, 2019.12, 2019年12月, 20191201 or an Excel serial; a month alone is its 1st.

    A date before 1949 or more than ten years ahead is refused (portal/validators.py)."""
    day = _parse_date(value)
    try:
        validate_date(day, today=_today())
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from None
    return day


def _parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1900 <= value <= 2100 and not float(value).is_integer():
            # "2019.12" typed into a number cell arrives as the float 2019.12.
            year, month = repr(float(value)).split(".")
            return _date(int(year), int(month), 1)
        if 1900 <= value <= 2100:
            raise CellError(_("Give the month as well as the year, e.g. 2019年12月."))
        return _from_serial(value)
    text = WHITESPACE.sub("", text_of(value))
    match = DATE_TEXT.match(text) or COMPACT_DATE.match(text)
    if match:
        year, month, day = match.groups()
        return _date(int(year), int(month), int(day) if day else 1)
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _from_serial(float(text))
    raise CellError(_("“%(value)s” is not a date; write it as 2019-12-01 or 2019年12月.") % {"value": text})


def parse_month(value) -> datetime.date:
    """The first day of the month a cell names."""
    return parse_date(value).replace(day=1)


ID_SHAPE = re.compile(r"\d{17}[\dX]")
ID_WEIGHTS = tuple(2 ** (17 - i) % 11 for i in range(17))
ID_OFFSET = ord("0") * sum(ID_WEIGHTS)  # the digits' bytes are 48 too high each
PHONE_SHAPE = re.compile(r"1[3-9]\d{9}|0\d{9,11}")


@lru_cache(maxsize=50_000)
def _birth(digits: str) -> datetime.date | None:
    """The date eight ID-number digits spell, or None; a few thousand distinct dates cover a district."""
    try:
        return datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def parse_id_number(value) -> str:
    if value.__class__ is str and len(value) == 18 and ID_SHAPE.fullmatch(value):
        # The common case, already clean: the same checks as normalize_id_number without its
        # Unicode clean-up and stdnum calls (three quarters of the cost of a 400,000-row check).
        born = _birth(value[6:14])
        if (
            born is not None
            and born.year >= 1890
            and born <= _today()
            and value[17] == "10X98765432"[(sum(map(operator.mul, value[:17].encode(), ID_WEIGHTS)) - ID_OFFSET) % 11]
            and idnumbers.region_exists(value[:6])
        ):
            return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # Excel keeps 15 significant digits: an ID number in a number cell has lost its last ones.
        raise CellError(
            _(
                "The ID number is stored as a number, so Excel has already lost its last digits "
                "(it shows %(value)s). Format the column as text and type the number again."
            )
            % {"value": f"{value:.15g}"}
        )
    try:
        return idnumbers.normalize_id_number(text_of(value), today=_today())
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from None


def _today() -> datetime.date:
    """The local date, read from the clock at most once a minute: reading it per row cost seconds."""
    return _TODAY.get()


class _MinuteDate:
    def __init__(self):
        self.expires = 0.0
        self.value = None

    def get(self) -> datetime.date:
        now = time.monotonic()
        if now >= self.expires:
            from django.utils import timezone

            self.expires, self.value = now + 60, timezone.localdate()
        return self.value


_TODAY = _MinuteDate()


def parse_phone(value) -> str:
    if value.__class__ is str and PHONE_SHAPE.fullmatch(value):
        return value
    try:
        return idnumbers.normalize_phone(text_of(value))
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from None


@dataclass
class Choices:
    """Accepts a choice by its Chinese label, English label, stored value or a listed synonym."""

    choices: list[tuple[str, str]]
    synonyms: dict[str, str] = field(default_factory=dict)
    _lookup: dict[str, str] | None = None
    _labels: list[str] | None = None

    def lookup(self) -> dict[str, str]:
        if self._lookup is None:
            from django.utils import translation

            table = {}
            for value, label in self.choices:
                table[str(value).lower()] = value
                table[str(label).lower()] = value
                with translation.override("zh-hans"):
                    table[str(label).lower()] = value
                    table[WHITESPACE.sub("", str(label)).lower()] = value
                with translation.override("en"):
                    table[str(label).lower()] = value
            for word, value in self.synonyms.items():
                table[word.lower()] = value
            self._lookup = table
        return self._lookup

    def labels(self) -> list[str]:
        from django.utils import translation

        if self._labels is None:
            with translation.override("zh-hans"):
                self._labels = [str(label) for _value, label in self.choices]
        return self._labels

    def parse(self, value) -> str:
        text = WHITESPACE.sub("", text_of(value)).lower()
        try:
            return self.lookup()[text]
        except KeyError:
            raise CellError(
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": text_of(value), "choices": "、".join(self.labels())}
            ) from None
