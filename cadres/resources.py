"""帮扶责任人 from Excel: the columns of the bulk assignment, and its checks and writes for the
import machinery of ``exchange`` (upload → preview naming every bad cell → all-or-nothing commit).

One row per household, found by 户编号 or by the head's ID number (户主身份证号码), with the cadre's
name, work unit and phone. A name (and phone, when given) that matches a portal user covering the
household links the household to that user's 我的户; otherwise the cadre is a named person, whose
phone is then required. Every check is set-based: a few queries per workbook, never one per row.
"""

from collections import defaultdict
from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from exchange import cells
from exchange.columns import Column, Spec, label
from relocation import idnumbers
from relocation.models import Household, Member

from . import services
from .models import HouseholdCadre
from .rules import CADRE_ROLES

HOUSEHOLD_CODE = ("户编号", "户码", "户号", "家庭编号", "户编码", "农户编号")
text = cells.parse_text

COLUMNS = [
    Column("household", label(Household, "code"), cells.parse_code, HOUSEHOLD_CODE, example="GF-YK-000001"),
    Column(
        "head_id",
        gettext_lazy("Head's ID number"),
        cells.parse_id_number,
        ("户主身份证号码", "户主身份证号", "户主证件号码", "户主公民身份号码", "户主身份证"),
        example="",
        help=gettext_lazy("Give the household code or the head's ID number."),
    ),
    Column(
        "head_name",
        label(Household, "head_name"),
        partial(text, max_length=50, compact=True),
        ("户主姓名", "户主", "户主名称"),
        example="张三",
    ),
    Column(
        "cadre_name",
        gettext_lazy("Responsible cadre's name"),
        partial(text, max_length=50, compact=True),
        ("帮扶责任人", "帮扶责任人姓名", "帮扶人", "帮扶人姓名", "帮扶干部", "结对帮扶干部", "结对干部", "责任人姓名"),
        required=True,
        example="李四",
    ),
    Column(
        "unit",
        gettext_lazy("Work unit"),
        partial(text, max_length=60),
        ("单位", "工作单位", "帮扶单位", "帮扶责任人单位", "所在单位", "帮扶人单位"),
        required=True,
        example="洋口镇人民政府",
    ),
    Column(
        "phone",
        gettext_lazy("Phone"),
        cells.parse_phone,
        ("电话", "联系电话", "帮扶责任人电话", "帮扶人电话", "手机号", "手机号码", "联系方式"),
        example="13800000000",
    ),
]
CADRES = Spec("cadres", gettext_lazy("Responsible cadres"), COLUMNS, key=("cadre_name",))


def _households(rows, gate) -> tuple[dict, dict]:
    """code -> household facts, and head ID number -> (household facts, is head), for the rows' keys."""
    fields = ("pk", "code", "head_name", "township_id", "settlement_id", "township__name")
    codes = sorted({r.values["household"] for r in rows if r.values.get("household")})
    ids = sorted({r.values["head_id"] for r in rows if r.values.get("head_id")})
    by_code, by_id = {}, {}
    for start in range(0, len(codes), 2000):
        for h in Household.objects.filter(code__in=codes[start : start + 2000]).values(*fields):
            h["allowed"] = gate.allows(h["township_id"], h["settlement_id"])
            by_code[h["code"]] = h
    for start in range(0, len(ids), 2000):
        members = Member.objects.filter(id_number__in=ids[start : start + 2000])
        for m in members.values("id_number", "relation", *(f"household__{f}" for f in fields)):
            h = {f: m[f"household__{f}"] for f in fields}
            h["allowed"] = gate.allows(h["township_id"], h["settlement_id"])
            by_id[m["id_number"]] = (h, m["relation"] == Member.Relation.HEAD)
    return by_code, by_id


def _portal_users(names: set[str]) -> dict[str, list[dict]]:
    """Active cadres by full name, each with their phone and the townships and sites they cover."""
    users = {
        u["pk"]: {**u, "townships": set(), "settlements": set()}
        for u in User.objects.filter(full_name__in=names, is_active=True, role__in=CADRE_ROLES).values(
            "pk", "full_name", "phone"
        )
    }
    for user_id, township_id in User.townships.through.objects.filter(user_id__in=users).values_list(
        "user_id", "township_id"
    ):
        users[user_id]["townships"].add(township_id)
    for user_id, settlement_id in User.settlements.through.objects.filter(user_id__in=users).values_list(
        "user_id", "settlement_id"
    ):
        users[user_id]["settlements"].add(settlement_id)
    by_name = defaultdict(list)
    for user in users.values():
        by_name[user["full_name"]].append(user)
    return by_name


