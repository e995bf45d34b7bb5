"""Made-up monitoring data for the demo district (演示数据均为虚构); safe to run again.

On top of the demo households (``manage.py seed_demo``): twelve months of ledgers for every
household, a few return visits (some overdue), a household's own application, a roster of the
人社局 with matched and unmatched rows, one screening run so that the alert queue has work in it,
cases at several steps of the procedure in 洋口镇 (``procedure_demo``) and a case of each object type. Everything is
matched by what it is (household and month, a visit's household, a roster's title, a case's object
type), so a second run adds nothing.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import Department, User
from relocation import idnumbers
from relocation.models import Household, Member

from . import services
from .models import Alert, Application, DepartmentRoster, LedgerEntry, MonitoringCase, RiskType, Visit, month_index
from .selectors import responsible_staff

SEED = 361103
ROSTER_TITLE = "（示例）人社局失业登记人员名单"
APPLICANT_NOTE = "（示例）家中主要劳动力因病住院，申请帮扶"
HISTORY_REASON = "演示数据（虚构）"

# Profiles of a household's year, in per-mille of households (the rest are steady).
SLIDING, DROP, MEDICAL, SCHOOLING = 40, 30, 30, 15


def _months(today: datetime.date) -> list[datetime.date]:
    """The twelve full months before ``today``'s month, oldest first."""
    out, y, m = [], today.year, today.month
    for _ in range(12):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        out.append(datetime.date(y, m, 1))
    return out[::-1]


def _money(value: float) -> Decimal:
    return Decimal(max(0, round(value))).quantize(Decimal("0.01"))


def _year_of(household: Household, members: list[Member], months: list[datetime.date]) -> list[dict]:
    """Twelve plausible months for one household, drawn from a generator seeded by its code."""
    rng = random.Random(f"{SEED}-{household.code}")  # noqa: S311 - made-up figures, not secrets
    size = max(len(members), 1)
    # Monthly figures in yuan: wages as migrant and local work pays around 上饶 today, a little
    # production income (a vegetable plot, poultry) for each member who can work, pensions and
    # disability allowances for those who cannot, 低保/特困 payments per person.
    wages = sum(
        rng.uniform(4200, 6200) if m.employment == "outside" else rng.uniform(3200, 5000)
        for m in members
        if m.employment in ("local", "province", "outside")
    )
    wages += sum(rng.uniform(800, 1000) for m in members if m.employment == "welfare_post")
    business = sum(rng.uniform(2500, 5000) for m in members if m.employment == "self_employed")
    business += sum(rng.uniform(150, 450) for m in members if m.labour_capacity != "none")
    transfer = 200.0 * sum(1 for m in members if m.labour_capacity == "none")
    if household.minimum_living_allowance or household.extreme_poverty_support:
        transfer += 600.0 * size
    property_income = rng.choice([0, 0, 40, 80]) if household.origin_land_transferred or rng.random() < 0.3 else 0
    roll = rng.randrange(1000)
    profile = (
        "sliding"
        if roll < SLIDING
        else "drop"
        if roll < SLIDING + DROP
        else "medical"
        if roll < SLIDING + DROP + MEDICAL
        else "schooling"
        if roll < SLIDING + DROP + MEDICAL + SCHOOLING
        else "steady"
    )
    rows = []
    for i, _period in enumerate(months):
        wobble = rng.uniform(0.92, 1.08)
        wage = wages * wobble
        if profile == "sliding":
            # Work dried up over the year: from above the warning line to well under it.
            wage = (1500 - 70 * i) * size
        elif profile == "drop" and i == len(months) - 1:
            wage *= 0.35  # the main earner lost the job last month
        rows.append(
            {
                "wage_income": _money(wage),
                "business_income": _money(business * wobble),
                "property_income": _money(property_income),
                "transfer_income": _money(transfer),
                "medical_expense": _money(rng.uniform(600, 1400) if profile == "medical" else rng.uniform(0, 60)),
                "schooling_expense": _money(rng.uniform(900, 1500) if profile == "schooling" else 0),
                "community_integration": rng.choice(["good", "good", "good", "fair"]),
            }
        )
    return rows


