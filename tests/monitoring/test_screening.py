"""Each screening rule on households built to trip it and to pass it; idempotency; incremental runs."""

import datetime
from decimal import Decimal

import pytest

from monitoring import screening
from monitoring.models import Alert, LedgerEntry, ScreeningRun, Visit
from monitoring.screening import screen
from relocation.models import Member
from tests.factories import MemberFactory

from .helpers import AS_OF, give_ledger, household, months_before, thresholds

pytestmark = pytest.mark.django_db

# 8,800 × 1.5 = 13,200 yuan per person a year: 2 people need 2,200 yuan a month to pass.
RICH, POOR = 3000, 1500


def rules_of(h):
    return set(Alert.objects.filter(household=h).values_list("rule", flat=True))


def snapshot():
    return sorted(Alert.objects.values_list("household_id", "rule", "period", "evidence"), key=str)


@pytest.fixture
def yearly(cast):
    return thresholds()


def test_low_income_trips_and_enough_income_passes(cast, yearly):
    poor, rich = household(cast.yangkou), household(cast.yangkou)
    give_ledger(poor, monthly_income=POOR)
    give_ledger(rich, monthly_income=RICH)
    screen(as_of=AS_OF)
    alert = Alert.objects.get(household=poor, rule="income_low")
    assert alert.period == months_before(AS_OF, 1)[0]
    assert Decimal(str(alert.evidence["per_capita_income"])) == Decimal("9000")
    assert Decimal(str(alert.evidence["warning_line"])) == Decimal("13200")
    assert "income_low" not in rules_of(rich)


def test_income_drop_trips_and_a_steady_income_passes(cast, yearly):
    dropped, steady = household(cast.yangkou), household(cast.yangkou)
    give_ledger(dropped, monthly_income=6000, last_income=3000)  # halved: still above the warning line
    give_ledger(steady, monthly_income=6000, last_income=5000)  # down 17 %, under the 30 % set
    screen(as_of=AS_OF)
    assert rules_of(dropped) == {"income_drop"}
    assert Alert.objects.get(household=dropped).evidence["months_compared"] == 3
    assert rules_of(steady) == set()


def test_zero_employment_trips_and_one_employed_member_passes(cast, yearly):
    idle = household(cast.yangkou)
    Member.objects.filter(household=idle).update(employment=Member.Employment.NOT_EMPLOYED)
    MemberFactory(household=idle, relation="spouse", employment="not_employed", labour_capacity="none")
    working = household(cast.yangkou)
    MemberFactory(household=working, relation="spouse", employment="not_employed")
    # Nobody employed, but nobody able and willing either: not a zero-employment household.
    unable = household(cast.yangkou)
    Member.objects.filter(household=unable).update(employment="not_employed", willing_to_work=False)
    for h in (idle, working, unable):
        give_ledger(h, monthly_income=RICH)
    screen(as_of=AS_OF)
    alert = Alert.objects.get(household=idle)
    assert (alert.rule, alert.period) == ("zero_employment", datetime.date(2026, 11, 1))
    assert alert.evidence["able_and_willing"] == 1
    assert rules_of(working) == rules_of(unable) == set()


@pytest.mark.parametrize(
    ("field", "rule", "limit"),
    [("medical_expense", "medical_expense", 5000), ("schooling_expense", "schooling_expense", 10000)],
)
def test_rigid_expense_trips_at_the_threshold_and_passes_below(cast, yearly, field, rule, limit):
    heavy, light = household(cast.yangkou), household(cast.yangkou)
    give_ledger(heavy, monthly_income=RICH)
    give_ledger(light, monthly_income=RICH)
    latest = months_before(AS_OF, 1)[0]
    LedgerEntry.objects.filter(household=heavy, period=latest).update(**{field: limit})
    LedgerEntry.objects.filter(household=light, period=latest).update(**{field: limit - 1})
    screen(as_of=AS_OF)
    assert rules_of(heavy) == {rule}
    assert Decimal(str(Alert.objects.get(household=heavy).evidence[field])) == limit
    assert rules_of(light) == set()


