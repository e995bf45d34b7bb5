"""The figures tables: what the dashboards count, kept per household and per place and month.

A dashboard page over a million households cannot group four million members and twelve million
ledger rows during a request. Instead:

- :class:`~dashboards.models.HouseholdFigures` holds one row per household (its place, type,
  status, member and employment counts, next visit due, twelve-month per-capita income), and
- :class:`~dashboards.models.LedgerMonthFigures` the monthly ledgers summed per place,

and the pages read those. They are written here, by set-based SQL that recomputes the rows from the
source tables (never by adding deltas, so a rewrite is always right whatever came before):

- :func:`refresh_households` for given households: called on every save and delete of a household,
  member, ledger entry or visit (``dashboards.signals``) and by the imports for the rows they wrote,
  inside the writing transaction, so that a page counted after the commit is true;
- :func:`refresh_places` for the monthly ledger sums of given places (imports, households moving),
  and :func:`add_to_months` for the difference a ledger entry saved in the portal made;
- :func:`rebuild` for everything: every night (the twelve-month income window moves on the first of
  the month), after bulk loads (demo data, benchmarks) and by ``manage.py rebuild_dashboard_figures``.

Concurrency (PostgreSQL): a household's row is rewritten while holding the household row's lock
(``SELECT … FOR UPDATE``), so two transactions changing the same household rewrite it one after the
other and the second sees the first's data. A place's monthly sums are written under an advisory
lock on the place; a full rebuild of them locks the table against writers for its few seconds.
"""

# ruff: noqa: S608 - the SQL is assembled from constants of this module; every value is a parameter.

import datetime
import logging
import time
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from portal.months import window_start
from relocation.models import Member

from .models import FiguresRebuild, HouseholdFigures

log = logging.getLogger(__name__)

CHUNK = 20_000  # households rewritten per statement (and per transaction in a rebuild)
EMPLOYMENTS = list(Member.Employment.values)


def income_since(today: datetime.date | None = None) -> datetime.date:
    """The first month of the twelve-month income window the dashboards show for ``today``."""
    return window_start(today or timezone.localdate())


def _created_date() -> str:
    """The local date a household was registered, from h.created_at (as ``TruncDate`` gives it)."""
    if connection.vendor == "postgresql":
        return f"(h.created_at AT TIME ZONE '{settings.TIME_ZONE}')::date"
    offset = timezone.localtime().utcoffset().total_seconds() / 3600
    return f"date(h.created_at, '{offset:+.0f} hours')"


def _thresholds():
    from monitoring.models import Thresholds

    return Thresholds.for_date()


def _income_params(thresholds) -> dict:
    from monitoring import income

    first, last = income.annual_years(timezone.localdate())
    return {"min_months": thresholds.min_ledger_months if thresholds else 6, "annual_from": first, "annual_to": last}


