"""Made-up but realistic relocated households, for the demo site and for benchmarks.

演示数据均为虚构: every name, ID number and phone below is invented. The ID numbers are valid
(GB 11643 check digit, real birth dates) so that they pass the same checks as real ones, but
they are drawn at random and belong to nobody we know of.

- :func:`iter_households` yields plain dicts, deterministically for a seed, without the database.
- :func:`create_households` writes them with ``bulk_create`` (for the demo and load tests).
- :func:`ensure_sites` and :func:`ensure_demo_users` build the rest of the demo district.
"""

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history
from stdnum.cn import ric

from accounts.models import Department, User
from settlements.models import Settlement, Township, Village
from settlements.places import ID_AREA_CODES, ensure_places, township_rows, upsert

from . import idnumbers
from .models import Household, Member

DEMO_NOTICE = "演示数据均为虚构：人名、身份证号、电话、安置点负责人均为随机生成，行政区划代码为示意。"
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed on purpose, demo accounts only
DEFAULT_SEED = 361103
# Ages are reckoned at a fixed date, not today, so that a seed gives the same data every day.
REFERENCE_DATE = date(2026, 6, 30)
# Housing was allotted at 25 m² a person, to a ceiling; the ceiling is the demo's assumption.
AREA_PER_PERSON = 25
HOUSING_AREA_CAP = 150
ZERO_EMPLOYMENT_RATE = 0.03

L, S, H, E, R = Member.Labour, Member.Schooling, Member.Health, Member.Employment, Member.Relation


@dataclass(frozen=True)
class Site:
    """A settlement site of the demo district, and who was moved there from where."""

    code: str
    name: str
    kind: str
    township: str
    village: str | None
    share: float  # part of the generated households that live here
    origins: tuple[str, ...]  # townships they were moved out of
    address: str = ""
    built_year: int | None = None
    planned_households: int | None = None
    site_head: str = ""
    site_head_phone: str = ""
    first_secretary: str = ""
    work_team: str = ""
    party_organization: str = ""
    self_governance_organization: str = ""


MOUNTAIN_TOWNSHIPS = ("铜钹山镇", "嵩峰乡", "大南镇", "东阳乡", "少阳乡", "毛村镇", "桐畈镇", "排山镇")


SITES = [
    Site(
        code="AZD-001",
        name="城东安置小区",
        kind=Settlement.Kind.URBAN_LARGE,
        township="永丰街道",
        village="城东社区",
        share=0.40,
        origins=MOUNTAIN_TOWNSHIPS,
        address="广丰区永丰街道城东大道188号城东安置小区",
        built_year=2017,
        planned_households=200,
        site_head="周卫东",
        site_head_phone="13979301866",
        first_secretary="王海燕",
        work_team="区乡村振兴局驻点工作队：王海燕（队长）、李俊、郑晓丽",
        party_organization="中共广丰区永丰街道城东安置小区支部委员会",
        self_governance_organization="城东安置小区居民委员会",
    ),
    Site(
        code="AZD-002",
        name="洋口镇幸福家园安置点",
        kind=Settlement.Kind.URBAN_LARGE,
        township="洋口镇",
        village="幸福社区",
        share=0.23,
        origins=("洋口镇", "毛村镇", "排山镇", "嵩峰乡"),
        address="广丰区洋口镇幸福路6号幸福家园",
        built_year=2018,
        planned_households=120,
        site_head="徐建平",
        site_head_phone="13870356218",
        first_secretary="吴丽娟",
        work_team="区人社局驻点工作队：吴丽娟（队长）、俞志强",
        party_organization="中共广丰区洋口镇幸福社区支部委员会",
        self_governance_organization="洋口镇幸福社区居民委员会",
    ),
    Site(
        code="AZD-003",
        name="横山镇塘湾安置点",
        kind=Settlement.Kind.RURAL_SMALL,
        township="横山镇",
        village="塘湾村",
        share=0.10,
        origins=("横山镇", "桐畈镇"),
        address="广丰区横山镇塘湾村安置新村",
        built_year=2018,
        planned_households=40,
        site_head="杨春华",
        site_head_phone="15970326410",
        first_secretary="陈文斌",
        work_team="区农业农村局驻村工作队：陈文斌（队长）、管小红",
        party_organization="中共广丰区横山镇塘湾村支部委员会安置点党小组",
        self_governance_organization="塘湾村村民委员会安置点村民小组",
    ),
    Site(
        code="AZD-004",
        name="大南镇古城安置点",
        kind=Settlement.Kind.RURAL_SMALL,
        township="大南镇",
        village="古城村",
        share=0.12,
        origins=("大南镇", "东阳乡"),
        address="广丰区大南镇古城村安置新村",
        built_year=2017,
        planned_households=50,
        site_head="郑国良",
        site_head_phone="18979378052",
        first_secretary="李晓霞",
        work_team="区林业局驻村工作队：李晓霞（队长）、夏磊",
        party_organization="中共广丰区大南镇古城村支部委员会",
        self_governance_organization="古城村村民委员会安置点理事会",
    ),
    Site(
        code="AZD-005",
        name="铜钹山镇集镇安置点",
        kind=Settlement.Kind.RURAL_SMALL,
        township="铜钹山镇",
        village="铜钹山社区",
        share=0.10,
        origins=("铜钹山镇", "少阳乡"),
        address="广丰区铜钹山镇集镇新区安置点",
        built_year=2016,
        planned_households=45,
        site_head="祝志明",
        site_head_phone="13607938835",
        first_secretary="张慧芳",
        work_team="区发改委驻点工作队：张慧芳（队长）、刘鹏",
        party_organization="中共广丰区铜钹山镇铜钹山社区支部委员会",
        self_governance_organization="铜钹山社区居民委员会",
    ),
    Site(
        code="FS-022",
        name="嵩峰乡分散安置",
        kind=Settlement.Kind.DISPERSED,
        township="嵩峰乡",
        village=None,
        share=0.05,
        origins=("嵩峰乡",),
        site_head="俞建军",
        site_head_phone="15179347720",
    ),
]

