"""The figures tables the dashboards read stay true after every kind of write.

The check throughout: the rows kept up to date write by write equal what a full rebuild computes
from the source tables, and the dashboard shows the same numbers as the lists.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from dashboards import summary
from dashboards.models import HouseholdFigures, LedgerMonthFigures
from exchange import services
from monitoring.models import LedgerEntry, Visit
from relocation.models import Household, Member
from tests.dashboards.helpers import card, chart
from tests.exchange.workbooks import HOUSEHOLD_HEADER, LEDGER_HEADER, MEMBER_HEADER, build, household_row, member_row
from tests.exchange.workbooks import upload as upload_file
from tests.factories import HouseholdFactory, MemberFactory, SettlementFactory
from tests.monitoring.helpers import give_ledger, months_before, thresholds

OVERVIEW = reverse("dashboards:overview")
TODAY = timezone.localdate()


def household_rows() -> dict:
    return {
        f.household_id: {k: v for k, v in f.__dict__.items() if not k.startswith("_") and k != "per_capita_income"}
        | {"per_capita_income": None if f.per_capita_income is None else round(f.per_capita_income, 6)}
        for f in HouseholdFigures.objects.all()
    }


def month_rows() -> list:
    """The monthly sums per place (rows of differences added up), leaving out months summing to nothing."""
    sums = (
        LedgerMonthFigures.objects.values("township_id", "settlement_id", "period")
        .annotate(income=Sum("income"), people=Sum("people"), entries=Sum("entries"))
        .order_by("township_id", "settlement_id", "period")
    )
    return [(r["township_id"], r["settlement_id"], r["period"], r["income"], r["people"], r["entries"])
            for r in sums if r["entries"] or r["income"] or r["people"]]  # fmt: skip


def assert_same_as_rebuild():
    """What the writes left equals what a full rebuild computes from the source tables."""
    kept = household_rows(), month_rows()
    summary.rebuild()
    rebuilt = household_rows(), month_rows()
    assert kept == rebuilt
    assert set(kept[0]) == set(Household.objects.values_list("pk", flat=True))


def recent_periods(n: int) -> list[datetime.date]:
    """The ``n`` months before this one: inside the dashboards' twelve-month window."""
    return months_before(TODAY, n)


@pytest.mark.django_db
def test_every_orm_write_keeps_the_figures_equal_to_a_rebuild(cast):
    thresholds(year=TODAY.year)
    a, b = cast.alice_household, cast.bob_household
    assert_same_as_rebuild()  # the cast's own rows

    idle = MemberFactory(household=a, employment=Member.Employment.NOT_EMPLOYED)
    MemberFactory(household=a, labour_capacity=Member.Labour.NONE, willing_to_work=False)
    give_ledger(a, monthly_income=900, months=6, size=3, as_of=TODAY)
    give_ledger(b, monthly_income=2500, months=12, size=2, as_of=TODAY)
    due = TODAY + datetime.timedelta(days=30)
    Visit.objects.create(household=a, visited_on=TODAY, findings="走访", next_visit_on=due)
    assert_same_as_rebuild()
    figures = HouseholdFigures.objects.get(household=a)
    assert (figures.people, figures.visit_due_on, figures.income_months) == (3, due, 6)
    assert figures.per_capita_income == pytest.approx(900 * 12 / 3)

    idle.employment = Member.Employment.WELFARE_POST  # a change of employment
    idle.save()
    idle.household = b  # a member who moves to another household
    idle.save()
    assert_same_as_rebuild()

    entry = LedgerEntry.objects.filter(household=a).order_by("period").first()
    entry.wage_income = Decimal("4000")
    entry.save()
    assert_same_as_rebuild()
    entry.period = recent_periods(12)[0]  # corrected to a month the household had no ledger for
    entry.save()
    LedgerEntry.objects.filter(household=b).order_by("period").first().delete()
    Visit.objects.filter(household=a).delete()
    assert_same_as_rebuild()

    # A household that moves to another township takes its ledgers' monthly sums along.
    a.township, a.settlement = cast.hengshan, cast.hengshan_site
    a.save()
    assert_same_as_rebuild()
    assert not LedgerMonthFigures.objects.filter(township=cast.yangkou).exists()

    idle.delete()
    b.delete()  # with its members, ledgers and visits
    assert_same_as_rebuild()
    assert not HouseholdFigures.objects.filter(household_id=b.pk).exists()


@pytest.mark.django_db
def test_a_queryset_update_keeps_the_figures_too(cast):
    """update() sends no signals: the querysets of what the figures summarise rewrite them themselves."""
    a, b = cast.alice_household, cast.bob_household
    give_ledger(a, monthly_income=900, months=3, size=2, as_of=TODAY)
    Member.objects.filter(household=a).update(employment=Member.Employment.NOT_EMPLOYED)
    assert HouseholdFigures.objects.get(household=a).employed == 0
    Member.objects.filter(household=a).update(household=b)  # members moved to another household
    assert HouseholdFigures.objects.get(household=a).people == 0
    LedgerEntry.objects.filter(household=a).update(wage_income=Decimal("1500"))
    soon, later = TODAY + datetime.timedelta(days=9), TODAY + datetime.timedelta(days=40)
    Visit.objects.create(household=a, visited_on=TODAY, findings="走访", next_visit_on=soon)
    Visit.objects.filter(household=a).update(next_visit_on=later)
    Household.objects.filter(pk=a.pk).update(township=cast.hengshan, settlement=cast.hengshan_site)
    assert HouseholdFigures.objects.get(household=a).visit_due_on == later
    assert not LedgerMonthFigures.objects.filter(township=cast.yangkou).exists()
    assert_same_as_rebuild()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def imported(user, path, kind):
    record = services.import_upload(user=user, uploaded_file=upload_file(path), kind=kind)
    record = services.import_preview(record=record)
    assert not record.rows_invalid, record.errors
    record = services.import_commit(record_id=record.pk, actor=user)
    assert record.status == record.Status.COMMITTED, record.errors
    return record


