"""Excel columns of households and members: the mapping shared by the staff import, the templates,
the exports and the admin's django-import-export screens.

The staff import (``exchange``) validates and writes set-based from these column lists; the
``ModelResource`` classes below give the admin the same Chinese headers for its own import/export.
"""

from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from exchange import cells
from exchange.columns import Column, Spec, label

from . import vocabulary
from .models import Household, Member

HT, PL = Household.Type, Household.Placement
M = Member

HOUSEHOLD_TYPES = cells.Choices(HT.choices, vocabulary.HOUSEHOLD_TYPE)
PLACEMENTS = cells.Choices(PL.choices, vocabulary.HOUSING_TYPE)
# 安置方式 takes a form (集中安置 / 分散安置) or a sub-kind, which names its form: the import splits it.
RESETTLEMENTS = cells.Choices(
    [*Household.Resettlement.choices, *Household.ResettlementKind.choices], vocabulary.RESETTLEMENT
)
RESETTLEMENT_KINDS = cells.Choices(
    [("", ""), *Household.ResettlementKind.choices],
    {w: v for w, v in vocabulary.RESETTLEMENT.items() if v in Household.ResettlementKind.values},
)
RELATIONS = cells.Choices(M.Relation.choices, vocabulary.RELATION)
LABOUR = cells.Choices(M.Labour.choices, vocabulary.LABOUR)
HEALTH = cells.Choices(M.Health.choices, vocabulary.HEALTH)
SCHOOLING = cells.Choices([("", ""), *M.Schooling.choices], vocabulary.SCHOOLING)
EMPLOYMENT = cells.Choices(M.Employment.choices, vocabulary.EMPLOYMENT)


def parse_resettlement(value) -> str:
    """安置方式; a dwelling kind typed there (the column's old meaning) is explained, not guessed."""
    try:
        return RESETTLEMENTS.parse(value)
    except cells.CellError:
        if cells.WHITESPACE.sub("", cells.text_of(value)).lower() in PLACEMENTS.lookup():
            raise cells.CellError(
                _(
                    "“%(value)s” is a housing type: write it in the column 安置房类型. "
                    "安置方式 is 集中安置 or 分散安置 (or one of their sub-kinds)."
                )
                % {"value": cells.text_of(value)}
            ) from None
        raise


def parse_placement(value) -> str:
    """安置房类型; a 安置方式 typed there is explained, not guessed."""
    try:
        return PLACEMENTS.parse(value)
    except cells.CellError:
        if cells.WHITESPACE.sub("", cells.text_of(value)).lower() in RESETTLEMENTS.lookup():
            raise cells.CellError(
                _(
                    "“%(value)s” is a resettlement form: write it in the column 安置方式. "
                    "安置房类型 is 一户一宅 or 套房."
                )
                % {"value": cells.text_of(value)}
            ) from None
        raise


text = cells.parse_text
HOUSEHOLD_CODE = ("户编号", "户码", "户号", "家庭编号", "户编码", "农户编号")
ID_NUMBER = ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证件号码", "居民身份证号码")
YES_NO = ["是", "否"]