def _household_sql(where: str, *, per_household: bool = False, thresholds=None) -> str:
    """INSERT … SELECT … ON CONFLICT DO UPDATE of the figures of the households ``where`` selects.

    ``where`` is a condition on a household id column named ``{id}``. Two plans for one result:

    - grouped (a range of ids: the rebuild, and every write on SQLite): each source table is read
      once over the range and grouped by household;
    - ``per_household`` (PostgreSQL, a set of ids: a save, an import): each household's members,
      ledgers and latest visit are looked up through their indexes (LATERAL). With a list of ids the
      planner misjudges how many members match and reads the whole member table per statement.

    The tests compare the rows either plan writes with those of a rebuild.
    """
    can_work = f"(labour_capacity <> '{Member.Labour.NONE}' AND willing_to_work)"
    employed = "employment IN ({})".format(", ".join(f"'{v}'" for v in Member.EMPLOYED))
    member_columns = ["people", "can_work", "employed", "employed_can_work"]
    member_sums = [
        "COUNT(*) AS people",
        f"SUM(CASE WHEN {can_work} THEN 1 ELSE 0 END) AS can_work",
        f"SUM(CASE WHEN {employed} THEN 1 ELSE 0 END) AS employed",
        f"SUM(CASE WHEN {employed} AND {can_work} THEN 1 ELSE 0 END) AS employed_can_work",
    ]
    for value in EMPLOYMENTS:
        member_columns += [value, f"{value}_can_work"]
        member_sums += [
            f"SUM(CASE WHEN employment = '{value}' THEN 1 ELSE 0 END) AS {value}",
            f"SUM(CASE WHEN employment = '{value}' AND {can_work} THEN 1 ELSE 0 END) AS {value}_can_work",
        ]
    from monitoring import income

    # Net income (monitoring/income.py): the annual accounting of last year or this year where the
    # thresholds put it first, else the ledger's months annualised, and only with enough of them.
    net = income.sql(thresholds)
    use_annual = "true" if thresholds is None or thresholds.income_source == "annual" else "false"
    ledger_sums = f"SUM({net}) AS total, COUNT(*) AS months, MAX(household_size) AS size"
    columns = [
        "household_id", "township_id", "settlement_id", "household_type", "placement", "status",
        *member_columns, "visit_due_on", "income_since", "income_months", "income_size", "per_capita_income",
        "income_source",
    ]  # fmt: skip
    values = [
        "h.id", "h.township_id", "h.settlement_id", "h.household_type", "h.placement", "h.status",
        *[f"COALESCE(m.{c}, 0)" for c in member_columns],
        f"COALESCE(v.next_visit_on, {_created_date()})",
        "%(since)s", "COALESCE(l.months, 0)", "COALESCE(a.size, l.size)",
        "CASE WHEN a.size > 0 THEN a.total * 1.0 / a.size"
        " WHEN l.months >= %(min_months)s AND l.size > 0 THEN l.total * 12.0 / (l.size * l.months) END",
        "CASE WHEN a.size > 0 THEN 'annual' WHEN l.months >= %(min_months)s AND l.size > 0 THEN 'ledger' ELSE '' END",
    ]  # fmt: skip
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns[1:])
    if per_household:
        sources = f"""
    LEFT JOIN LATERAL (
      SELECT {", ".join(member_sums)} FROM relocation_member WHERE household_id = h.id
    ) m ON true
    LEFT JOIN LATERAL (
      SELECT {ledger_sums} FROM monitoring_ledgerentry WHERE household_id = h.id AND period >= %(since)s
    ) l ON true
    LEFT JOIN LATERAL (
      SELECT next_visit_on FROM monitoring_visit WHERE household_id = h.id ORDER BY visited_on DESC, id DESC LIMIT 1
    ) v ON true
    LEFT JOIN LATERAL (
      SELECT {income.sql(thresholds)} AS total, household_size AS size FROM monitoring_annualincome
      WHERE household_id = h.id AND year >= %(annual_from)s AND year <= %(annual_to)s AND {use_annual}
      ORDER BY year DESC LIMIT 1
    ) a ON true"""
    else:
        sources = f"""
    LEFT JOIN (
      SELECT household_id, {", ".join(member_sums)}
      FROM relocation_member WHERE {where.format(id="household_id")} GROUP BY household_id
    ) m ON m.household_id = h.id
    LEFT JOIN (
      SELECT household_id, {ledger_sums}
      FROM monitoring_ledgerentry WHERE period >= %(since)s AND {where.format(id="household_id")}
      GROUP BY household_id
    ) l ON l.household_id = h.id
    LEFT JOIN (
      SELECT household_id, next_visit_on,
        ROW_NUMBER() OVER (PARTITION BY household_id ORDER BY visited_on DESC, id DESC) AS nth
      FROM monitoring_visit WHERE {where.format(id="household_id")}
    ) v ON v.household_id = h.id AND v.nth = 1
    LEFT JOIN (
      SELECT y.household_id, {income.sql(thresholds, "y")} AS total, y.household_size AS size
      FROM monitoring_annualincome y JOIN (
        SELECT household_id, MAX(year) AS year FROM monitoring_annualincome
        WHERE year >= %(annual_from)s AND year <= %(annual_to)s AND {where.format(id="household_id")}
        GROUP BY household_id
      ) ly ON ly.household_id = y.household_id AND ly.year = y.year
      WHERE {use_annual}
    ) a ON a.household_id = h.id"""
    # WHERE … keeps SQLite from reading ON CONFLICT as a join condition.
    return f"""
    INSERT INTO dashboards_householdfigures ({", ".join(columns)})
    SELECT {", ".join(values)}
    FROM relocation_household h {sources}
    WHERE {where.format(id="h.id")}
    ON CONFLICT (household_id) DO UPDATE SET {updates}
    """


def _since_param(since: datetime.date):
    return connection.ops.adapt_datefield_value(since)


def _lock_households(cursor, where: str, params: dict) -> None:
    """Hold the households' row locks until the transaction ends (PostgreSQL; SQLite locks it all).

    Also turns PostgreSQL's JIT compiler off for the transaction: it took 0.4 s to compile each of
    these statements, longer than running one for five thousand households.
    """
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            f"SELECT id FROM relocation_household WHERE {where.format(id='id')} ORDER BY id FOR UPDATE", params
        )


