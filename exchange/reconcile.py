"""账账相符: the portal's households against an export of the national 防返贫监测信息系统.

Township staff download their 脱贫户 and 监测对象 from the national system as Excel and must keep
the portal equal to it. :func:`reconcile` reads such an export (households and members: 省/市/县/
乡/村, 户编号, 户主姓名, 证件号码, 人口数, 户类型, 监测对象类别, 风险类型, 是否风险消除, 年人均纯收入)
with the import's reader and synonym machinery (in the memory-capped child, ``exchange.sandbox``)
and writes nothing to the households: it returns, per township, the households only in the portal,
only in the export, and in both with fields that differ (each field side by side).

Matching: a national household is the portal household one of whose members has the national
head's ID number (证件号码 of the 户主 row), else any of the national household's ID numbers, else
the same 户编号. The portal's side is what the national system holds: households of type 搬迁脱贫户
and households with a monitoring case (监测对象); a 同步搬迁户 that is not a monitoring object is in
the national export only if the export has it, and is then compared like any other.
A field is compared only when the export has its column.
"""

import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from . import cells
from .columns import Column, Spec

ID_NUMBER = ("证件号码", "身份证号码", "身份证号", "公民身份号码", "成员证件号码", "身份证件号码")
NATIONAL_ONLY = ("monitoring_category", "risk_types", "risk_eliminated")
PLACE_COLUMNS = ("province", "city", "county")

# 户类型 in the national export: 脱贫户 or 监测对象 (some exports name the category there instead).
HOUSEHOLD_KINDS = {
    "脱贫户": "lifted",
    "脱贫人口": "lifted",
    "建档立卡脱贫户": "lifted",
    "监测对象": "monitored",
    "监测户": "monitored",
    "防返贫监测对象": "monitored",
    "脱贫不稳定户": "monitored",
    "边缘易致贫户": "monitored",
    "突发严重困难户": "monitored",
}
HOUSEHOLD_KIND_LABELS = {"lifted": "脱贫户", "monitored": "监测对象"}


def _object_types():
    from monitoring.models import MonitoringCase

    T = MonitoringCase.ObjectType
    return cells.Choices(
        T.choices,
        {"脱贫不稳定户": T.UNSTABLE, "边缘易致贫户": T.MARGINAL, "突发严重困难户": T.SUDDEN, "边缘户": T.MARGINAL,
         "突发困难户": T.SUDDEN, "不稳定户": T.UNSTABLE},
    )  # fmt: skip


def _risks():
    from monitoring.models import RiskType as R

    return cells.Choices(
        R.choices,
        {"因病": R.ILLNESS, "因病致贫": R.ILLNESS, "因病返贫": R.ILLNESS, "因残": R.DISABILITY,
         "因残致贫": R.DISABILITY, "因学": R.SCHOOLING, "因学致贫": R.SCHOOLING, "因灾": R.DISASTER,
         "因自然灾害": R.DISASTER, "因意外事故": R.ACCIDENT, "因意外": R.ACCIDENT,
         "因产业项目失败": R.INDUSTRY_FAILURE, "产业项目失败": R.INDUSTRY_FAILURE,
         "因务工就业不稳": R.UNSTABLE_EMPLOYMENT, "务工就业不稳": R.UNSTABLE_EMPLOYMENT,
         "缺劳动力": R.LACK_OF_LABOUR, "因缺劳动力": R.LACK_OF_LABOUR,
         "住房出现安全问题": R.HOUSING_SAFETY, "住房安全问题": R.HOUSING_SAFETY, "住房安全": R.HOUSING_SAFETY,
         "饮水安全问题": R.DRINKING_WATER, "饮水安全": R.DRINKING_WATER, "饮水出现安全问题": R.DRINKING_WATER,
         "其他": R.OTHER, "因其他": R.OTHER},
    )  # fmt: skip


_OBJECT_TYPES = _RISKS = None


