"""The PostgreSQL path of an import's writes: COPY into a staging table, then set-based SQL.

The validated rows are copied into a temporary table (no index, no constraint: COPY's fastest
target), then one statement per step moves them: ``INSERT … SELECT`` for new rows and
``UPDATE … FROM`` for changed ones, each with the history rows written by the same statement
(a data-modifying CTE feeding ``INSERT INTO <historical table>``), with the importing user, the
time and the reason, as django-simple-history would have written them one by one. Only rows the
analysis found new or changed reach this module, so a re-import writes and records nothing.

Everything runs inside the caller's transaction: a failure anywhere leaves nothing behind, and
the staging tables go with the transaction (``ON COMMIT DROP``).
"""

import csv
import datetime
import io
import itertools
import operator

from django.db import connection, models

from relocation.models import Member

COPY_ROWS = 50_000  # rows per COPY statement: bounds the buffer's memory
HISTORY_COLUMNS = ("history_id", "history_date", "history_change_reason", "history_type", "history_user_id")
# Columns computed in SQL from the staged row rather than in Python for each row.
DERIVED = {
    Member: {
        "birth_date": "to_date(substr(s.id_number, 7, 8), 'YYYYMMDD')",
        "sex": "CASE WHEN substr(s.id_number, 17, 1)::int %% 2 = 1 THEN 'M' ELSE 'F' END",
    }
}
_names = itertools.count()
# Every table and column name in the SQL below comes from the models' _meta, never from a workbook;
# the values travel as COPY data or query parameters.


def _default(field: models.Field, now: datetime.datetime):
    """What a column not in the workbook stores in a new row."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if isinstance(field, models.BooleanField):
        return False
    return ""


def _copy(cursor, table: str, columns: list[str], nullable: set[str], rows) -> None:
    """COPY rows (sequences in ``columns`` order) into ``table``, a bounded batch at a time.

    CSV through the csv module (C speed) rather than text built value by value. csv writes None
    and "" alike, so each column says which it means: an empty value is NULL in a nullable column
    (FORCE_NULL) and an empty string in the others (FORCE_NOT_NULL). No nullable column here
    holds text, so nothing is lost.
    """
    options = ["FORMAT csv"]
    if set(columns) - nullable:
        options.append(f"FORCE_NOT_NULL ({', '.join(c for c in columns if c not in nullable)})")
    if nullable & set(columns):
        options.append(f"FORCE_NULL ({', '.join(c for c in columns if c in nullable)})")
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH ({', '.join(options)})"
    while True:
        batch = list(itertools.islice(rows, COPY_ROWS))
        if not batch:
            return
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(batch)
        buffer.seek(0)
        cursor.cursor.copy_expert(statement, buffer)


def _stage(cursor, table: str, columns: list[str]) -> str:
    """A temporary table with the target's column types and none of its indexes or constraints."""
    name = f"exchange_stage_{next(_names)}"
    cursor.execute(f"CREATE TEMP TABLE {name} ON COMMIT DROP AS SELECT {', '.join(columns)} FROM {table} WITH NO DATA")  # noqa: S608
    return name


def _history(model) -> tuple[str, list[str]]:
    """The historical table and the columns it shares with the model's table."""
    historical = model.history.model
    own = {f.column for f in model._meta.concrete_fields}
    shared, extra = [], []
    for f in historical._meta.concrete_fields:
        (shared if f.column in own else extra).append(f.column)
    unknown = set(extra) - set(HISTORY_COLUMNS)
    if unknown:  # a history option this module does not write (e.g. a custom history field)
        raise NotImplementedError(f"{historical._meta.db_table}: {sorted(unknown)}")
    return historical._meta.db_table, shared


def copy_write(model, creates: list[dict], updates: list[tuple], *, actor_id, reason: str, now) -> None:
    """Insert ``creates`` (attribute dicts) and apply ``updates`` ((pk, changes, values)), with history."""
    with connection.cursor() as cursor:
        if creates:
            _insert(cursor, model, creates, actor_id=actor_id, reason=reason, now=now)
        # Rows from sheets with different columns are updated in groups sharing a column set.
        groups: dict[tuple, list] = {}
        for pk, _changes, values in updates:
            groups.setdefault(tuple(sorted(values)), []).append((pk, values))
        for columns, rows in groups.items():
            _update(cursor, model, list(columns), rows, actor_id=actor_id, reason=reason, now=now)


def _insert(cursor, model, creates, *, actor_id, reason, now) -> None:
    # Rows from one sheet carry the same attributes: they are staged together, and only those
    # columns travel through COPY; every other column gets its default as a query parameter.
    groups: dict[tuple, list[dict]] = {}
    for values in creates:
        groups.setdefault(tuple(values), []).append(values)
    for attnames, rows in groups.items():
        _insert_group(cursor, model, list(attnames), rows, actor_id=actor_id, reason=reason, now=now)


def _insert_group(cursor, model, attnames: list[str], rows: list[dict], *, actor_id, reason, now) -> None:
    table = model._meta.db_table
    derived = DERIVED.get(model, {})
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.column not in derived]
    by_attname = {f.attname: f for f in fields}
    staged = [by_attname[a] for a in attnames]
    fixed = [f for f in fields if f.attname not in attnames]
    stage = _stage(cursor, table, [f.column for f in staged])
    pick = operator.itemgetter(*attnames)
    values = map(pick, rows) if len(attnames) > 1 else ((pick(v),) for v in rows)
    _copy(cursor, stage, [f.column for f in staged], {f.column for f in staged if f.null}, values)
    history_table, shared = _history(model)
    targets = [f.column for f in staged] + [f.column for f in fixed] + list(derived)
    exprs = [f"s.{f.column}" for f in staged] + ["%s"] * len(fixed) + list(derived.values())
    params = [f.get_db_prep_save(_default(f, now), connection) for f in fixed]
    cursor.execute(
        f"WITH ins AS (INSERT INTO {table} ({', '.join(targets)}) SELECT {', '.join(exprs)} FROM {stage} s "  # noqa: S608
        f"RETURNING {', '.join(shared)}) "
        f"INSERT INTO {history_table} ({', '.join(shared)}, history_date, history_change_reason, history_type, "
        f"history_user_id) SELECT {', '.join(shared)}, %s, %s, '+', %s FROM ins",
        [*params, now, reason, actor_id],
    )


def _update(cursor, model, attnames: list[str], rows, *, actor_id, reason, now) -> None:
    table = model._meta.db_table
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    columns = [by_attname[a].column for a in attnames]
    stage = _stage(cursor, table, ["id", *columns])
    nullable = {by_attname[a].column for a in attnames if by_attname[a].null}
    _copy(cursor, stage, ["id", *columns], nullable, ([pk, *(values[a] for a in attnames)] for pk, values in rows))
    cursor.execute(f"ANALYZE {stage}")
    sets = [f"{c} = s.{c}" for c in columns]
    sets += [f"{f.column} = %s" for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
    params = [now for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
    if "id_number" in columns:  # the derived columns read it
        sets += [f"{column} = {expr}" for column, expr in DERIVED.get(model, {}).items()]
    history_table, shared = _history(model)
    cursor.execute(
        f"WITH upd AS (UPDATE {table} t SET {', '.join(sets)} FROM {stage} s WHERE t.id = s.id RETURNING t.*) "  # noqa: S608
        f"INSERT INTO {history_table} ({', '.join(shared)}, history_date, history_change_reason, history_type, "
        f"history_user_id) SELECT {', '.join(shared)}, %s, %s, '~', %s FROM upd",
        [*params, now, reason, actor_id],
    )