HOUSEHOLD_COLUMNS = [
    # Without 户编号 a household row is matched on its head's ID number (exchange.importer).
    Column("code", label(Household, "code"), cells.parse_code, HOUSEHOLD_CODE, example="GF-YK-000001"),
    Column(
        "head_id_number",
        gettext_lazy("Head's ID number"),
        cells.parse_id_number,
        ("户主身份证号码", "户主身份证号", "户主证件号码", "户主公民身份号码", *ID_NUMBER),
        example="36112219800101001X",
    ),
    Column(
        "head_name",
        label(Household, "head_name"),
        partial(text, max_length=50, compact=True),
        ("户主姓名", "户主", "户主名称"),
        required=True,
        example="张三",
    ),
    Column(
        "household_type",
        label(Household, "household_type"),
        HOUSEHOLD_TYPES.parse,
        ("户类型", "搬迁户类型", "搬迁类型"),
        required=True,
        example="搬迁脱贫户",
        choices=HOUSEHOLD_TYPES.labels(),
    ),
    Column(
        "township",
        label(Household, "township"),
        None,
        ("乡镇", "所属乡镇", "乡镇(街道)", "镇(乡、街道)", "安置乡镇"),
        required=True,
        example="洋口镇",
    ),
    Column("village", label(Household, "village"), None, ("村(社区)", "行政村", "村", "社区", "所属村"), example=""),
    Column(
        "settlement", label(Household, "settlement"), None, ("安置点", "安置点名称", "安置区", "安置小区"), example=""
    ),
    Column(
        "resettlement",
        label(Household, "resettlement"),
        parse_resettlement,
        ("安置方式", "搬迁安置方式"),
        example="集中安置",
        choices=RESETTLEMENTS.labels()[:2],
    ),
    Column(
        "resettlement_kind",
        label(Household, "resettlement_kind"),
        RESETTLEMENT_KINDS.parse,
        ("具体安置方式", "安置方式细类", "安置子类型", "集中安置方式", "分散安置方式"),
        example="依托小城镇或工业园区安置",
        choices=RESETTLEMENT_KINDS.labels()[1:],
    ),
    Column(
        "placement",
        label(Household, "placement"),
        parse_placement,
        ("安置房类型", "安置住房类型", "住房类型", "安置房屋类型", "安置类型"),
        required=True,
        example="套房",
        choices=PLACEMENTS.labels(),
    ),
    Column(
        "address", label(Household, "address"), partial(text, max_length=120), ("安置地址", "住址", "现住址", "地址")
    ),
    Column(
        "phone", label(Household, "phone"), cells.parse_phone, ("联系电话", "电话", "手机号", "手机号码", "联系方式")
    ),
    Column(
        "origin_township",
        label(Household, "origin_township"),
        partial(text, max_length=30, compact=True),
        ("迁出乡镇",),
    ),
    Column(
        "origin_village",
        label(Household, "origin_village"),
        partial(text, max_length=30, compact=True),
        ("迁出村", "迁出村组"),
    ),
    Column(
        "relocation_year",
        label(Household, "relocation_year"),
        partial(cells.parse_int, minimum=2000, maximum=2100),
        ("搬迁年度", "搬迁年份", "入住年度"),
        example=2019,
    ),
    # Not stored: gives 搬迁年度 when that column is absent or blank.
    Column(
        "moved_in",
        gettext_lazy("Moved in on"),
        cells.parse_date,
        ("搬迁入住时间", "入住时间", "搬迁时间", "入住日期", "搬迁入住日期", "搬迁日期"),
    ),
    Column(
        "housing_area",
        label(Household, "housing_area"),
        partial(cells.parse_decimal, places=2),
        ("住房面积", "安置面积", "住房面积(平方米)", "安置住房面积"),
        example=75,
    ),
    Column(
        "certificate_issued",
        label(Household, "certificate_issued"),
        cells.parse_bool,
        ("是否办证", "是否办理不动产权证", "不动产权证"),
        example="是",
        choices=YES_NO,
    ),
    Column(
        "certificate_date",
        label(Household, "certificate_date"),
        cells.parse_date,
        ("办证日期", "发证日期"),
        example="2020-06-01",
    ),
    Column(
        "resale_restricted_until",
        label(Household, "resale_restricted_until"),
        cells.parse_date,
        ("限制转让截止日期", "限制交易截止日期"),
    ),
    Column(
        "old_house_demolished",
        label(Household, "old_house_demolished"),
        cells.parse_bool,
        ("是否拆旧", "旧房是否拆除"),
        choices=YES_NO,
    ),
    Column(
        "land_reclaimed",
        label(Household, "land_reclaimed"),
        cells.parse_bool,
        ("是否复垦", "宅基地是否复垦"),
        choices=YES_NO,
    ),
    Column(
        "origin_farmland_mu",
        label(Household, "origin_farmland_mu"),
        cells.parse_decimal,
        ("承包耕地", "承包耕地面积", "承包耕地(亩)"),
    ),
    Column(
        "origin_forest_mu",
        label(Household, "origin_forest_mu"),
        cells.parse_decimal,
        ("承包林地", "承包林地面积", "承包林地(亩)"),
    ),
    Column(
        "origin_land_transferred",
        label(Household, "origin_land_transferred"),
        cells.parse_bool,
        ("是否流转", "土地是否流转"),
        choices=YES_NO,
    ),
    Column(
        "minimum_living_allowance",
        label(Household, "minimum_living_allowance"),
        cells.parse_bool,
        ("是否低保", "低保户"),
        choices=YES_NO,
    ),
    Column(
        "extreme_poverty_support",
        label(Household, "extreme_poverty_support"),
        cells.parse_bool,
        ("是否特困", "特困供养"),
        choices=YES_NO,
    ),
    Column("notes", label(Household, "notes"), partial(text, max_length=2000), ("备注",)),
    # Summary columns: not stored, compared with the members (warnings in the preview).
    Column(
        "persons",
        gettext_lazy("Household size"),
        partial(cells.parse_int, minimum=0, maximum=99),
        ("家庭人口", "家庭人口数", "人口数", "户人口数", "家庭人数"),
    ),
    Column(
        "labourers",
        gettext_lazy("Labourers"),
        partial(cells.parse_int, minimum=0, maximum=99),
        ("劳动力人数", "劳动力数", "家庭劳动力人数"),
    ),
    Column(
        "workers",
        gettext_lazy("Members in work"),
        partial(cells.parse_int, minimum=0, maximum=99),
        ("务工人数", "务工人员数", "就业人数", "外出务工人数"),
    ),
    # Compared with the net income per person the ledgers and the annual accounting give.
    Column(
        "per_capita_income",
        gettext_lazy("Net income per person"),
        partial(cells.parse_decimal, places=2, minimum=None, maximum=10**8),
        ("人均纯收入", "年人均纯收入", "家庭年人均纯收入", "家庭人均纯收入", "人均纯收入（元）", "年人均纯收入（元）"),
    ),
]
# Columns a household sheet may carry that the household record does not store.
HOUSEHOLD_UNSTORED = ("head_id_number", "moved_in", "persons", "labourers", "workers", "per_capita_income")