def parse_household_kind(value) -> str:
    text = cells.WHITESPACE.sub("", cells.text_of(value))
    try:
        return HOUSEHOLD_KINDS[text]
    except KeyError:
        raise cells.CellError(_("“%(value)s” is not 脱贫户 or 监测对象.") % {"value": text}) from None


def parse_category(value) -> str:
    global _OBJECT_TYPES
    _OBJECT_TYPES = _OBJECT_TYPES or _object_types()
    return _OBJECT_TYPES.parse(value)


SEPARATORS = re.compile(r"[、,，;；/\s]+")


def parse_risks(value) -> tuple:
    """One or several risk types, separated by 、 , ; / or spaces."""
    global _RISKS
    _RISKS = _RISKS or _risks()
    words = [w for w in SEPARATORS.split(cells.text_of(value)) if w]
    return tuple(sorted({_RISKS.parse(w) for w in words}))


def parse_eliminated(value) -> bool:
    text = cells.WHITESPACE.sub("", cells.text_of(value))
    if text in ("已消除", "风险已消除", "已标注风险消除"):
        return True
    if text in ("未消除", "风险未消除"):
        return False
    return cells.parse_bool(value)


text = partial(cells.parse_text, max_length=60, compact=True)

NATIONAL = Spec(
    "national",
    gettext_lazy("National monitoring system export"),
    [
        Column("province", gettext_lazy("Province"), text, ("省", "省份", "省（区、市）")),
        Column("city", gettext_lazy("City"), text, ("市", "市州", "地市", "市（州）")),
        Column("county", gettext_lazy("County"), text, ("县", "县区", "县（市、区）", "县(市区)", "区县")),
        Column(
            "township",
            gettext_lazy("Township"),
            text,
            ("乡", "乡镇", "乡（镇）", "乡镇（街道）", "乡(镇、街道)"),
            required=True,
        ),
        Column("village", gettext_lazy("Village"), text, ("村", "行政村", "村（社区）")),
        Column("code", gettext_lazy("Household code"), cells.parse_code, ("户编号", "户码", "户号", "家庭编号")),
        Column("head_name", gettext_lazy("Head of household"), text, ("户主姓名", "户主"), required=True),
        Column("head_id", gettext_lazy("Head's ID number"), cells.parse_id_number, ("户主证件号码", "户主身份证号码")),
        Column("name", gettext_lazy("Name"), text, ("姓名", "成员姓名", "家庭成员姓名")),
        Column("id_number", gettext_lazy("ID number"), cells.parse_id_number, ID_NUMBER, required=True),
        Column("relation", gettext_lazy("Relation to the head"), text, ("与户主关系",)),
        Column(
            "persons",
            gettext_lazy("Household size"),
            partial(cells.parse_int, minimum=0, maximum=99),
            ("人口数", "家庭人口数", "家庭人口", "户人口数"),
        ),
        Column("household_kind", gettext_lazy("Household kind"), parse_household_kind, ("户类型", "户类别")),
        Column(
            "monitoring_category",
            gettext_lazy("Monitoring object category"),
            parse_category,
            ("监测对象类别", "监测类型", "监测对象类型"),
        ),
        Column("risk_types", gettext_lazy("Risk types"), parse_risks, ("风险类型", "致贫返贫风险", "主要风险类型")),
        Column(
            "risk_eliminated",
            gettext_lazy("Risk eliminated"),
            parse_eliminated,
            ("是否风险消除", "风险是否消除", "是否消除风险", "风险消除"),
        ),
        Column(
            "per_capita_income",
            gettext_lazy("Net income per person a year"),
            partial(cells.parse_decimal, places=2, minimum=None, maximum=10**8),
            ("年人均纯收入", "人均纯收入", "家庭年人均纯收入", "年人均纯收入（元）"),
        ),
    ],
    key=("id_number",),
)