@pytest.mark.django_db(transaction=True)
def test_imports_write_the_figures_of_what_they_wrote(cast, tmp_path, media, client_of):
    """Imports write with COPY on PostgreSQL (no signals): they rewrite the figures themselves."""
    thresholds(year=TODAY.year)
    moved_site = SettlementFactory(name="洋口二号安置点", township=cast.yangkou)
    book = build(
        tmp_path / "households.xlsx",
        {
            "花名册": [HOUSEHOLD_HEADER, household_row("GF-S-1"), household_row("GF-S-2")],
            "成员": [MEMBER_HEADER, member_row("GF-S-1"), member_row("GF-S-1", name="李四", relation="配偶"),
                     member_row("GF-S-2")],
        },
    )  # fmt: skip
    imported(cast.alice, book, "households")
    first, second = recent_periods(2)
    ledgers = build(
        tmp_path / "ledgers.xlsx",
        {
            "台账": [
                LEDGER_HEADER,
                ["GF-S-1", f"{first:%Y-%m}", 2, 1200, 0, 100, 0, "融入良好"],
                ["GF-S-1", f"{second:%Y-%m}", 2, 1300, 0, 100, 0, "融入良好"],
                ["GF-S-2", f"{second:%Y-%m}", 1, 800, 0, 0, 0, "融入良好"],
            ]
        },
    )
    imported(cast.alice, ledgers, "ledgers")
    one = HouseholdFigures.objects.get(household__code="GF-S-1")
    assert (one.people, one.employed, one.income_months) == (2, 2, 2)
    assert_same_as_rebuild()

    # A corrected roster moves a household to another site: the figures and monthly sums follow.
    book = build(tmp_path / "moved.xlsx", {"花名册": [HOUSEHOLD_HEADER, household_row("GF-S-2", site=moved_site.name)]})
    imported(cast.alice, book, "households")
    assert HouseholdFigures.objects.get(household__code="GF-S-2").settlement_id == moved_site.pk
    assert LedgerMonthFigures.objects.filter(settlement=moved_site).exists()
    assert_same_as_rebuild()

    page = client_of(cast.frank).get(OVERVIEW).context
    assert card(page, "households")["value"] == Household.objects.count()
    assert card(page, "people")["value"] == Member.objects.count()


@pytest.mark.django_db
def test_when_the_month_turns_the_income_bands_are_counted_from_the_ledgers_until_the_rebuild(cast, client_of):
    line = thresholds(year=TODAY.year)
    poor, ok = cast.alice_household, cast.bob_household
    give_ledger(poor, monthly_income=200, months=12, size=2, as_of=TODAY)  # 1,200 a year each: below the line
    give_ledger(ok, monthly_income=5000, months=12, size=1, as_of=TODAY)  # above the warning line
    assert line.income_line > 1200

    def bands():
        page = client_of(cast.frank).get(OVERVIEW).context
        return [row[1] for row in chart(page, "income_bands")["rows"]]

    assert bands() == [1, 0, 1]
    # Rows written last month hold last month's window: the page must not count them as this month's.
    last_window = summary.income_since(TODAY.replace(day=1) - datetime.timedelta(days=1))
    HouseholdFigures.objects.filter(household=ok).update(income_since=last_window, per_capita_income=1.0)
    assert not summary.income_window_ready(summary.income_since())
    from dashboards import cache

    cache.bump()
    assert bands() == [1, 0, 1]  # from the ledgers, not from the stale row
    summary.rebuild()
    assert summary.income_window_ready(summary.income_since())
    assert bands() == [1, 0, 1]


@pytest.mark.django_db
def test_households_without_figures_get_them_after_migrate(cast):
    HouseholdFigures.objects.all().delete()
    call_command("migrate", verbosity=0)
    assert HouseholdFigures.objects.count() == Household.objects.count()


@pytest.mark.django_db(transaction=True)  # the migration-seeded schedule, restored after other tests' flushes
def test_the_rebuild_command_and_the_nightly_job_rewrite_everything(cast):
    from dashboards.tasks import rebuild_figures

    HouseholdFigures.objects.filter(household=cast.alice_household).update(people=99)
    call_command("rebuild_dashboard_figures", verbosity=0)
    assert HouseholdFigures.objects.get(household=cast.alice_household).people == 1
    HouseholdFigures.objects.filter(household=cast.alice_household).update(people=99)
    rebuild_figures()
    assert HouseholdFigures.objects.get(household=cast.alice_household).people == 1
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.filter(task="dashboards.rebuild_figures", enabled=True).exists()


def test_every_employment_has_its_two_columns():
    """A new employment value needs its columns in HouseholdFigures (and a migration)."""
    names = {f.name for f in HouseholdFigures._meta.get_fields()}
    for value in Member.Employment.values:
        assert {value, f"{value}_can_work"} <= names


@pytest.mark.django_db
def test_a_household_saved_one_by_one_is_counted_at_once(cast, client_of):
    before = card(client_of(cast.frank).get(OVERVIEW).context, "households")["value"]
    HouseholdFactory(township=cast.yangkou, settlement=cast.yangkou_site)
    assert card(client_of(cast.frank).get(OVERVIEW).context, "households")["value"] == before + 1