def _covers(user: dict, household: dict) -> bool:
    return household["township_id"] in user["townships"] or (
        household["settlement_id"] is not None and household["settlement_id"] in user["settlements"]
    )


def check_rows(rows, analysis, gate, report) -> None:
    """Validate the rows of a cadre sheet and sort them into new / changed / unchanged assignments."""
    by_code, by_id = _households(rows, gate)
    users = _portal_users({r.values["cadre_name"] for r in rows if r.values.get("cadre_name")})
    first_column = next(iter(rows[0].headers.values())) if rows else ""
    seen: dict[int, int] = {}
    wanted: dict[int, tuple] = {}  # household pk -> (row, values)
    for row in rows:
        v = row.values
        earlier = bad = (row.sheet, row.number) in analysis.invalid_rows  # a cell that did not parse

        def error(attr, message, row=row):
            analysis.error(row.sheet, row.number, row.headers.get(attr) or first_column, message)

        household = None
        code, head_id = v.get("household"), v.get("head_id")
        if code:
            household = by_code.get(code)
            if household is None or not household["allowed"]:
                error("household", _("No household with code %(code)s in your area.") % {"code": code})
                household, bad = None, True
        if head_id and not (code and household is None):
            found = by_id.get(head_id)
            masked = idnumbers.mask_id_number(head_id)
            if found is None or not found[0]["allowed"]:
                error("head_id", _("No household in your area has a member with ID number %(id)s.") % {"id": masked})
                bad = True
            elif not found[1]:
                error("head_id", _("ID number %(id)s is not the head of its household.") % {"id": masked})
                bad = True
            elif household is not None and household["pk"] != found[0]["pk"]:
                error(
                    "head_id",
                    _("This head's household is %(other)s, not %(code)s.") % {"other": found[0]["code"], "code": code},
                )
                bad = True
            else:
                household = found[0]
        if not code and not head_id and "household" not in v and "head_id" not in v:
            error("household", _("The sheet needs a column “户编号” or “户主身份证号码”."))
            bad = True
        elif not code and not head_id and not earlier:
            error("household", _("Give the household code or the head's ID number."))
            bad = True
        if household is None:
            continue
        if v.get("head_name") and v["head_name"] != household["head_name"]:
            error(
                "head_name",
                _("The head of household %(code)s is %(name)s, not %(given)s.")
                % {"code": household["code"], "name": household["head_name"], "given": v["head_name"]},
            )
            bad = True
        if household["pk"] in seen:
            error(
                "household" if code else "head_id",
                _("This household repeats row %(r)s.") % {"r": seen[household["pk"]]},
            )
            continue
        seen[household["pk"]] = row.number
        name, phone, unit = v.get("cadre_name"), v.get("phone") or "", v.get("unit") or ""
        if bad or not name or not unit:
            continue  # the row's other errors are already named
        namesakes = [u for u in users.get(name, []) if not phone or not u["phone"] or u["phone"] == phone]
        covering = [u for u in namesakes if _covers(u, household)]
        user_id = None
        if len(covering) > 1:
            error(
                "phone",
                _("Several portal users are called %(name)s here; give the cadre's phone to tell them apart.")
                % {"name": name},
            )
            bad = True
        elif covering:
            user_id = covering[0]["pk"]
            phone = phone or covering[0]["phone"] or ""
        elif namesakes and phone:
            error(
                "cadre_name",
                _(
                    "%(name)s is a cadre of another township or site: a household's responsible cadre must be a "
                    "cadre of %(township)s."
                )
                % {"name": name, "township": household["township__name"]},
            )
            bad = True
        elif not phone:
            error("phone", _("Give the phone of a responsible cadre who has no portal account."))
            bad = True
        if not bad:
            wanted[household["pk"]] = (row, {"user_id": user_id, "name": name, "phone": phone, "unit": unit})
    existing = {
        c["household_id"]: c
        for start in range(0, len(wanted), 2000)
        for c in HouseholdCadre.objects.filter(household_id__in=list(wanted)[start : start + 2000]).values(
            "household_id", *services.FIELDS
        )
    }
    for pk, (_row, values) in wanted.items():
        old = existing.get(pk)
        if old is None:
            analysis.creates["cadres"].append({"household_id": pk, **values})
            report.new += 1
            continue
        changes = {f: values[f] for f in services.FIELDS if old[f] != values[f]}
        if changes:
            analysis.updates["cadres"].append((pk, changes, values))
            report.updated += 1
        else:
            report.unchanged += 1


def apply_rows(analysis, *, actor, reason: str) -> int:
    """Write the checked assignments (the caller holds the import's transaction)."""
    return services.cadre_write_rows(
        creates=analysis.creates.get("cadres", []),
        updates=analysis.updates.get("cadres", []),
        actor=actor,
        reason=reason,
    )