def refresh_households(ids: Iterable[int], *, since: datetime.date | None = None, progress=None) -> None:
    """Rewrite the figures of these households from their members, ledgers and visits (now, in the
    caller's transaction). Ids of deleted households are skipped: their row went with them.
    ``progress(done, total)`` is told after each chunk."""
    ids = sorted({int(i) for i in ids if i is not None})
    if not ids:
        return
    since = since or income_since()
    thresholds = _thresholds()
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            # The statement's other values are named parameters, and neither driver mixes styles:
            # the ids (integers, just converted with int()) are written into it.
            where = "{id} IN (" + ", ".join(str(i) for i in chunk) + ")"
            params = {"since": _since_param(since)}
            _lock_households(cursor, where, params)
            params |= _income_params(thresholds)
            sql = _household_sql(where, per_household=connection.vendor == "postgresql", thresholds=thresholds)
            cursor.execute(sql, params)
            if progress:
                progress(min(start + CHUNK, len(ids)), len(ids))


def _refresh_range(lo: int, hi: int, since: datetime.date, thresholds) -> None:
    where = "{id} >= %(lo)s AND {id} < %(hi)s"
    params = {"lo": lo, "hi": hi, "since": _since_param(since)}
    with transaction.atomic(), connection.cursor() as cursor:
        _lock_households(cursor, where, params)
        cursor.execute(_household_sql(where, thresholds=thresholds), params | _income_params(thresholds))


# --- monthly ledger sums per place ------------------------------------------------------------------


def _month_sql(where: str) -> str:
    from monitoring import income

    return f"""
    INSERT INTO dashboards_ledgermonthfigures (township_id, settlement_id, period, income, people, entries)
    SELECT h.township_id, h.settlement_id, l.period, SUM({income.sql(_thresholds(), "l")}),
      SUM(l.household_size), COUNT(*)
    FROM monitoring_ledgerentry l JOIN relocation_household h ON h.id = l.household_id
    WHERE {where}
    GROUP BY h.township_id, h.settlement_id, l.period
    """


def _place_where(place: tuple[int, int | None], prefix: str = "") -> tuple[str, list]:
    township, settlement = place
    if settlement is None:
        return f"{prefix}township_id = %s AND {prefix}settlement_id IS NULL", [township]
    return f"{prefix}township_id = %s AND {prefix}settlement_id = %s", [township, settlement]


def refresh_places(places: Iterable[tuple[int, int | None]], periods: Iterable[datetime.date] | None = None) -> None:
    """Rewrite the monthly ledger sums of these places ((township id, settlement id or None) pairs),
    for the given months only (a saved ledger entry changes one month) or for every month."""
    places = sorted(set(places), key=lambda p: (p[0], p[1] or 0))
    if not places:
        return
    months, month_params = "", []
    if periods is not None:
        periods = sorted(set(periods))
        if not periods:
            return
        months = " AND {}period IN (" + ", ".join(["%s"] * len(periods)) + ")"
        month_params = [connection.ops.adapt_datefield_value(p) for p in periods]
    with transaction.atomic(), connection.cursor() as cursor:
        _lock_places(cursor, places)
        for place in places:
            where, params = _place_where(place)
            cursor.execute(
                f"DELETE FROM dashboards_ledgermonthfigures WHERE {where}{months.format('')}", params + month_params
            )
            cursor.execute(_month_sql(_place_where(place, "h.")[0] + months.format("l.")), params + month_params)