# Common surnames of 广丰 and its neighbours, roughly by frequency.
SURNAMES = {
    "周": 8, "吴": 8, "徐": 7, "杨": 6, "王": 6, "李": 6, "张": 6, "刘": 5, "陈": 5, "郑": 4, "祝": 4,
    "俞": 4, "夏": 3, "管": 3, "黄": 3, "余": 3, "胡": 2, "姜": 2, "毛": 2, "叶": 2, "缪": 2, "汪": 2,
    "程": 2, "蔡": 1, "邱": 1, "方": 1,
}  # fmt: skip

# Given names by the decade people were born in, since names follow fashions.
_GIVEN_NAMES = {
    (0, "M"): "福生 水根 金财 有富 长根 土生 明生 春生 福根 炳辉 国良 木林 荣华 德兴",
    (0, "F"): "桂英 秀英 金花 玉兰 春娥 菊花 冬梅 月娥 水仙 彩凤 凤英 美娥 兰英 翠花",
    (1960, "M"): "建华 国强 志明 卫东 建军 红兵 小平 海军 永红 文斌 春华 建平 志强 伟 新民",
    (1960, "F"): "丽萍 红梅 小英 丽华 海燕 秀琴 美华 爱华 小红 燕 慧芳 晓霞 素珍 建英",
    (1985, "M"): "俊 磊 鹏 涛 伟杰 家豪 文杰 志伟 浩 斌 杰 建波 勇 超 晨",
    (1985, "F"): "婷 丹 静 晓燕 丽娟 佳佳 倩 敏 雪梅 思琪 莉 婷婷 芳 琳 玲",
    (2005, "M"): "子轩 浩然 梓豪 宇轩 俊熙 一鸣 子墨 博文 睿 铭泽 晨阳 奕辰 皓轩 天佑",
    (2005, "F"): "子涵 欣怡 梓涵 诗涵 雨欣 可馨 思彤 语桐 若曦 梦琪 一诺 佳怡 雨桐 欣妍",
}
GIVEN_NAMES = {key: names.split() for key, names in _GIVEN_NAMES.items()}

