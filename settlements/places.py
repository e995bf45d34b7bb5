"""The places of 广丰区 (division 361103) as data, and :func:`ensure_places` to load them.

23 townships as of 2025: 5 sub-districts 街道, 15 towns 镇 and 3 townships 乡. The names are the
district's; the codes and most villages below are NOT the statistical ones. The township codes
361103XXX000 are numbered in list order and the village codes follow the statistical habit
(communities 社区 from 001, villages 村 from 201) only in shape: all of them are illustrative,
to be replaced by the National Bureau of Statistics' division codes before real data goes in.
"""

from django.db import transaction

from .models import Township, Village

DISTRICT_CODE = "361103"
DISTRICT_NAME = "广丰区"
# The area codes 广丰 has had, newest first, with the year each came in. An ID number keeps the
# code of where and when it was assigned, so most residents' numbers begin with an old code:
# 362322 (广丰县 of 上饶地区, until 2000), 361122 (广丰县 of 上饶市, 2000-2015), 361103 (广丰区).
# python-stdnum checks the code against the birth year, and so does our ID validation.
ID_AREA_CODES = [(2015, DISTRICT_CODE), (2000, "361122"), (0, "362322")]
OLD_COUNTY_CODE = "361122"

SUBDISTRICT = Township.Kind.SUBDISTRICT
TOWN = Township.Kind.TOWN
TOWNSHIP = Township.Kind.TOWNSHIP

# (name, kind, [village or community names]); a name ending in 社区 is a community.
TOWNSHIPS = [
    ("永丰街道", SUBDISTRICT, ["城东社区", "东街社区", "西街社区", "南屏社区", "永丰村"]),
    ("丰溪街道", SUBDISTRICT, ["丰溪社区", "三里社区", "新桥社区", "丰溪村"]),
    ("芦林街道", SUBDISTRICT, ["芦林社区", "塘墀社区", "芦林村", "马鞍村"]),
    ("下溪街道", SUBDISTRICT, ["下溪社区", "溪东社区", "下溪村", "朝阳村"]),
    ("大石街道", SUBDISTRICT, ["大石社区", "石门社区", "大石村", "后山村"]),
    ("洋口镇", TOWN, ["洋口社区", "幸福社区", "洋口村", "河东村", "山背村", "鹅湖村"]),
    ("横山镇", TOWN, ["横山社区", "横山村", "塘湾村", "东源村", "田畈村"]),
    ("桐畈镇", TOWN, ["桐畈社区", "桐畈村", "上坊村", "双溪村", "岭脚村"]),
    ("湖丰镇", TOWN, ["湖丰社区", "湖丰村", "冷水村", "吴家村"]),
    ("大南镇", TOWN, ["大南社区", "大南村", "古城村", "高峰村", "潭头村", "坑头村"]),
    ("排山镇", TOWN, ["排山社区", "排山村", "湖塘村", "上田村", "源口村"]),
    ("毛村镇", TOWN, ["毛村社区", "毛家村", "西坑村", "坑口村", "高山村"]),
    ("枧底镇", TOWN, ["枧底社区", "枧底村", "长坞村", "石溪村"]),
    ("泉波镇", TOWN, ["泉波社区", "泉波村", "上源村", "排里村"]),
    ("霞峰镇", TOWN, ["霞峰社区", "霞峰村", "黄坑村", "麻墩村"]),
    ("五都镇", TOWN, ["五都社区", "五都村", "南塘村", "楼底村"]),
    ("吴村镇", TOWN, ["吴村社区", "吴家畈村", "前山村", "竹林村"]),
    ("沙田镇", TOWN, ["沙田社区", "沙田村", "十都村", "霞坊村"]),
    ("铜钹山镇", TOWN, ["铜钹山社区", "九仙山村", "白花岩村", "封禁村", "青龙湾村", "双坑村"]),
    ("壶峤镇", TOWN, ["壶峤社区", "壶峤村", "大丰村", "阳坑村"]),
    ("东阳乡", TOWNSHIP, ["东阳村", "上坪村", "高坑村", "岭底村", "石坞村"]),
    ("嵩峰乡", TOWNSHIP, ["嵩峰村", "茶亭村", "龙溪村", "岭头村", "十八坞村"]),
    ("少阳乡", TOWNSHIP, ["少阳村", "竹坞村", "石壁村", "源头村"]),
]


def township_code(seq: int) -> str:
    """361103XXX000 for the township at 1-based position ``seq`` (illustrative, see above)."""
    return f"{DISTRICT_CODE}{seq:03d}000"


def township_rows() -> list[dict]:
    """The townships and their villages as plain dicts, with codes: no database needed."""
    rows = []
    for seq, (name, kind, village_names) in enumerate(TOWNSHIPS, start=1):
        code = township_code(seq)
        villages = []
        communities = plain = 0
        for village_name in village_names:
            if village_name.endswith("社区"):
                communities += 1
                number, village_kind = communities, Village.Kind.COMMUNITY
            else:
                plain += 1
                number, village_kind = 200 + plain, Village.Kind.VILLAGE
            villages.append({"code": f"{code[:9]}{number:03d}", "name": village_name, "kind": village_kind})
        rows.append({"seq": seq, "code": code, "name": name, "kind": kind, "villages": villages})
    return rows


def upsert(model, *, lookup: dict, values: dict):
    """Create the row, or update only the fields that differ, so that running again writes nothing
    (and a model with history gets no spurious history rows). Returns (obj, changed)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=changed)
    return obj, bool(changed)


@transaction.atomic
def ensure_places() -> list[Township]:
    """Create or update the district's townships and villages, matched by code. Idempotent."""
    townships = []
    for row in township_rows():
        township, _ = upsert(Township, lookup={"code": row["code"]}, values={"name": row["name"], "kind": row["kind"]})
        for village in row["villages"]:
            upsert(
                Village,
                lookup={"code": village["code"]},
                values={"township": township, "name": village["name"], "kind": village["kind"]},
            )
        townships.append(township)
    return townships