def seed_ledgers(today: datetime.date) -> int:
    """Twelve months of ledger entries for every household that lacks them; returns the entries added."""
    months = _months(today)
    have = set(
        LedgerEntry.objects.filter(period__gte=months[0], period__lte=months[-1]).values_list("household_id", "period")
    )
    entries = []
    households = Household.objects.prefetch_related("members").order_by("code")
    for household in households.iterator(chunk_size=500):
        members = list(household.members.all())
        if not members or all((household.pk, p) in have for p in months):
            continue
        employed = sum(m.is_employed for m in members)
        snapshot = [{"member": m.pk, "name": m.name, "employment": m.employment} for m in members if m.can_work]
        for period, values in zip(months, _year_of(household, members, months), strict=True):
            if (household.pk, period) in have:
                continue
            entries.append(
                LedgerEntry(
                    household=household,
                    period=period,
                    month_index=month_index(period),  # bulk_create skips save(), which sets it
                    household_size=len(members),
                    employed_members=employed,
                    member_employment=snapshot,
                    source=LedgerEntry.Source.IMPORT,
                    notes="演示数据（虚构）",
                    **values,
                )
            )
    for start in range(0, len(entries), 2000):
        bulk_create_with_history(entries[start : start + 2000], LedgerEntry, default_change_reason=HISTORY_REASON)
    return len(entries)


def _staff_for(household: Household) -> User | None:
    return responsible_staff(household).order_by("pk").first()


