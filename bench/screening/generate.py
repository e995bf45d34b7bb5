"""Synthetic households × 12 months of ledgers, loaded with PostgreSQL COPY.

The first version built one dict per row and loaded into fully indexed tables: 100,000 households
took 342 s. This one
- renders each row from a per-table ``%`` template in which only the varying columns are holes
  (the constant columns are rendered once, from the models' defaults, so a column added to a model
  later still gets its default without editing this file);
- streams the CSV to ``COPY … FROM STDIN`` from a producer thread through a bounded queue, so that
  Python renders the next chunk while PostgreSQL parses the last one, in bounded memory;
- drops the secondary indexes, unique and foreign-key constraints of the four tables for the load
  and builds them again afterwards, all in one transaction (an interrupted load leaves the tables
  as they were); rebuilding once is far cheaper than maintaining six indexes row by row.

Member ID numbers are valid (GB 11643 check digit from ``relocation.idnumbers.check_digit``, birth
date and sex consistent with the number) and unique: member id k maps one-to-one onto
(region, birth day, sequence). About 28 % of households trip at least one rule.
"""

import datetime
import io
import queue
import random
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import NOT_PROVIDED
from django.utils import timezone

from monitoring.models import AnnualIncome, LedgerEntry, Visit, month_index
from relocation.idnumbers import check_digit
from relocation.models import Household, Member
from settlements.models import Township

BATCH = 50_000  # rows per COPY of the generic loader below
CHUNK = 5_000  # households rendered per chunk of the fast loader

# Division codes residents of 广丰 carry (see relocation.idnumbers.region_exists); the birth day and
# sequence below give 21,900 × 100 distinct numbers per code, so 6.5 million members at most.
REGIONS = ("361122", "361103", "362322")
BIRTH_FIRST = datetime.date(1950, 1, 1)
BIRTH_DAYS = 21_900  # 60 years of birth days
DAY_STRIDE = 7_919  # a prime not dividing BIRTH_DAYS: spreads consecutive members over the years


def id_number_for(k: int) -> tuple[str, datetime.date, str]:
    """A valid, unique ID number for member number ``k``, with its birth date and sex."""
    day = (k * DAY_STRIDE) % BIRTH_DAYS
    block = k // BIRTH_DAYS  # with k % BIRTH_DAYS (given by the day) this identifies k
    region = REGIONS[block // 100 % len(REGIONS)]
    born = BIRTH_FIRST + datetime.timedelta(days=day)
    # The last sequence digit is k % 10 (determined by the day, so still one-to-one): both sexes.
    body = f"{region}{born:%Y%m%d}{block % 100:02d}{k % 10}"
    return body + check_digit(body), born, "M" if k % 2 else "F"


# --- the generic loader (also used by bench/dashboards) ----------------------------------------------


def _copy(model, rows_fn, count: int, values: dict) -> None:
    """COPY ``count`` rows into the model's table; ``rows_fn(i)`` gives the values that vary by row."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.attname in values]
    columns = [f.column for f in fields]
    base = {f.attname: _fixed(f, values) for f in fields}
    with connection.cursor() as cursor:
        for start in range(0, count, BATCH):
            buffer = io.StringIO()
            for i in range(start, min(count, start + BATCH)):
                for row in rows_fn(i):
                    record = {**base, **row}
                    buffer.write("\t".join(_text(record[f.attname]) for f in fields))
                    buffer.write("\n")
            buffer.seek(0)
            cursor.copy_expert(f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN", buffer)


def _fixed(field, values: dict):
    if field.attname in values:
        return values[field.attname]
    if field.default is not NOT_PROVIDED:
        return field.default() if callable(field.default) else field.default
    return None if field.null else ""


def _text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list | dict):
        return "[]" if value == [] else "{}" if value == {} else str(value)
    return str(value)


# --- the fast loader ----------------------------------------------------------------------------------


def _plan(model, varying: list[str], values: dict) -> tuple[list[str], str, dict[str, str]]:
    """The columns COPY fills, a ``%`` template of one line, and the constant text of every other column."""
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    missing = [name for name in varying if name not in by_name]
    if missing:
        raise ValueError(f"{model.__name__} has no column {missing}")
    constants = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.attname in varying:
            continue
        value = _fixed(f, values)
        if value is not None:  # a NULL is what an omitted column gets anyway
            constants[f.column] = _text(value)
    return [by_name[name].column for name in varying], "\t".join(["%s"] * len(varying)) + "\n", constants


class _ChunkReader:
    """A file-like object for copy_expert: hands over chunks a producer thread renders meanwhile."""

    def __init__(self, chunks: Iterable[str]):
        self._queue: queue.Queue = queue.Queue(maxsize=4)  # bounded: memory stays a few chunks
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._produce, args=(chunks,), daemon=True)
        self._thread.start()

    def _produce(self, chunks):
        try:
            for chunk in chunks:
                self._queue.put(chunk.encode())
        except BaseException as exc:  # handed to the reading thread, which raises it
            self._error = exc
        finally:
            self._queue.put(b"")

    def read(self, size: int = -1) -> bytes:
        # copy_expert sends whatever a read returns; an empty read ends the COPY.
        chunk = self._queue.get()
        if not chunk and self._error:
            raise self._error
        return chunk


def copy_chunks(model, varying: list[str], values: dict, chunks: Callable[[str], Iterator[str]]) -> None:
    """COPY into the model's table the lines ``chunks(template)`` renders (each chunk many lines).

    Only the varying columns travel: the constant ones become column defaults for the duration of
    the COPY (inside the caller's transaction), which halves PostgreSQL's parsing work.
    """
    columns, template, constants = _plan(model, varying, values)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, column_default FROM information_schema.columns "
            "WHERE table_name = %s AND column_name = ANY(%s)",
            [table, list(constants)],
        )
        previous = dict(cursor.fetchall())
        for column, text in constants.items():
            cursor.execute(f'ALTER TABLE {table} ALTER COLUMN "{column}" SET DEFAULT %s', [text])
        cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", _ChunkReader(chunks(template)), 1 << 20)
        for column in constants:
            if previous.get(column) is None:
                cursor.execute(f'ALTER TABLE {table} ALTER COLUMN "{column}" DROP DEFAULT')
            else:
                cursor.execute(f'ALTER TABLE {table} ALTER COLUMN "{column}" SET DEFAULT {previous[column]}')


@contextmanager
def secondary_indexes_dropped(tables: list[str]):
    """Drop the tables' foreign keys, unique constraints and non-primary indexes; build them again on exit."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u') ORDER BY contype",
            [tables],
        )
        constraints = cursor.fetchall()  # 'f' sorts before 'u': foreign keys dropped first
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary "
            "AND indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE contype IN ('p', 'u', 'x'))",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition, _kind in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        # Sorting and building in memory: the default 64 MB spills every index build to disk.
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition, _kind in reversed(constraints):  # unique first, then foreign keys
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _months(as_of: datetime.date) -> list[datetime.date]:
    """The 12 months before ``as_of``'s month, latest first."""
    periods, y, m = [], as_of.year, as_of.month
    for _ in range(12):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        periods.append(datetime.date(y, m, 1))
    return periods