def test_an_overdue_visit_raises_no_alert(cast, yearly):
    late, on_time = household(cast.yangkou), household(cast.yangkou)
    Visit.objects.create(
        household=late, visited_on=datetime.date(2026, 8, 1), findings="ok", next_visit_on=datetime.date(2026, 11, 1)
    )
    Visit.objects.create(
        household=on_time,
        visited_on=datetime.date(2026, 10, 1),
        findings="ok",
        next_visit_on=datetime.date(2026, 12, 1),
    )
    for h in (late, on_time):
        give_ledger(h, monthly_income=RICH)
    screen(as_of=AS_OF)
    # Overdue visits are the work list of visits due (回访逾期), not alerts to verify.
    assert rules_of(late) == rules_of(on_time) == set()


def test_thresholds_changed_by_the_administrator_change_the_result(cast, yearly):
    h = household(cast.yangkou)
    give_ledger(h, monthly_income=2000)  # 12,000 a person: under 13,200
    screen(as_of=AS_OF)
    assert rules_of(h) == {"income_low"}
    Alert.objects.all().delete()
    yearly.warning_multiplier = Decimal("1.2")  # line 10,560: now it passes
    yearly.save()
    run = screen(as_of=AS_OF)
    assert run.mode == "full"  # the thresholds changed, so every household is screened again
    assert rules_of(h) == set()


def test_two_runs_give_the_same_alerts(cast, yearly):
    for income in (POOR, RICH, 2100):
        give_ledger(household(cast.yangkou), monthly_income=income)
    first = screen(as_of=AS_OF, full=True)
    before = snapshot()
    second = screen(as_of=AS_OF, full=True)
    assert first.alerts_raised == 2
    assert second.alerts_raised == 0
    assert snapshot() == before


def test_a_crash_mid_run_then_a_rerun_gives_the_same_alerts(cast, yearly, monkeypatch):
    idle = household(cast.yangkou)
    Member.objects.filter(household=idle).update(employment="not_employed")
    for h, income in ((idle, RICH), (household(cast.yangkou), POOR), (household(cast.hengshan), POOR)):
        give_ledger(h, monthly_income=income)
    screen(as_of=AS_OF, full=True)
    expected = snapshot()
    Alert.objects.all().delete()
    ScreeningRun.objects.all().delete()

    real = screening.zero_employment_sql

    def worker_dies(*args, **kwargs):
        raise SystemExit("worker killed")  # after the ledger rules were written

    monkeypatch.setattr(screening, "zero_employment_sql", worker_dies)
    with pytest.raises(SystemExit):
        screen(as_of=AS_OF)
    assert Alert.objects.count() == 2  # half the work is there
    monkeypatch.setattr(screening, "zero_employment_sql", real)
    screen(as_of=AS_OF)
    assert snapshot() == expected


def test_incremental_run_screens_only_what_changed(cast, yearly):
    a, b = household(cast.yangkou), household(cast.yangkou)
    give_ledger(a, monthly_income=RICH)
    give_ledger(b, monthly_income=RICH)
    screen(as_of=AS_OF)
    # b's latest month is corrected downwards: only b is screened again, and only b is alerted.
    latest = months_before(AS_OF, 1)[0]
    entry = LedgerEntry.objects.get(household=b, period=latest)
    entry.wage_income = 500
    entry.save()
    run = screen(as_of=AS_OF)
    assert run.mode == "incremental"
    assert run.alerts_raised == 1
    assert rules_of(b) == {"income_drop"}
    assert rules_of(a) == set()