MEMBER_COLUMNS = [
    Column("household", label(Household, "code"), cells.parse_code, HOUSEHOLD_CODE, example="GF-YK-000001"),
    # A roster without 户编号 names each member's household by its head's ID number.
    Column(
        "household_head",
        gettext_lazy("Head's ID number"),
        cells.parse_id_number,
        ("户主身份证号码", "户主身份证号", "户主证件号码", "户主公民身份号码"),
    ),
    Column(
        "name",
        label(Member, "name"),
        partial(text, max_length=50, compact=True),
        ("姓名", "成员姓名"),
        required=True,
        example="张三",
    ),
    Column(
        "id_number",
        label(Member, "id_number"),
        cells.parse_id_number,
        ID_NUMBER,
        required=True,
        example="36112219800101001X",
    ),
    Column(
        "relation",
        label(Member, "relation"),
        RELATIONS.parse,
        ("与户主关系", "家庭关系", "关系"),
        required=True,
        example="户主",
        choices=RELATIONS.labels(),
    ),
    Column(
        "labour_capacity",
        label(Member, "labour_capacity"),
        LABOUR.parse,
        ("劳动能力", "劳动技能"),
        required=True,
        example="普通劳动力",
        choices=LABOUR.labels(),
    ),
    Column(
        "willing_to_work",
        label(Member, "willing_to_work"),
        cells.parse_bool,
        ("就业意愿", "是否有就业意愿"),
        example="是",
        choices=YES_NO,
    ),
    Column(
        "health",
        label(Member, "health"),
        HEALTH.parse,
        ("健康状况", "健康情况"),
        example="健康",
        choices=HEALTH.labels(),
    ),
    Column(
        "disability_grade",
        label(Member, "disability_grade"),
        partial(cells.parse_int, minimum=1, maximum=4),
        ("残疾等级", "残疾级别"),
    ),
    Column(
        "schooling",
        label(Member, "schooling"),
        SCHOOLING.parse,
        ("文化程度", "学历"),
        example="初中",
        choices=SCHOOLING.labels()[1:],
    ),
    Column(
        "in_school",
        label(Member, "in_school"),
        cells.parse_bool,
        ("是否在校生", "在校生", "是否在校"),
        example="否",
        choices=YES_NO,
    ),
    Column(
        "employment",
        label(Member, "employment"),
        EMPLOYMENT.parse,
        ("就业情况", "务工情况", "就业状态", "务工状况"),
        example="县内务工",
        choices=EMPLOYMENT.labels(),
    ),
    Column("employer", label(Member, "employer"), partial(text, max_length=100), ("就业单位", "务工地点", "务工单位")),
    Column(
        "phone",
        label(Member, "phone"),
        cells.parse_phone,
        ("联系电话", "电话", "手机号", "手机号码"),
        example="13800000000",
    ),
]

HOUSEHOLDS = Spec(
    "households",
    Household._meta.verbose_name_plural,
    HOUSEHOLD_COLUMNS,
    key=("code",),
    alternative_key=("head_id_number",),
)
MEMBERS = Spec("members", Member._meta.verbose_name_plural, MEMBER_COLUMNS, key=("id_number",))


class HouseholdResource(resources.ModelResource):
    """The admin's import/export of households, keyed on the household code."""

    class Meta:
        model = Household
        import_id_fields = ("code",)
        fields = tuple(c.attr for c in HOUSEHOLD_COLUMNS if c.attr not in HOUSEHOLD_UNSTORED)
        # The staff import is set-based; the admin's path is for a handful of rows.
        use_bulk = False
        skip_unchanged = True
        report_skipped = True


class MemberResource(resources.ModelResource):
    """The admin's import/export of members, keyed on the ID number."""

    household = fields.Field(attribute="household", column_name="household", widget=ForeignKeyWidget(Household, "code"))

    class Meta:
        model = Member
        import_id_fields = ("id_number",)
        fields = tuple(c.attr for c in MEMBER_COLUMNS if c.attr != "household_head")
        skip_unchanged = True
        report_skipped = True
