"""A realistic workbook of N households and their members (valid ID numbers, fixed seed).

    .venv/bin/python -m bench.imports.generate 100000 var/bench/households-100000.xlsx

Uses relocation.demo.iter_households, so places are those of 广丰区 (made up, like the demo data).
Written with openpyxl's write-only mode, the way a district export would be.
"""

import os
import sys
from pathlib import Path


def generate(n: int, path: Path, seed: int = 20261129) -> tuple[int, int]:
    """Write households and members sheets; return (households, members)."""
    from django.utils import translation
    from openpyxl import Workbook

    from relocation.demo import iter_households
    from relocation.models import Household, Member

    with translation.override("zh-hans"):
        # One table per enumeration: "none" is both a labour capacity and a schooling level.
        T, P, RS, R, L, H, E, S = (
            {v: str(label) for v, label in choices.choices}
            for choices in (Household.Type, Household.Placement, Household.Resettlement, Member.Relation,
                            Member.Labour, Member.Health, Member.Employment, Member.Schooling)
        )  # fmt: skip
    yes = {True: "是", False: "否"}
    book = Workbook(write_only=True)
    households = book.create_sheet("花名册")
    members = book.create_sheet("家庭成员")
    households.append(["广丰区易地扶贫搬迁户花名册（演示数据）"])
    households.append(["户编号", "户主姓名", "户主身份证号码", "家庭人口", "户类型", "乡镇", "安置点", "安置方式",
                       "安置房类型", "安置地址", "联系电话", "迁出乡镇", "迁出村", "搬迁年度", "住房面积", "是否办证",
                       "办证日期"])  # fmt: skip
    members.append(["户编号", "姓名", "身份证号码", "与户主关系", "劳动能力", "就业意愿", "健康状况", "残疾等级",
                    "文化程度", "就业情况", "联系电话"])  # fmt: skip
    h = m = 0
    for house in iter_households(n, seed):
        households.append([
            house["code"], house["head_name"], _head_id(house), len(house["members"]), T[house["household_type"]],
            house["township_name"],
            house["settlement_code"], RS[house["resettlement"]], P[house["placement"]], house["address"],
            house["phone"],
            house["origin_township"], house["origin_village"], house["relocation_year"], float(house["housing_area"]),
            yes[house["certificate_issued"]], house["certificate_date"],
        ])  # fmt: skip
        h += 1
        for p in house["members"]:
            members.append([
                house["code"], p["name"], p["id_number"], R[p["relation"]], L[p["labour_capacity"]],
                yes[p["willing_to_work"]], H[p["health"]], p.get("disability_grade"),
                S.get(p.get("schooling") or "", ""), E[p["employment"]], p.get("phone") or "",
            ])  # fmt: skip
            m += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return h, m


def generate_national(n: int, path: Path, seed: int = 20261129) -> tuple[int, int, dict]:
    """The national 防返贫监测信息系统's export of the same N households (one row per member), as a
    reconciliation would receive it: every 500th household is missing, every 700th has one member
    more in 人口数, and 100 households of its own that the portal does not have.

    Returns (households, rows, {"missing", "persons", "extra"}).
    """
    from django.utils import translation
    from openpyxl import Workbook

    from relocation.demo import iter_households
    from relocation.models import Member

    with translation.override("zh-hans"):
        relations = {v: str(label) for v, label in Member.Relation.choices}
    book = Workbook(write_only=True)
    sheet = book.create_sheet("脱贫户及监测对象")
    sheet.append(["全国防返贫监测信息系统 脱贫户（含监测对象）信息（演示数据）"])
    sheet.append(["省", "市", "县", "乡", "村", "户编号", "户主姓名", "姓名", "证件号码", "与户主关系", "人口数",
                  "户类型", "监测对象类别", "风险类型", "是否风险消除", "年人均纯收入"])  # fmt: skip
    h = rows = 0
    found = {"missing": 0, "persons": 0, "extra": 0}
    lifted = "lifted"
    last = None
    for i, house in enumerate(iter_households(n, seed), start=1):
        if house["household_type"] != lifted:
            continue  # the national system holds 脱贫户 and 监测对象 only
        if i % 500 == 0:
            found["missing"] += 1
            continue
        persons = len(house["members"]) + (1 if i % 700 == 0 else 0)
        found["persons"] += i % 700 == 0
        for p in house["members"]:
            place = ["江西省", "上饶市", "广丰区", house["township_name"], ""]
            sheet.append([*place, house["code"], house["head_name"], p["name"], p["id_number"],
                          relations[p["relation"]], persons, "脱贫户", "", "", "", ""])  # fmt: skip
            rows += 1
        h += 1
        last = house
    for j in range(100):  # households the portal does not have: new ID numbers of the same township
        number = _extra_id(j)
        sheet.append(["江西省", "上饶市", "广丰区", last["township_name"], "", f"NX{j:06d}", f"国家户{j}", f"国家户{j}",
                      number, "户主", 1, "脱贫户", "", "", "", ""])  # fmt: skip
        rows += 1
        h += 1
        found["extra"] += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return h, rows, found


def _extra_id(j: int) -> str:
    """A valid ID number no generated member has (born in 1930: the generator makes nobody over 92)."""
    from relocation.idnumbers import check_digit

    body = f"362322193001{(j % 28) + 1:02d}{j // 28:03d}"
    return body + check_digit(body)


def _head_id(house: dict) -> str:
    """The 户主 row's ID number: the household sheet carries it, as township rosters do."""
    return next((p["id_number"] for p in house["members"] if p["relation"] == "head"), house["members"][0]["id_number"])


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    if len(sys.argv) > 1 and sys.argv[1] == "--national":
        n = int(sys.argv[2])
        out = Path(sys.argv[3]) if len(sys.argv) > 3 else Path(f"var/bench/national-{n}.xlsx")
        print(generate_national(n, out), out)
    else:
        n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
        out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(f"var/bench/households-{n}.xlsx")
        print(generate(n, out), out)