def test_net_income_counts_costs_and_the_annual_accounting_comes_first(cast, yearly):
    from monitoring import income
    from monitoring.models import AnnualIncome

    # 2 people, 2,400 yuan a month: 14,400 a person gross, above the 13,200 warning line; less
    # 300 yuan of production costs a month, 12,600 net: below it.
    costly = household(cast.yangkou)
    give_ledger(costly, monthly_income=2400, production_cost=Decimal("300"))
    # The same ledger, but last year's accounting says 30,000 net for 2 people: 15,000, above the line.
    accounted = household(cast.yangkou)
    give_ledger(accounted, monthly_income=2400, production_cost=Decimal("300"))
    AnnualIncome.objects.create(
        household=accounted, year=2025, household_size=2, wage_income=Decimal("32000"), production_cost=Decimal("2000")
    )
    # Only five months of ledger (fewer than the 6 required) and no accounting: income not known.
    unknown = household(cast.yangkou)
    give_ledger(unknown, monthly_income=POOR, months=5)
    screen(as_of=AS_OF)
    alert = Alert.objects.get(household=costly, rule="income_low")
    assert Decimal(str(alert.evidence["per_capita_income"])) == Decimal("12600")
    assert alert.evidence["source"] == "ledger"
    assert rules_of(accounted) == set()
    assert rules_of(unknown) == set()
    entry = LedgerEntry.objects.filter(household=costly).first()
    assert income.net(entry, yearly) == Decimal("2100")
    # The administrator's year says medical costs are deducted too: the figure follows.
    yearly.deduct_medical_expense = True
    entry.medical_expense = Decimal("100")
    assert income.net(entry, yearly) == Decimal("2000")


def test_the_thresholds_can_put_the_ledger_before_the_accounting(cast, yearly):
    from monitoring.models import AnnualIncome

    h = household(cast.yangkou)
    give_ledger(h, monthly_income=3000)  # 18,000 a person from the ledger: passes
    AnnualIncome.objects.create(household=h, year=2026, household_size=2, wage_income=Decimal("20000"))
    screen(as_of=AS_OF)
    alert = Alert.objects.get(household=h, rule="income_low")  # 10,000 a person by this year's accounting
    assert (alert.evidence["source"], alert.evidence["accounting_year"]) == ("annual", 2026)
    assert alert.period == datetime.date(2026, 12, 1)
    Alert.objects.all().delete()
    yearly.income_source = "ledger"
    yearly.save()
    screen(as_of=AS_OF)
    assert rules_of(h) == set()


NEXT = datetime.date(2026, 12, 1)  # a month after AS_OF: the ledger has one more month


def test_a_monitored_household_gets_no_second_income_alert_but_a_new_risk_type_raises_one(cast, yearly):
    from monitoring.services import alert_identify

    h = household(cast.yangkou)
    give_ledger(h, monthly_income=POOR)
    screen(as_of=AS_OF)
    first = Alert.objects.get(household=h, rule="income_low")
    case = alert_identify(
        alert=first, object_type="unstable", risk_types=["other"], discovery_channel="system_screening",
        identified_at=AS_OF, actor=cast.alice,
    )  # fmt: skip
    # A second month below the line (and a sharp drop, the same kind of risk): the case covers it.
    give_ledger(h, monthly_income=POOR, as_of=NEXT, last_income=500)
    screen(as_of=NEXT, full=True)
    assert Alert.objects.filter(household=h, rule__in=["income_low", "income_drop"]).count() == 1
    # Nobody employed any more: a new kind of risk still reaches the queue.
    Member.objects.filter(household=h).update(employment=Member.Employment.NOT_EMPLOYED)
    screen(as_of=NEXT, full=True)
    new = Alert.objects.get(household=h, rule="zero_employment")
    assert new.status == "open"
    case.refresh_from_db()
    assert case.is_open


def test_a_dismissed_alert_keeps_the_rule_quiet_unless_the_income_got_worse_by_the_margin(cast, yearly):
    from monitoring.services import alert_dismiss

    h = household(cast.yangkou)
    give_ledger(h, monthly_income=2000)  # 12,000 a person
    screen(as_of=AS_OF)
    alert_dismiss(
        alert=Alert.objects.get(household=h, rule="income_low"), reason="核实：有未登记的务工收入", actor=cast.alice
    )
    # Next month a little lower (11,500: less than 10 % worse): quiet.
    give_ledger(h, monthly_income=2000, as_of=NEXT, last_income=1000)
    LedgerEntry.objects.filter(household=h).exclude(period=datetime.date(2026, 11, 1)).update(
        wage_income=Decimal("1950")
    )
    screen(as_of=NEXT, full=True)
    assert not Alert.objects.filter(household=h, rule="income_low", status="open").exists()
    # Much lower (under 10,800): the quiet period is broken.
    LedgerEntry.objects.filter(household=h).update(wage_income=Decimal("1500"))
    screen(as_of=NEXT, full=True)
    assert Alert.objects.filter(household=h, rule="income_low", status="open").count() == 1