def generate(n: int, *, as_of: datetime.date, seed: int = 1, progress: Callable[[str], None] | None = None) -> dict:
    """Load ``n`` households with 1–4 members, a visit and 12 monthly ledger entries each (with production
    costs in 40 % of them), and last year's annual income accounting for 30 %; return timings."""
    import time

    rng = random.Random(seed)
    township, _ = Township.objects.get_or_create(code="361103999000", defaults={"name": "基准测试镇", "kind": "town"})
    now = timezone.now().isoformat()
    common = {"created_at": now, "updated_at": now}
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM relocation_household")
        first_id = cursor.fetchone()[0] + 1
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM relocation_member")
        first_member = cursor.fetchone()[0] + 1

    # Everything random is drawn once per household, up front, in the old generator's proportions.
    sizes = [rng.randint(1, 4) for _ in range(n)]
    idle = [rng.random() < 0.03 for _ in range(n)]  # 3 % zero-employment: able, willing, nobody employed
    # Monthly income per person around 1,300 yuan: a quarter of households under the warning line.
    level = [max(0, round(rng.gauss(1300, 350) * s)) for s in sizes]
    drop = [rng.random() < 0.03 for _ in range(n)]  # the latest month at 40 %
    medical = [rng.random() < 0.02 for _ in range(n)]  # 800 yuan a month: over the 5,000 threshold
    overdue = [rng.random() < 0.05 for _ in range(n)]  # next visit due three days ago
    # Production and business costs (生产经营性支出) in 40 % of households, an eighth of their income:
    # net income is what the rules count, so some households fall under the line only net.
    cost = [level[i] // 8 if rng.random() < 0.4 else 0 for i in range(n)]
    # An annual income accounting of last year for 30 % of households (it counts before the ledger),
    # between 80 % and 120 % of what their ledger says.
    accounted = [round(level[i] * 12 * rng.uniform(0.8, 1.2)) if rng.random() < 0.3 else None for i in range(n)]
    member_starts, k = [], first_member
    for s in sizes:
        member_starts.append(k)
        k += s

    def households(template):
        for start in range(0, n, CHUNK):
            lines = []
            for i in range(start, min(n, start + CHUNK)):
                hid = first_id + i
                lines.append(template % (hid, f"BENCH-{hid:08d}", f"户主{hid}"))
            yield "".join(lines)

    def members(template):
        for start in range(0, n, CHUNK):
            lines = []
            for i in range(start, min(n, start + CHUNK)):
                hid = first_id + i
                for j in range(sizes[i]):
                    mid = member_starts[i] + j
                    number, born, sex = id_number_for(mid)
                    employment = "not_employed" if idle[i] or j else "local"
                    lines.append(
                        template % (mid, hid, f"成员{hid}-{j}", number, born, sex, "other" if j else "head", employment)
                    )
            yield "".join(lines)

    periods = _months(as_of)
    heads = [(str(p), month_index(p)) for p in periods]

    def ledgers(template):
        for start in range(0, n, CHUNK):
            lines = []
            for i in range(start, min(n, start + CHUNK)):
                hid, size = first_id + i, sizes[i]
                medical_text = "800" if medical[i] else "0"
                usual, costs = level[i], cost[i]
                for j, (period, index) in enumerate(heads):
                    income = usual * 2 // 5 if drop[i] and j == 0 else usual
                    lines.append(template % (hid, period, index, size, income, min(costs, income), medical_text))
            yield "".join(lines)

    accounting_year = as_of.year - 1

    def annual(template):
        for start in range(0, n, CHUNK):
            yield "".join(
                template % (first_id + i, accounting_year, sizes[i], accounted[i], cost[i] * 12)
                for i in range(start, min(n, start + CHUNK))
                if accounted[i] is not None
            )

    visited = as_of - datetime.timedelta(days=30)
    late, later = as_of - datetime.timedelta(days=3), as_of + datetime.timedelta(days=60)

    def visits(template):
        for start in range(0, n, CHUNK):
            yield "".join(
                template % (first_id + i, late if overdue[i] else later) for i in range(start, min(n, start + CHUNK))
            )

    timings = {}
    say = progress or (lambda _text: None)
    tables = [m._meta.db_table for m in (Household, Member, LedgerEntry, Visit, AnnualIncome)]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
        started = time.perf_counter()
        with secondary_indexes_dropped(tables):
            timings["drop"] = time.perf_counter() - started
            step = time.perf_counter()
            copy_chunks(Household, ["id", "code", "head_name"], {
                **common, "township_id": township.pk, "household_type": "lifted", "placement": "apartment",
                "relocation_year": 2018, "status": "normal"}, households)  # fmt: skip
            timings["households"] = time.perf_counter() - step
            say(f"    households copied in {timings['households']:.1f} s")
            step = time.perf_counter()
            copy_chunks(Member, ["id", "household_id", "name", "id_number", "birth_date", "sex", "relation",
                                 "employment"],
                        {**common, "labour_capacity": "ordinary", "willing_to_work": True}, members)  # fmt: skip
            timings["members"] = time.perf_counter() - step
            say(f"    {k - first_member:,} members copied in {timings['members']:.1f} s")
            step = time.perf_counter()
            # The template's column order is the model's: the period and month index come in one hole.
            copy_chunks(LedgerEntry, ["household_id", "period", "month_index", "household_size", "wage_income",
                                      "production_cost", "medical_expense"],
                        {**common, "source": "import", "member_employment": []}, ledgers)  # fmt: skip
            timings["ledgers"] = time.perf_counter() - step
            say(f"    {12 * n:,} ledger rows copied in {timings['ledgers']:.1f} s")
            step = time.perf_counter()
            copy_chunks(Visit, ["household_id", "next_visit_on"],
                        {**common, "visited_on": visited, "findings": "基准"}, visits)  # fmt: skip
            timings["visits"] = time.perf_counter() - step
            step = time.perf_counter()
            copy_chunks(AnnualIncome, ["household_id", "year", "household_size", "wage_income", "production_cost"],
                        {**common, "source": "import", "notes": ""}, annual)  # fmt: skip
            timings["annual"] = time.perf_counter() - step
            say(f"    {sum(a is not None for a in accounted):,} annual income accountings copied "
                f"in {timings['annual']:.1f} s")  # fmt: skip
            step = time.perf_counter()
        timings["indexes"] = time.perf_counter() - step
        say(f"    indexes and constraints rebuilt in {timings['indexes']:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('relocation_household', 'id'), %s)", [first_id + n])
            cursor.execute("SELECT setval(pg_get_serial_sequence('relocation_member', 'id'), %s)", [k])
    step = time.perf_counter()
    with connection.cursor() as cursor:
        for table in tables:
            # VACUUM as well: the first reader of freshly copied rows would otherwise write every
            # page again (hint bits), and that reader is whichever statement the benchmark runs first.
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    timings["vacuum"] = time.perf_counter() - step
    say(f"    vacuumed and analysed in {timings['vacuum']:.1f} s")
    return timings


def reset() -> None:
    """Empty the tables the benchmark fills (bench database only)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE monitoring_alert, monitoring_screeningrun, monitoring_ledgerentry, monitoring_visit, "
            "monitoring_annualincome, relocation_member, relocation_household RESTART IDENTITY CASCADE"
        )