def looks_national(mapping: dict[int, str]) -> bool:
    """A header row of the national export: two of its monitoring columns, or one and a 省/市/县
    column, or 省/市/县 columns with 户类型 (an export of 脱贫户 alone)."""
    attrs = set(mapping.values())
    monitoring = len(attrs & set(NATIONAL_ONLY))
    places = len(attrs & set(PLACE_COLUMNS))
    return "id_number" in attrs and (
        monitoring >= 2 or (monitoring == 1 and places >= 1) or (places >= 2 and "household_kind" in attrs)
    )


def national_message() -> str:
    return _(
        "This workbook is an export of the national 防返贫监测信息系统 (it has 监测对象类别 / 风险类型 / "
        "是否风险消除). It is not imported: compare it with the portal under 账账相符 (Excel导入 → 与国家系统比对)."
    )


def roster_message() -> str:
    return _(
        "This workbook is a household roster or member list of the portal's import, not an export of the "
        "national 防返贫监测信息系统 (it has no 监测对象类别 / 风险类型 / 是否风险消除 columns). Import it under "
        "Excel导入 (搬迁户及家庭成员)."
    )


# ---------------------------------------------------------------------------------------------
# The comparison


def _norm(name) -> str:
    return cells.WHITESPACE.sub("", str(name or ""))


def _national_households(rows) -> list[dict]:
    """Group member rows into households: by 户编号, else by 户主证件号码, else one row each."""
    from relocation.resources import RELATIONS

    groups: dict = defaultdict(list)
    for row in rows:
        v = row.values
        key = v.get("code") or v.get("head_id") or v.get("id_number") or f"#{row.number}"
        groups[key].append(row)
    households = []
    for group in groups.values():
        head = None
        for row in group:
            v = row.values
            relation = v.get("relation")
            if relation:
                try:
                    if RELATIONS.parse(relation) == "head" or _norm(relation) == "本人":
                        head = row
                        break
                except cells.CellError:
                    pass
        if head is None:
            head_id = group[0].values.get("head_id")
            head = next((r for r in group if head_id and r.values.get("id_number") == head_id), None)
        if head is None:
            head_name = group[0].values.get("head_name")
            head = next((r for r in group if head_name and r.values.get("name") == head_name), group[0])
        v = dict(head.values)
        v["head_id"] = v.get("head_id") or v.get("id_number")
        v["ids"] = {r.values["id_number"] for r in group if r.values.get("id_number")}
        if v.get("persons") is None and len(group) > 1:
            v["persons"] = len(group)
        v["row"] = head.number
        households.append(v)
    return households


def _portal(user):
    """The households of the user's scope with what the national system records of them."""
    from dashboards.models import HouseholdFigures
    from monitoring.models import MonitoringCase
    from relocation.models import Household, Member

    households = {}
    scoped = Household.objects.for_user(user)
    for pk, code, head_name, kind, township_id, township in scoped.values_list(
        "pk", "code", "head_name", "household_type", "township_id", "township__name"
    ).iterator(chunk_size=5000):
        households[pk] = {
            "pk": pk, "code": code, "head_name": head_name, "type": kind, "township_id": township_id,
            "township": township, "persons": 0, "head_id": "", "case": None, "income": None,
        }  # fmt: skip
    by_id = {}
    members = Member.objects.filter(household__in=scoped.values("pk")).values_list(
        "household_id", "id_number", "relation"
    )
    for household_id, number, relation in members.iterator(chunk_size=20000):
        h = households.get(household_id)
        if h is None:
            continue
        h["persons"] += 1
        by_id[number] = household_id
        if relation == Member.Relation.HEAD:
            h["head_id"] = number
    cases = MonitoringCase.objects.filter(household__in=scoped.values("pk")).exclude(
        status=MonitoringCase.Status.REVOKED
    )
    for household_id, object_type, risks, status in cases.order_by("identified_at", "pk").values_list(
        "household_id", "object_type", "risk_types", "status"
    ):
        if household_id in households:  # the latest case wins
            households[household_id]["case"] = (object_type, tuple(sorted(risks or ())), status)
    figures = HouseholdFigures.objects.filter(household__in=scoped.values("pk"))
    for household_id, income in figures.values_list("household_id", "per_capita_income").iterator(chunk_size=20000):
        if household_id in households:
            households[household_id]["income"] = income
    return households, by_id


