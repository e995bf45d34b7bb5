"""Excel columns of the monthly monitoring ledger (监测台账), shared by the staff import, its template,
the ledger export and the admin's django-import-export screen."""

from functools import partial

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from exchange import cells
from exchange.columns import Column, Spec, label
from relocation.models import Household
from relocation.resources import HOUSEHOLD_CODE

from .models import LedgerEntry

INTEGRATION = cells.Choices(
    LedgerEntry.Integration.choices,
    {
        "好": LedgerEntry.Integration.GOOD,
        "较好": LedgerEntry.Integration.GOOD,
        "一般": LedgerEntry.Integration.FAIR,
        "差": LedgerEntry.Integration.POOR,
        "较差": LedgerEntry.Integration.POOR,
    },
)
money = partial(cells.parse_decimal, places=2, maximum=10**10)

LEDGER_COLUMNS = [
    Column(
        "household", label(Household, "code"), cells.parse_code, HOUSEHOLD_CODE, required=True, example="GF-YK-000001"
    ),
    Column(
        "period",
        label(LedgerEntry, "period"),
        cells.parse_month,
        ("月份", "监测月份", "台账月份", "所属月份", "时间"),
        required=True,
        example="2026年10月",
    ),
    Column(
        "household_size",
        label(LedgerEntry, "household_size"),
        partial(cells.parse_int, minimum=1, maximum=50),
        ("家庭人口", "家庭人口数", "人口数", "在家人口"),
        required=True,
        example=4,
    ),
    Column(
        "wage_income", label(LedgerEntry, "wage_income"), money, ("工资性收入", "务工收入", "工资收入"), example=3000
    ),
    Column(
        "business_income",
        label(LedgerEntry, "business_income"),
        money,
        ("生产经营性收入", "经营性收入", "生产经营收入"),
        example=0,
    ),
    Column("property_income", label(LedgerEntry, "property_income"), money, ("财产性收入",), example=0),
    Column("transfer_income", label(LedgerEntry, "transfer_income"), money, ("转移性收入",), example=200),
    Column(
        "production_cost",
        label(LedgerEntry, "production_cost"),
        money,
        ("生产经营性支出", "生产经营支出", "经营性支出"),
        example=0,
    ),
    Column(
        "medical_expense",
        label(LedgerEntry, "medical_expense"),
        money,
        ("医疗支出", "医疗费用支出", "医疗费用"),
        example=0,
    ),
    Column(
        "schooling_expense",
        label(LedgerEntry, "schooling_expense"),
        money,
        ("教育支出", "就学支出", "教育费用"),
        example=0,
    ),
    Column(
        "employed_members",
        label(LedgerEntry, "employed_members"),
        partial(cells.parse_int, minimum=0, maximum=50),
        ("就业人数", "务工人数"),
        example=1,
    ),
    Column(
        "community_integration",
        label(LedgerEntry, "community_integration"),
        INTEGRATION.parse,
        ("社区融入", "社区融入情况"),
        example="较好",
        choices=INTEGRATION.labels(),
    ),
    Column("notes", label(LedgerEntry, "notes"), partial(cells.parse_text, max_length=2000), ("备注",)),
]

LEDGERS = Spec("ledgers", LedgerEntry._meta.verbose_name_plural, LEDGER_COLUMNS, key=("household", "period"))


class LedgerEntryResource(resources.ModelResource):
    """The admin's import/export of ledger entries, keyed on household code and month."""

    household = fields.Field(attribute="household", column_name="household", widget=ForeignKeyWidget(Household, "code"))

    class Meta:
        model = LedgerEntry
        import_id_fields = ("household", "period")
        fields = tuple(c.attr for c in LEDGER_COLUMNS)
        skip_unchanged = True
        report_skipped = True
