"""Synthetic households × 12 months of ledgers, loaded with PostgreSQL COPY.

Columns are taken from the Django models, so a column added to Household or Member later gets its
default (or NULL) without editing this file. About 28 % of households trip at least one rule.
"""

import datetime
import io
import random

from django.db import connection
from django.db.models import NOT_PROVIDED
from django.utils import timezone

from monitoring.models import LedgerEntry, Visit, month_index
from relocation.models import Household, Member
from settlements.models import Township

BATCH = 50_000


def _copy(model, rows_fn, count: int, values: dict) -> None:
    """COPY ``count`` rows into the model's table; ``rows_fn(i)`` gives the values that vary by row."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.attname in values]
    columns = [f.column for f in fields]

    def fixed(f):
        if f.attname in values:
            return values[f.attname]
        if f.default is not NOT_PROVIDED:
            return f.default() if callable(f.default) else f.default
        return None if f.null else ""

    base = {f.attname: fixed(f) for f in fields}
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


def _text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


def generate(n: int, *, as_of: datetime.date, seed: int = 1) -> None:
    """Load ``n`` households with 1–4 members, a visit and 12 monthly ledger entries each."""
    rng = random.Random(seed)
    township, _ = Township.objects.get_or_create(code="361103999000", defaults={"name": "基准测试镇", "kind": "town"})
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM relocation_household")
        first_id = cursor.fetchone()[0] + 1
    ids = range(first_id, first_id + n)
    sizes = [rng.randint(1, 4) for _ in ids]
    common = {"created_at": now, "updated_at": now}
    _copy(Household, lambda i: [{"id": ids[i], "code": f"BENCH-{ids[i]:08d}", "head_name": f"户主{ids[i]}"}], n,
          {**common, "township_id": township.pk, "household_type": "lifted", "placement": "apartment",
           "relocation_year": 2018, "status": "normal", "id": None})  # fmt: skip

    def members(i):
        out = []
        # 3 % zero-employment households: able and willing, nobody employed.
        idle = rng.random() < 0.03
        for k in range(sizes[i]):
            out.append({"household_id": ids[i], "name": f"成员{ids[i]}-{k}", "id_number": f"B{ids[i]:012d}{k:05d}",
                        "birth_date": "1980-01-01", "sex": "M", "relation": "head" if k == 0 else "other",
                        "labour_capacity": "ordinary", "willing_to_work": True,
                        "employment": "not_employed" if idle or k > 0 else "local"})  # fmt: skip
        return out

    _copy(Member, members, n, {**common, "household_id": None})
    periods = []
    y, m = as_of.year, as_of.month
    for _ in range(12):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        periods.append(datetime.date(y, m, 1))

    def ledgers(i):
        size = sizes[i]
        # Monthly income per person around 1,300 yuan: a quarter of households under the warning line.
        level = rng.gauss(1300, 350) * size
        drop = rng.random() < 0.03
        medical = rng.random() < 0.02
        out = []
        for j, period in enumerate(periods):
            income = max(0, level * (0.4 if drop and j == 0 else 1))
            out.append({"household_id": ids[i], "period": period, "month_index": month_index(period),
                        "household_size": size, "wage_income": f"{income:.2f}",
                        "medical_expense": "800.00" if medical else "0.00"})  # fmt: skip
        return out

    _copy(LedgerEntry, ledgers, n, {**common, "household_id": None, "source": "import", "member_employment": "[]"})
    _copy(Visit, lambda i: [{"household_id": ids[i], "visited_on": as_of - datetime.timedelta(days=30),
                             "next_visit_on": as_of + datetime.timedelta(days=-3 if rng.random() < 0.05 else 60)}],
          n, {**common, "household_id": None, "findings": "基准", "recorded_by_id": None})  # fmt: skip
    with connection.cursor() as cursor:
        for table in ("relocation_household", "relocation_member", "monitoring_ledgerentry", "monitoring_visit"):
            cursor.execute(f"ANALYZE {table}")


def reset() -> None:
    """Empty the tables the benchmark fills (bench database only)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE monitoring_alert, monitoring_screeningrun, monitoring_ledgerentry, monitoring_visit, "
            "relocation_member, relocation_household RESTART IDENTITY CASCADE"
        )