def _labels():
    from monitoring.models import MonitoringCase, RiskType

    return dict(MonitoringCase.ObjectType.choices), dict(RiskType.choices)


def _income_text(value) -> str:
    if value is None:
        return ""
    try:
        return f"{Decimal(str(value)).quantize(Decimal('0.01'))}"
    except InvalidOperation:
        return str(value)


def _differences(portal: dict, national: dict, present: set, labels) -> list[list[str]]:
    from monitoring.models import MonitoringCase

    categories, risks = labels
    case = portal["case"]
    diffs = []

    def differ(label, ours, theirs):
        if ours != theirs:
            diffs.append([str(label), ours, theirs])

    if "township" in present and national.get("township") and _norm(national["township"]) != _norm(portal["township"]):
        differ(pgettext("national system", "Township"), portal["township"], national["township"])
    if "head_name" in present:
        differ(pgettext("national system", "Head's name"), portal["head_name"], national.get("head_name") or "")
    if "persons" in present and national.get("persons") is not None:
        differ(pgettext("national system", "Household size"), str(portal["persons"]), str(national["persons"]))
    if "household_kind" in present and national.get("household_kind"):
        ours = "monitored" if case else ("lifted" if portal["type"] == "lifted" else "")
        theirs = national["household_kind"]
        if ours != theirs:
            diffs.append(
                [
                    pgettext("national system", "Household kind"),
                    HOUSEHOLD_KIND_LABELS.get(ours, _("neither")),
                    HOUSEHOLD_KIND_LABELS[theirs],
                ]
            )
    if "monitoring_category" in present:
        ours = str(categories[case[0]]) if case else ""
        theirs = str(categories[national["monitoring_category"]]) if national.get("monitoring_category") else ""
        differ(pgettext("national system", "Monitoring object category"), ours, theirs)
    if "risk_types" in present:
        order = list(risks)  # the national list's order: 因病, 因残, 因学…
        ours = "、".join(str(risks[r]) for r in sorted(case[1], key=order.index) if r in risks) if case else ""
        theirs = "、".join(str(risks[r]) for r in sorted(national.get("risk_types") or (), key=order.index))
        differ(pgettext("national system", "Risk types"), ours, theirs)
    if "risk_eliminated" in present and (case or national.get("risk_eliminated") is not None):
        ours = ("是" if case[2] == MonitoringCase.Status.ELIMINATED else "否") if case else ""
        given = national.get("risk_eliminated")
        theirs = "" if given is None else ("是" if given else "否")
        differ(pgettext("national system", "Risk eliminated"), ours, theirs)
    if "per_capita_income" in present and national.get("per_capita_income") is not None:
        ours = portal["income"]
        theirs = national["per_capita_income"]
        if ours is None or abs(Decimal(str(round(ours, 2))) - theirs) > Decimal(1):
            diffs.append(
                [pgettext("national system", "Net income per person a year"), _income_text(ours), _income_text(theirs)]
            )
    return diffs