def _lock_places(cursor, places) -> None:
    """One writer per place at a time; then wait out a full rebuild holding the table (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return
    for township, settlement in sorted(set(places), key=lambda p: (p[0], p[1] or 0)):
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7101, settlement or -township])
    cursor.execute("LOCK TABLE dashboards_ledgermonthfigures IN ROW EXCLUSIVE MODE")


def add_to_months(changes: Iterable[tuple[int, datetime.date, object, int, int]]) -> None:
    """Add what saved or deleted ledger entries changed to their places' monthly sums.

    ``changes`` are (household id, month, income, household size, entries) differences, negative
    for what was taken away. Each becomes a row of its own: cheap whatever the size of the place
    (rewriting a site's month reads every household of the site), and never in conflict with
    another writer. The nightly rebuild folds them into one row per place and month.
    """
    from relocation.models import Household

    from .models import LedgerMonthFigures

    changes = [c for c in changes if c[2] or c[3] or c[4]]
    if not changes:
        return
    rows = Household.objects.filter(pk__in={c[0] for c in changes}).values_list("pk", "township_id", "settlement_id")
    place = {pk: (township, settlement) for pk, township, settlement in rows}
    with transaction.atomic(), connection.cursor() as cursor:
        _lock_places(cursor, [place[c[0]] for c in changes if c[0] in place])
        LedgerMonthFigures.objects.bulk_create(
            LedgerMonthFigures(
                township_id=place[hid][0], settlement_id=place[hid][1], period=period,
                income=income, people=people, entries=entries,
            )
            for hid, period, income, people, entries in changes
            if hid in place
        )  # fmt: skip


def places_of(household_ids: Iterable[int]) -> set[tuple[int, int | None]]:
    """The (township, settlement) places of these households as they are now."""
    from relocation.models import Household

    ids = list(household_ids)
    found = set()
    for start in range(0, len(ids), CHUNK):
        found |= set(
            Household.objects.filter(pk__in=ids[start : start + CHUNK])
            .order_by()
            .values_list("township_id", "settlement_id")
            .distinct()
        )
    return found


# --- everything -------------------------------------------------------------------------------------


def rebuild(*, today: datetime.date | None = None) -> FiguresRebuild:
    """Rewrite every household's figures and every place's monthly sums.

    Households are rewritten CHUNK at a time, each chunk in its own short transaction, so that staff
    saving visits meanwhile wait a moment at most; a rebuild that dies part-way is simply run again.
    """
    from relocation.models import Household

    since = income_since(today)
    record = FiguresRebuild.objects.create(income_since=since)
    started = time.perf_counter()
    bounds = Household.objects.order_by().values_list("pk", flat=True)
    last = bounds.order_by("-pk").first()
    done = 0
    if last is not None:
        lo = bounds.order_by("pk").first()
        thresholds = _thresholds()
        while lo <= last:
            _refresh_range(lo, lo + CHUNK, since, thresholds)
            lo += CHUNK
        done = HouseholdFigures.objects.count()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Readers go on reading the old sums; writers of a place wait until these are in.
            cursor.execute("LOCK TABLE dashboards_ledgermonthfigures IN EXCLUSIVE MODE")
        cursor.execute("DELETE FROM dashboards_ledgermonthfigures")
        cursor.execute(_month_sql("true"))
    record.finished_at = timezone.now()
    record.seconds = time.perf_counter() - started
    record.households = done
    record.save(update_fields=["finished_at", "seconds", "households"])
    log.info("dashboard figures rebuilt: %s households in %.1f s", done, record.seconds)
    from .cache import bump

    transaction.on_commit(bump)
    return record


def income_window_ready(since: datetime.date) -> bool:
    """Whether every household row holds the income of the window starting ``since``.

    On the first of a month the window moves: rows written before are a month behind until the
    night's rebuild rewrites them, and meanwhile the income figures are counted from the ledgers.
    """
    from django.db.models import Q

    behind = Q(income_since__lt=since) | Q(income_since__gt=since) | Q(income_since__isnull=True)
    return not HouseholdFigures.objects.filter(behind).exists()


def fill_after_migrate(sender, using="default", **kwargs) -> None:
    """After ``migrate``: write the figures if households have none yet (the first deployment of the
    figures tables, or a database restored without them). A no-op when every household has its row."""
    from django.db import DEFAULT_DB_ALIAS

    from relocation.models import Household

    if using != DEFAULT_DB_ALIAS or HouseholdFigures._meta.db_table not in connection.introspection.table_names():
        return
    if Household.objects.count() != HouseholdFigures.objects.count():
        log.warning("dashboard figures missing for some households: rebuilding them")
        rebuild()


# --- QuerySet.update() of what the figures summarise -----------------------------------------------


def _chunked_rows(model, pks: list, *fields) -> list:
    rows = []
    for start in range(0, len(pks), 5000):
        rows += list(model._base_manager.filter(pk__in=pks[start : start + 5000]).values_list("pk", *fields))
    return rows


def keeping_figures(queryset, run) -> int:
    """Run ``run()``, a ``QuerySet.update()`` of households, members, ledger entries or visits, and
    rewrite the figures of what it changed, in the same transaction.

    ``update()`` sends no signals; the querysets of those models call this (``FiguresQuerySetMixin``)
    so that an update in code, a data fix in the shell or a test cannot leave the figures behind.
    """
    model = queryset.model
    label = model._meta.label
    fields = {
        "relocation.Household": ("township_id", "settlement_id"),
        "monitoring.LedgerEntry": ("household_id", "period"),
    }.get(label, ("household_id",))
    with transaction.atomic(using=queryset.db):
        before = list(queryset.values_list("pk", *fields))
        count = run()
        if not before:
            return count
        after = _chunked_rows(model, [r[0] for r in before], *fields)
        if label == "relocation.Household":
            refresh_households(r[0] for r in after)
            moved = set(before) - set(after)  # rows whose place changed
            if moved:
                refresh_places({(t, s) for _pk, t, s in moved} | {(t, s) for _pk, t, s in set(after) - set(before)})
            return count
        households = {r[1] for r in before} | {r[1] for r in after}
        refresh_households(households)
        if label == "monitoring.LedgerEntry":
            refresh_places(places_of(households), {r[2] for r in before} | {r[2] for r in after})
    return count