def seed_visits(today: datetime.date) -> int:
    """A return visit to one household in five that has none; one in six of those is overdue."""
    visited = set(Visit.objects.values_list("household_id", flat=True))
    added = 0
    for i, household in enumerate(Household.objects.order_by("code").iterator()):
        if i % 5 or household.pk in visited:
            continue
        overdue = (i // 5) % 6 == 0
        on = today - datetime.timedelta(days=100 if overdue else 10 + i % 40)
        services.visit_record(
            household=household,
            visited_on=on,
            findings="（示例）家中情况稳定，主要劳动力在县内务工。"
            if not overdue
            else "（示例）户主外出，与家人面谈。",
            difficulties="" if not overdue else "子女上学费用负担较重。",
            # Overdue ones planned a revisit that has since passed.
            next_visit_on=today - datetime.timedelta(days=7) if overdue else None,
            actor=_staff_for(household),
        )
        added += 1
    return added


def seed_application(today: datetime.date) -> int:
    """One household's own application for help (农户自主申请)."""
    if Application.objects.filter(description=APPLICANT_NOTE).exists():
        return 0
    candidates = list(Household.objects.filter(members__isnull=False).order_by("code").distinct()[:3])
    if not candidates:
        return 0
    household = candidates[-1]
    services.application_record(
        household=household,
        applied_on=today - datetime.timedelta(days=2),
        applicant=household.head_name,
        description=APPLICANT_NOTE,
        risk_types=[RiskType.ILLNESS],
        actor=_staff_for(household),
    )
    return 1


def seed_roster(today: datetime.date) -> int:
    """A 人社局 unemployment roster: members of three townships, an unknown person and a mangled number."""
    department = Department.objects.filter(code="rsj").first()
    if department is None or DepartmentRoster.objects.filter(title=ROSTER_TITLE).exists():
        return 0
    picked, townships = [], set()
    for member in Member.objects.filter(labour_capacity__in=["ordinary", "skilled"]).order_by("household__code"):
        if member.household.township_id not in townships:
            townships.add(member.household.township_id)
            picked.append(member)
        if len(picked) == 3:
            break
    rows = [
        {"row_number": n, "id_number": m.id_number, "name": m.name, "detail": "（示例）失业登记", "amount": None}
        for n, m in enumerate(picked, start=2)
    ]
    # A valid number that belongs to nobody in the portal: reported back as unmatched.
    body = "36112219850317001"
    unknown = body + idnumbers.check_digit(body)
    rows.append({"row_number": len(rows) + 2, "id_number": unknown, "name": "（示例）查无此人",
                 "detail": "（示例）失业登记", "amount": None})  # fmt: skip
    rows.append({"row_number": len(rows) + 2, "id_number": "", "raw_id": "3.61122E+17", "name": "（示例）号码损坏",
                 "detail": "（示例）失业登记", "amount": None,
                 "problem": "身份证号被 Excel 显示为科学计数法，后几位已丢失。"})  # fmt: skip
    uploader = User.objects.filter(department=department, is_active=True).order_by("pk").first()
    services.roster_upload(
        department=department,
        fact=DepartmentRoster.Fact.UNEMPLOYMENT,
        period=today - datetime.timedelta(days=5),
        title=ROSTER_TITLE,
        rows=rows,
        actor=uploader,
        file_name="人社局失业登记（示例）.xlsx",
    )
    return 1


CASES = [
    # (object type, rules whose alert leads to it, household type, risk types, discovery channel)
    (MonitoringCase.ObjectType.UNSTABLE, ["income_drop", "income_low"], Household.Type.LIFTED,
     [RiskType.UNSTABLE_EMPLOYMENT], MonitoringCase.Channel.SYSTEM_SCREENING),
    (MonitoringCase.ObjectType.MARGINAL, ["income_low", "zero_employment"], Household.Type.ALONGSIDE,
     [RiskType.LACK_OF_LABOUR], MonitoringCase.Channel.SYSTEM_SCREENING),
    (MonitoringCase.ObjectType.SUDDEN, ["medical_expense", "self_application", "roster_hit"], None,
     [RiskType.ILLNESS], MonitoringCase.Channel.SYSTEM_SCREENING),
]  # fmt: skip


def seed_cases(today: datetime.date) -> int:
    """Cases at several steps of the procedure in 洋口镇 (procedure_demo), then one just opened of each
    object type still missing, from an open alert of a household of the kind the type needs."""
    from .procedure import case_open
    from .procedure_demo import seed_procedure_cases

    added = seed_procedure_cases(today)
    for object_type, rules, household_type, risk_types, channel in CASES:
        if MonitoringCase.objects.filter(object_type=object_type).exists():
            continue
        alerts = (
            Alert.objects.open()
            .filter(rule__in=rules)
            .exclude(household__monitoring_cases__isnull=False)
            .order_by("rule", "household__code")
            .select_related("household")
        )
        alert = alerts.filter(household__household_type=household_type).first() if household_type else None
        alert = alert or alerts.exclude(household__household_type=Household.Type.LIFTED).first()
        if alert is None and object_type != MonitoringCase.ObjectType.UNSTABLE:
            # Any open alert of a household the type fits (脱贫不稳定户 only for households lifted out of poverty).
            alert = (
                Alert.objects.open()
                .exclude(household__monitoring_cases__isnull=False)
                .exclude(household__household_type=Household.Type.LIFTED)
                .order_by("household__code")
                .first()
            )
        staff = _staff_for(alert.household) if alert else None
        if alert is None or staff is None:
            continue
        if alert.rule == Alert.Rule.SELF_APPLICATION:
            channel = MonitoringCase.Channel.SELF_APPLICATION
        elif alert.rule == Alert.Rule.ROSTER_HIT:
            channel = MonitoringCase.Channel.DEPARTMENT_SCREENING
        case_open(
            alert=alert,
            object_type=object_type,
            risk_types=risk_types,
            discovery_channel=channel,
            identified_at=today - datetime.timedelta(days=2),
            notes="（示例）线索已登记，待入户核实。",
            actor=staff,
        )
        added += 1
    return added


def seed_demo_data(stdout) -> None:
    """Ledgers, visits, an application, a roster, a screening run and three cases for the demo district."""
    from .screening import screen

    today = timezone.localdate()
    with transaction.atomic():
        ledgers = seed_ledgers(today)
        visits = seed_visits(today)
        applications = seed_application(today)
        rosters = seed_roster(today)
    # Screening only when something new came in: a second seeding adds not even a screening run.
    raised = screen(full=True, as_of=today).alerts_raised if (ledgers or visits) else 0
    with transaction.atomic():
        cases = seed_cases(today)
    stdout.write(
        f"monitoring: {ledgers} ledger entries, {visits} visits, {applications} application, {rosters} roster, "
        f"{raised} alerts from screening, {cases} monitoring cases added\n"
    )