def compare(parsed, *, user) -> dict:
    """The reconciliation of parsed national rows against the user's scope; writes nothing."""
    from accounts.scope import scope_of
    from settlements.models import Township

    scope = scope_of(user)
    rows = [r for _report, sheet_rows in parsed.by_kind.get("national", ()) for r in sheet_rows]
    analysis = parsed.analysis
    invalid = analysis.invalid_rows
    present = set()
    for _report, sheet_rows in parsed.by_kind.get("national", ()):
        present |= set(sheet_rows[0].headers) if sheet_rows else set()
    rows = [r for r in rows if (r.sheet, r.number) not in invalid]
    national = _national_households(rows)
    portal, by_id = _portal(user)
    by_code = {h["code"]: pk for pk, h in portal.items()}
    townships = {_norm(name): (pk, name) for pk, name in Township.objects.values_list("pk", "name")}
    labels = _labels()
    result: dict = defaultdict(lambda: {"only_portal": [], "only_national": [], "different": [], "same": 0})
    matched = set()
    outside = 0
    for n in national:
        pk = by_id.get(n["head_id"]) or next((by_id[i] for i in sorted(n["ids"]) if i in by_id), None)
        if pk is None and n.get("code"):
            pk = by_code.get(n["code"])
        if pk is not None and pk in matched:
            pk = None  # two national households on one portal household: the second is national-only
        if pk is None:
            township = townships.get(_norm(n.get("township")))
            if not scope.everything and (township is None or township[0] not in scope.township_ids):
                outside += 1
                continue
            name = township[1] if township else (n.get("township") or _("(no township)"))
            result[name]["only_national"].append(
                {"code": n.get("code") or "", "head_name": n.get("head_name") or "", "id_number": n["head_id"] or "",
                 "persons": n.get("persons"), "row": n["row"]}
            )  # fmt: skip
            continue
        matched.add(pk)
        p = portal[pk]
        diffs = _differences(p, n, present, labels)
        entry = result[p["township"]]
        if diffs:
            entry["different"].append(
                {"code": p["code"], "national_code": n.get("code") or "", "head_name": p["head_name"],
                 "id_number": p["head_id"] or n["head_id"], "row": n["row"], "fields": diffs}
            )  # fmt: skip
        else:
            entry["same"] += 1
    for pk, p in portal.items():
        if pk in matched or not (p["type"] == "lifted" or p["case"]):
            continue
        result[p["township"]]["only_portal"].append(
            {"code": p["code"], "head_name": p["head_name"], "id_number": p["head_id"], "persons": p["persons"]}
        )
    townships_out = []
    for name in sorted(result):
        entry = result[name]
        for key in ("only_portal", "only_national", "different"):
            entry[key].sort(key=lambda e: (e.get("code") or "", e.get("id_number") or ""))
        townships_out.append({"township": name, **entry})
    return {
        "townships": townships_out,
        "national_households": len(national),
        "portal_households": sum(1 for p in portal.values() if p["type"] == "lifted" or p["case"]),
        "outside": outside,
        "errors": analysis.errors[:500],
        "error_count": analysis.error_count,
        "columns": sorted(present),
    }


def reconcile(path, *, user) -> dict:
    """Read a national export (in the memory-capped child) and compare it; raises reader.BadFile."""
    from . import importer

    parsed = importer.read(path, kind="national")
    return compare(parsed, user=user)


def workbook_rows(result: dict, *, mask) -> list[list]:
    """One row per household only on one side, one per differing field: to take back to the national system."""
    only_portal, only_national, different = (
        _("Only in the portal"),
        _("Only in the national system"),
        _("Fields differ"),
    )
    rows = []
    for t in result["townships"]:
        for e in t["only_portal"]:
            rows.append([t["township"], only_portal, e["code"], "", e["head_name"], mask(e["id_number"]), "", "", ""])
        for e in t["only_national"]:
            rows.append([t["township"], only_national, "", e["code"], e["head_name"], mask(e["id_number"]), "", "", ""])
        for e in t["different"]:
            for label, ours, theirs in e["fields"]:
                rows.append(
                    [t["township"], different, e["code"], e["national_code"], e["head_name"], mask(e["id_number"]),
                     label, ours, theirs]
                )  # fmt: skip
    return rows


def workbook_columns() -> list[str]:
    return [
        _("Township"),
        _("Finding"),
        _("Household code in the portal"),
        _("Household code in the national system"),
        _("Head of household"),
        _("ID number"),
        _("Field"),
        _("In the portal"),
        _("In the national system"),
    ]
