"""Excel import of annual income accounting (年度收入核算): one row per household and year.

The household is named by its code (户编号) or by its head's ID number (户主身份证号). The import
goes through the portal's import machinery (``exchange.importer``: preview naming every bad cell,
all-or-nothing commit, the uploader's scope); this module declares the columns and checks the rows.
"""

from functools import partial

from django.utils import timezone
from django.utils.translation import gettext as _

from exchange import cells
from exchange.columns import Column, Spec, label
from relocation.models import Household, Member
from relocation.resources import HOUSEHOLD_CODE, ID_NUMBER

from . import income
from .models import AnnualIncome

money = partial(cells.parse_decimal, places=2, maximum=10**10)


def _money_column(attr, synonyms, example=0):
    return Column(attr, label(AnnualIncome, attr), money, synonyms, example=example)


INCOME_COLUMNS = [
    Column("household", label(Household, "code"), cells.parse_code, HOUSEHOLD_CODE, example="GF-YK-000001"),
    Column(
        "head_id_number",
        _("head's ID number"),
        cells.parse_id_number,
        tuple(f"户主{s}" for s in ID_NUMBER),
        help=_("Instead of the household code."),
    ),
    Column(
        "year",
        label(AnnualIncome, "year"),
        partial(cells.parse_int, minimum=2015, maximum=2100),
        ("年度", "核算年度", "年份"),
        required=True,
        example=2025,
    ),
    Column(
        "household_size",
        label(AnnualIncome, "household_size"),
        partial(cells.parse_int, minimum=1, maximum=50),
        ("家庭人口", "家庭人口数", "人口数"),
        required=True,
        example=4,
    ),
    _money_column("wage_income", ("工资性收入", "务工收入", "工资收入"), 36000),
    _money_column("business_income", ("生产经营性收入", "经营性收入", "生产经营收入"), 8000),
    _money_column("property_income", ("财产性收入",), 0),
    _money_column("transfer_income", ("转移性收入",), 2400),
    _money_column("production_cost", ("生产经营性支出", "生产经营支出", "经营性支出"), 3000),
    _money_column("medical_expense", ("医疗支出", "医疗费用支出", "合规自付医疗费用"), 0),
    _money_column("schooling_expense", ("教育支出", "就学支出"), 0),
    Column("notes", label(AnnualIncome, "notes"), partial(cells.parse_text, max_length=2000), ("备注",)),
]

INCOMES = Spec("incomes", AnnualIncome._meta.verbose_name_plural, INCOME_COLUMNS, key=("year",))


def check(rows, analysis, gate, report) -> None:
    """Find each row's household (code or head's ID number) in the uploader's area; refuse a future
    year, a repeated household-year and costs larger than the income; sort the rest into new and updated."""
    from exchange import importer

    codes = sorted({r.values["household"] for r in rows if r.values.get("household")})
    ids = sorted({r.values["head_id_number"] for r in rows if r.values.get("head_id_number")})
    by_code, by_head = {}, {}
    for chunk in importer._chunks(codes, importer._key_batch()):
        for pk, code, t, s in Household.objects.filter(importer._key_in(Household, "code", chunk)).values_list(
            "pk", "code", "township_id", "settlement_id"
        ):
            by_code[code] = (pk, gate.allows(t, s))
    for chunk in importer._chunks(ids, importer._key_batch()):
        heads = Member.objects.filter(importer._key_in(Member, "id_number", chunk), relation=Member.Relation.HEAD)
        for number, pk, t, s in heads.values_list(
            "id_number", "household_id", "household__township_id", "household__settlement_id"
        ):
            by_head[number] = (pk, gate.allows(t, s))
    this_year = timezone.localdate().year
    seen, candidates = {}, []
    for row in rows:
        v = row.values
        bad = (row.sheet, row.number) in analysis.invalid_rows
        code, number = v.pop("household", None), v.pop("head_id_number", None)
        where = row.headers.get("household") or row.headers.get("head_id_number") or "year"
        if not code and not number:
            analysis.error(row.sheet, row.number, where, _("Give the household code or the head's ID number."))
            continue
        found = by_code.get(code) if code else by_head.get(number)
        if found is None or not found[1]:
            message = (
                _("No household with code %(code)s in your area.") % {"code": code}
                if code
                else _("No head of household with this ID number in your area.")
            )
            analysis.error(row.sheet, row.number, where, message)
            continue
        if bad:
            continue
        v["household"] = found[0]
        if v["year"] > this_year:
            analysis.error(
                row.sheet, row.number, row.headers["year"], _("The accounting year cannot be in the future.")
            )
            continue
        costs = v.get("production_cost") or 0
        if costs > income.gross(_Amounts(v)):
            analysis.error(
                row.sheet,
                row.number,
                row.headers.get("production_cost", "production_cost"),
                _("Production and business costs cannot be larger than the income of all kinds."),
            )
            continue
        k = (v["household"], v["year"])
        if k in seen:
            analysis.error(
                row.sheet,
                row.number,
                row.headers["year"],
                _("This household's year repeats row %(r)s.") % {"r": seen[k]},
            )
            continue
        seen[k] = row.number
        candidates.append(row)

    def fetch(keys, attrs):
        households = {h for h, _y in keys}
        years = {y for _h, y in keys}
        return AnnualIncome.objects.filter(household_id__in=households, year__in=years).values("pk", *attrs)

    importer._diff(
        AnnualIncome,
        candidates,
        analysis,
        report,
        "incomes",
        key=lambda v: (v["household"], v["year"]),
        fetch=fetch,
        key_of=lambda obj: (obj["household"], obj["year"]),
        gate=lambda obj: True,  # the household was checked above
        foreign_message="",
        key_header="year",
    )


class _Amounts:
    def __init__(self, values: dict):
        self.values = values

    def __getattr__(self, name):
        return self.values.get(name)


def write(analysis, *, actor, writer, tick) -> int:
    """Write the checked rows (the caller holds the transaction); returns how many."""
    from exchange import importer

    fixed = {"source": AnnualIncome.Source.IMPORT, "recorded_by_id": actor.pk}
    creates = [{**v, **fixed} for v in analysis.creates.get("incomes", [])]
    return importer._write(AnnualIncome, creates, analysis.updates.get("incomes", []), writer=writer, tick=tick)


def households(analysis) -> set[int]:
    """The households whose figures the import changes."""
    rows = [*analysis.creates.get("incomes", []), *(v for _pk, _c, v in analysis.updates.get("incomes", []))]
    return {v["household_id"] for v in rows}