EMPLOYERS = {
    E.LOCAL: [
        "广丰经济开发区鸿发纸业有限公司", "芦林工业园电子元件厂", "广丰区城东物流园", "广丰区马家柚专业合作社",
        "安置点帮扶车间（服装加工）", "安置点帮扶车间（电子组装）", "广丰区建筑工地", "城区家政服务公司",
    ],
    E.PROVINCE: ["上饶经开区光伏组件厂", "上饶市信州区餐饮店", "南昌市建筑工地", "玉山县石材厂", "鹰潭市铜加工厂"],
    E.OUTSIDE: [
        "浙江省义乌市小商品市场", "浙江省江山市门业公司", "福建省厦门市电子厂", "广东省东莞市鞋厂",
        "浙江省衢州市建筑工地", "上海市物流公司", "福建省泉州市纺织厂",
    ],
    E.WELFARE_POST: ["生态护林员", "安置点保洁员", "村务协管员", "农村供水水管员", "安置点治安巡逻员"],
    E.SELF_EMPLOYED: [
        "个体经营：小卖部", "马家柚种植", "白耳黄鸡养殖", "烟叶种植", "个体经营：早餐店", "电动车维修",
        "竹制品加工", "茶叶种植",
    ],
}  # fmt: skip

# The common mobile number blocks (1xx) of the three operators.
MOBILE_PREFIXES = [str(n) for n in (*range(130, 140), 150, 151, 152, 157, 158, 159, 177, 180, 187, 188, 189, 198, 199)]


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _Generator:
    """One run of the generator: the random source and the numbers already handed out."""

    def __init__(self, seed: int, today: date, taken_ids: set[str]):
        self.rng = random.Random(seed)  # noqa: S311 - made-up data, nothing secret
        self.today = today
        self.taken_ids = taken_ids
        self.taken_phones: set[str] = set()

    # -- people -------------------------------------------------------------------------------

    def given_name(self, birth_year: int, sex: str) -> str:
        era = max(e for e in (0, 1960, 1985, 2005) if birth_year >= e)
        return self.rng.choice(GIVEN_NAMES[(era, sex)])

    def birth_date(self, age: int) -> date:
        """A birth date of someone ``age`` years old on the reference date."""
        latest = self.today.replace(year=self.today.year - age)
        return latest - timedelta(days=self.rng.randrange(365))

    def id_number(self, birth: date, sex: str) -> str:
        # The code in force in the birth year: python-stdnum rejects a code that did not exist yet.
        area = next(code for since, code in ID_AREA_CODES if birth.year >= since)
        while True:
            sequence = self.rng.randrange(50) * 2 + (1 if sex == "M" else 0)  # odd for men
            body = f"{area}{birth:%Y%m%d}{self.rng.randrange(10)}{sequence:02d}"
            number = body + ric.calc_check_digit(body + "0")  # it reads the first 17 digits only
            if number not in self.taken_ids:
                self.taken_ids.add(number)
                return number

    def phone(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.taken_phones:
                self.taken_phones.add(number)
                return number

    def person(self, relation: str, age: int, sex: str, surname: str) -> dict:
        rng = self.rng
        birth = self.birth_date(max(age, 0))
        health, grade = self.health(age)
        schooling, in_school = self.schooling(age, birth.year)
        labour = self.labour(age, health, grade, in_school)
        willing = labour != L.NONE and rng.random() < (0.7 if labour == L.WEAK else 0.9)
        has_phone = age >= 16 and rng.random() < (0.4 if age >= 70 else 0.88)
        number = self.id_number(birth, sex)
        return {
            "name": surname + self.given_name(birth.year, sex),
            "id_number": number,
            "birth_date": idnumbers.birth_date_of(number),
            "sex": idnumbers.sex_of(number),
            "relation": relation,
            "labour_capacity": labour,
            "willing_to_work": willing,
            "health": health,
            "disability_grade": grade,
            "schooling": schooling,
            "in_school": in_school,
            "employment": E.NOT_EMPLOYED,
            "employer": "",
            "phone": self.phone() if has_phone else "",
        }

    def health(self, age: int) -> tuple[str, int | None]:
        band = 0 if age < 18 else 1 if age < 50 else 2 if age < 65 else 3
        chronic = (0.02, 0.07, 0.18, 0.32)[band]
        serious = (0.005, 0.02, 0.04, 0.06)[band]
        disabled = (0.015, 0.03, 0.05, 0.07)[band]
        draw = self.rng.random()
        if draw < disabled:
            return H.DISABLED, _pick(self.rng, {1: 1, 2: 2, 3: 3, 4: 4})
        if draw < disabled + serious:
            return H.SERIOUS, None
        if draw < disabled + serious + chronic:
            return H.CHRONIC, None
        return H.HEALTHY, None

    def schooling(self, age: int, birth_year: int) -> tuple[str, bool]:
        rng = self.rng
        if age < 3:
            return "", False
        for upto, level in ((5, S.PRESCHOOL), (11, S.PRIMARY), (14, S.JUNIOR)):
            if age <= upto:
                return level, True
        if age <= 17 and rng.random() < 0.85:
            return (S.SENIOR if rng.random() < 0.6 else S.VOCATIONAL), True
        if 18 <= age <= 22 and rng.random() < 0.3:
            return (S.COLLEGE if rng.random() < 0.6 else S.VOCATIONAL), True
        if age <= 21:
            return _pick(rng, {S.JUNIOR: 40, S.SENIOR: 35, S.VOCATIONAL: 25}), False
        if birth_year < 1960:
            mix = {S.NONE: 40, S.PRIMARY: 50, S.JUNIOR: 10}
        elif birth_year < 1980:
            mix = {S.PRIMARY: 40, S.JUNIOR: 45, S.SENIOR: 12, S.VOCATIONAL: 3}
        elif birth_year < 1995:
            mix = {S.JUNIOR: 50, S.SENIOR: 25, S.VOCATIONAL: 15, S.COLLEGE: 10}
        else:
            mix = {S.JUNIOR: 30, S.SENIOR: 30, S.VOCATIONAL: 25, S.COLLEGE: 15}
        return _pick(rng, mix), False

    def labour(self, age: int, health: str, grade: int | None, in_school: bool) -> str:
        # Pupils and students count as having no labour capacity, as in the national registry.
        if age < 16 or in_school or age >= 70 or health == H.SERIOUS or (grade and grade <= 2):
            return L.NONE
        if grade:
            return L.WEAK
        if age >= 60:
            return _pick(self.rng, {L.WEAK: 70, L.ORDINARY: 20, L.NONE: 10})
        if health == H.CHRONIC:
            return _pick(self.rng, {L.WEAK: 60, L.ORDINARY: 40})
        return _pick(self.rng, {L.SKILLED: 15, L.ORDINARY: 75, L.WEAK: 10})

    def members(self) -> list[dict]:
        """A family: head 35-75, usually a spouse, children, sometimes parents or grandchildren."""
        rng = self.rng
        head_age = rng.choice(range(35, 76)) if rng.random() < 0.4 else rng.randint(45, 65)
        head_sex = "M" if rng.random() < 0.85 else "F"
        surname = _pick(rng, SURNAMES)
        people = [self.person(R.HEAD, head_age, head_sex, surname)]
        if head_age >= 60 and rng.random() < 0.12:
            return people  # an old person living alone
        family = surname if head_sex == "M" else _pick(rng, SURNAMES)
        if rng.random() < (0.9 if head_age < 60 else 0.75):
            spouse_sex = "F" if head_sex == "M" else "M"
            spouse_age = min(max(head_age + rng.randint(-3, 4) * (1 if spouse_sex == "M" else -1), 20), 85)
            spouse_surname = family if spouse_sex == "M" else _pick(rng, SURNAMES)
            people.append(self.person(R.SPOUSE, spouse_age, spouse_sex, spouse_surname))
        for _ in range(rng.choice((1, 1, 2, 2, 2, 3)) if head_age < 65 else rng.choice((0, 1, 1, 2))):
            age = head_age - rng.randint(21, 36)
            if age < 0:
                continue
            sex = rng.choice("MF")
            people.append(self.person(R.SON if sex == "M" else R.DAUGHTER, age, sex, family))
            if sex == "M" and age >= 24 and rng.random() < 0.6:
                people.append(self.person(R.CHILD_IN_LAW, age + rng.randint(-4, 1), "F", _pick(rng, SURNAMES)))
                for _ in range(rng.choice((0, 1, 1, 2))):
                    child_age = age - rng.randint(22, 32)
                    if child_age >= 0:
                        child_sex = rng.choice("MF")
                        people.append(self.person(R.GRANDCHILD, child_age, child_sex, family))
        if head_age <= 55 and rng.random() < 0.3:
            parents = ("M", "F") if rng.random() < 0.4 else (rng.choice("MF"),)
            for sex in parents:
                age = min(head_age + rng.randint(22, 32), 92)
                people.append(self.person(R.PARENT, age, sex, surname if sex == "M" else _pick(rng, SURNAMES)))
        return people[:8]

    def employ(self, people: list[dict]) -> None:
        """At least one worker employed, except in the few zero-employment households (零就业家庭)."""
        rng = self.rng
        workers = [p for p in people if p["labour_capacity"] != L.NONE and p["willing_to_work"]]
        if not workers or rng.random() < ZERO_EMPLOYMENT_RATE:
            return
        strongest = max(workers, key=lambda p: (p["labour_capacity"] != L.WEAK, p["birth_date"]))
        for person in workers:
            if person is strongest or rng.random() < 0.6:
                older = person["birth_date"].year <= self.today.year - 55
                if person["labour_capacity"] == L.WEAK or older:
                    mix = {E.WELFARE_POST: 40, E.LOCAL: 40, E.SELF_EMPLOYED: 20}
                else:
                    mix = {E.LOCAL: 35, E.PROVINCE: 15, E.OUTSIDE: 35, E.WELFARE_POST: 3, E.SELF_EMPLOYED: 12}
                person["employment"] = _pick(rng, mix)
                person["employer"] = rng.choice(EMPLOYERS[person["employment"]])
                if not person["phone"]:
                    person["phone"] = self.phone()

    # -- households ---------------------------------------------------------------------------

    def household(self, site: Site, township: dict, villages: dict[str, list[dict]], code: str) -> dict:
        rng = self.rng
        people = self.members()
        self.employ(people)
        head = people[0]
        dispersed = site.kind == Settlement.Kind.DISPERSED
        if dispersed:
            village = rng.choice([v for v in township["villages"] if v["kind"] == Village.Kind.VILLAGE])
        else:
            village = next(v for v in township["villages"] if v["name"] == site.village)
        origin = rng.choice(site.origins)
        origin_village = rng.choice([v["name"] for v in villages[origin] if v["kind"] == Village.Kind.VILLAGE])
        apartment_share = {Settlement.Kind.URBAN_LARGE: 0.95, Settlement.Kind.RURAL_SMALL: 0.25}.get(site.kind, 0.15)
        placement = Household.Placement.APARTMENT if rng.random() < apartment_share else Household.Placement.HOMESTEAD
        year = rng.randint(max(2016, site.built_year or 2016), 2020)
        persons_then = sum(1 for p in people if p["birth_date"].year < year) or 1
        certificate_date = None
        if rng.random() < 0.9:
            certificate_date = date(year + rng.randint(1, 3), rng.randint(1, 12), rng.randint(1, 28))
            certificate_date = min(certificate_date, self.today - timedelta(days=30))
        demolished = rng.random() < 0.95
        sick = any(p["health"] in (H.SERIOUS, H.DISABLED) for p in people)
        alone_without_labour = len(people) == 1 and head["labour_capacity"] == L.NONE
        extreme_poverty = alone_without_labour and rng.random() < 0.6
        if placement == Household.Placement.APARTMENT:
            address = (
                f"{site.address}{rng.randint(1, 12)}栋{rng.randint(1, 3)}单元{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
            )
        elif dispersed:
            address = f"广丰区{township['name']}{village['name']}{rng.randint(1, 9)}组{rng.randint(1, 60)}号"
        else:
            address = f"{site.address}{rng.randint(1, 80)}号"
        return {
            "code": code,
            "head_name": head["name"],
            "household_type": Household.Type.LIFTED if rng.random() < 0.85 else Household.Type.ALONGSIDE,
            "township_code": township["code"],
            "township_name": township["name"],
            "village_code": village["code"],
            "settlement_code": site.code,
            "resettlement": Household.Resettlement.DISPERSED if dispersed else Household.Resettlement.CENTRALISED,
            "placement": placement,
            "address": address,
            "phone": next((p["phone"] for p in people if p["phone"]), ""),
            "origin_township": origin,
            "origin_village": origin_village,
            "relocation_year": year,
            "housing_area": Decimal(min(AREA_PER_PERSON * persons_then, HOUSING_AREA_CAP)),
            "certificate_issued": certificate_date is not None,
            "certificate_date": certificate_date,
            "resale_restricted_until": certificate_date and certificate_date.replace(year=certificate_date.year + 5),
            "old_house_demolished": demolished,
            "land_reclaimed": demolished and rng.random() < 0.92,
            "origin_farmland_mu": Decimal(f"{rng.uniform(0.3, 4.5):.2f}"),
            "origin_forest_mu": Decimal(f"{rng.uniform(0, 40):.2f}") if rng.random() < 0.8 else Decimal("0.00"),
            "origin_land_transferred": rng.random() < 0.45,
            "minimum_living_allowance": not extreme_poverty and rng.random() < (0.2 if sick else 0.015),
            "extreme_poverty_support": extreme_poverty,
            "members": people,
        }


def _quotas(n: int, sites: list[Site]) -> list[Site]:
    """n sites in proportion to their shares (largest remainder), so small runs keep the mix."""
    total = sum(site.share for site in sites)
    exact = [n * site.share / total for site in sites]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(sites)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_remainder[: n - sum(counts)]:
        counts[i] += 1
    return [site for site, count in zip(sites, counts, strict=True) for _ in range(count)]


def iter_households(
    n: int,
    seed: int = DEFAULT_SEED,
    *,
    sites: list[Site] | None = None,
    code_prefix: str = "GF",
    taken_ids: set[str] | None = None,
    today: date = REFERENCE_DATE,
) -> Iterator[dict]:
    """Yield ``n`` households as plain dicts (no database), the same ones for the same seed.

    Each dict has the Household field values, ``township_code``, ``village_code`` and
    ``settlement_code`` (12-digit division codes and a site code) and ``members``: a list of dicts
    with the Member field values, ``birth_date`` and ``sex`` included. Household codes are
    ``<code_prefix>-<township seq>-<5 digits>``, numbered per township within the run, so two runs
    with different seeds into one database need different prefixes. ID numbers are unique within
    the run and avoid ``taken_ids`` (which is updated in place).
    """
    sites = SITES if sites is None else sites
    generator = _Generator(seed, today, set() if taken_ids is None else taken_ids)
    rows = township_rows()
    townships = {row["name"]: row for row in rows}
    villages = {row["name"]: row["villages"] for row in rows}
    order = _quotas(n, sites)
    generator.rng.shuffle(order)
    numbers: dict[str, int] = {}
    for site in order:
        township = townships[site.township]
        numbers[site.township] = numbers.get(site.township, 0) + 1
        code = f"{code_prefix}-{township['seq']:03d}-{numbers[site.township]:05d}"
        yield generator.household(site, township, villages, code)


def is_zero_employment(household: dict) -> bool:
    """A member able and willing to work, and nobody employed (零就业家庭)."""
    members = household["members"]
    can_work = any(m["labour_capacity"] != L.NONE and m["willing_to_work"] for m in members)
    return can_work and not any(m["employment"] != E.NOT_EMPLOYED for m in members)


# -- the database ---------------------------------------------------------------------------------


@transaction.atomic
def ensure_sites(sites: Iterable[Site] | None = None) -> list[Settlement]:
    """Create or update the demo settlement sites (by code), and the places they lie in."""
    ensure_places()
    townships = {t.name: t for t in Township.objects.all()}
    result = []
    for site in SITES if sites is None else sites:
        township = townships[site.township]
        village = Village.objects.get(township=township, name=site.village) if site.village else None
        values = {
            "name": site.name,
            "kind": site.kind,
            "township": township,
            "village": village,
            "address": site.address,
            "built_year": site.built_year,
            "planned_households": site.planned_households,
            "site_head": site.site_head,
            "site_head_phone": site.site_head_phone,
            "first_secretary": site.first_secretary,
            "work_team": site.work_team,
            "party_organization": site.party_organization,
            "self_governance_organization": site.self_governance_organization,
        }
        settlement, _ = upsert(Settlement, lookup={"code": site.code}, values=values)
        result.append(settlement)
    return result


HOUSEHOLD_EXTRA_KEYS = ("township_code", "township_name", "village_code", "settlement_code", "members")


@transaction.atomic
def create_households(
    n: int,
    *,
    seed: int = DEFAULT_SEED,
    sites: list[Site] | None = None,
    code_prefix: str = "GF",
    with_history: bool = True,
    batch_size: int = 1000,
) -> tuple[int, int]:
    """Write ``n`` generated households and their members; return (households, members) created.

    Ensures the places and sites first. Households whose code exists already are skipped, so
    running again with the same seed and prefix creates nothing. ``with_history=False`` skips the
    simple-history rows (faster, for load tests). Member.save() is bypassed, so birth date and sex
    come from the generator, which derives them from the ID number.
    """
    sites = SITES if sites is None else sites
    ensure_sites(sites)
    township_ids = dict(Township.objects.values_list("code", "pk"))
    village_ids = dict(Village.objects.values_list("code", "pk"))
    settlement_ids = dict(Settlement.objects.filter(code__in=[s.code for s in sites]).values_list("code", "pk"))
    existing = set(Household.objects.filter(code__startswith=f"{code_prefix}-").values_list("code", flat=True))
    taken_ids = set(Member.objects.values_list("id_number", flat=True))
    created = [0, 0]
    batch: list[dict] = []

    def flush():
        households = [
            Household(
                **{k: v for k, v in row.items() if k not in HOUSEHOLD_EXTRA_KEYS},
                township_id=township_ids[row["township_code"]],
                village_id=village_ids[row["village_code"]],
                settlement_id=settlement_ids[row["settlement_code"]],
            )
            for row in batch
        ]
        households = _bulk_create(households, with_history)
        members = [
            Member(household_id=household.pk, **member)
            for household, row in zip(households, batch, strict=True)
            for member in row["members"]
        ]
        _bulk_create(members, with_history)
        created[0] += len(households)
        created[1] += len(members)
        batch.clear()

    for row in iter_households(n, seed, sites=sites, code_prefix=code_prefix, taken_ids=taken_ids):
        if row["code"] not in existing:
            batch.append(row)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return created[0], created[1]


def _bulk_create(objs: list, with_history: bool) -> list:
    model = type(objs[0])
    if with_history:
        return bulk_create_with_history(objs, model, default_change_reason="演示数据（虚构）")
    return model.objects.bulk_create(objs)


# -- demo users ---------------------------------------------------------------------------------

ROLE_NAMES_ZH = {
    User.Role.TOWNSHIP_STAFF: "乡镇干部",
    User.Role.SETTLEMENT_STAFF: "安置点社区工作人员",
    User.Role.BUREAU_STAFF: "区直部门工作人员",
    User.Role.HEAD: "局领导、区领导",
    User.Role.DISTRICT_OFFICE: "区防返贫监测办",
    User.Role.ADMIN: "系统管理员",
}

# (username, role, full name, townships, settlement codes, department code, district-wide)
DEMO_USERS = [
    ("township_yongfeng", User.Role.TOWNSHIP_STAFF, "周建华", ["永丰街道"], [], None, False),
    ("township_yangkou", User.Role.TOWNSHIP_STAFF, "徐丽萍", ["洋口镇"], [], None, False),
    # A second cadre of 洋口镇: the township review of a case is done by someone who did not check it.
    ("township_yangkou_review", User.Role.TOWNSHIP_STAFF, "汪志强", ["洋口镇"], [], None, False),
    ("settlement_chengdong", User.Role.SETTLEMENT_STAFF, "杨晓燕", [], ["AZD-001"], None, False),
    ("bureau_rsj", User.Role.BUREAU_STAFF, "吴国强", [], [], "rsj", False),
    ("district_head", User.Role.HEAD, "俞志明", [], [], None, True),
    ("district_office", User.Role.DISTRICT_OFFICE, "程建国", [], [], None, True),
    ("admin", User.Role.ADMIN, "祝文斌", [], [], None, True),
]


@transaction.atomic
def ensure_demo_users(password: str = DEMO_PASSWORD) -> list[tuple[User, str]]:
    """One user per role, with their scope; returns (user, scope in Chinese) pairs. Idempotent:
    the password is set only when it does not already match (each hash has a fresh salt)."""
    result = []
    for username, role, full_name, township_names, settlement_codes, department_code, district_wide in DEMO_USERS:
        is_admin = role == User.Role.ADMIN
        department = Department.objects.get(code=department_code) if department_code else None
        user, _ = upsert(
            User,
            lookup={"username": username},
            values={
                "role": role,
                "full_name": full_name,
                "district_wide": district_wide,
                "department": department,
                "is_staff": is_admin,
                "is_superuser": is_admin,
                "is_active": True,
            },
        )
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        townships = list(Township.objects.filter(name__in=township_names))
        settlements = list(Settlement.objects.filter(code__in=settlement_codes))
        user.townships.set(townships)
        user.settlements.set(settlements)
        if district_wide:
            scope = "全区"
        else:
            scope = "、".join([t.name for t in townships] + [s.name for s in settlements])
            scope = scope or (department.name if department else "（无）")
        result.append((user, scope))
    return result
