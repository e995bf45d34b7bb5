"""A faster reset between transactional tests (live server, Celery workers), for the test suite only.

Between two such tests Django empties every table (``flush``) and loads back the rows that existed
when the test database was made (``serialized_rollback``: departments, policy tasks, thresholds,
permissions, role groups…). Done as Django does it, that costs several seconds a test: on PostgreSQL
``TRUNCATE`` of every one of some two hundred tables (new files for each table and index), and the
reload saves its 2,700-odd rows one by one. Here:

- the flush deletes from the tables that hold rows (one query finds them) inside one transaction,
  the foreign keys being deferred until its commit; the access log, which refuses DELETE by
  trigger, is emptied with TRUNCATE, which its trigger allows in the suite's sessions (conftest.py);
- the reload writes each model's rows with one ``bulk_create`` (an insert, or an update of a row
  already there, as ``save()`` does; no signals fire, and none that matters fires for a fixture's raw
  save), then the many-to-many links, then checks the constraints as Django does.

The outcome is the same database: tests/portal/test_seeded_data.py checks it.
"""

from collections import defaultdict
from io import StringIO

from django.core import serializers
from django.db import transaction
from django.db.backends.base.creation import BaseDatabaseCreation
from django.db.backends.postgresql.operations import DatabaseOperations

APPEND_ONLY = {"accounts_accesslog"}  # DELETE refused by a trigger; TRUNCATE allowed in tests

_django_sql_flush = DatabaseOperations.sql_flush


def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    if not tables or reset_sequences:
        return _django_sql_flush(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
    tables = list(tables)
    qn = self.quote_name
    probe = " UNION ALL ".join(f"SELECT {i} WHERE EXISTS (SELECT 1 FROM {qn(t)})" for i, t in enumerate(tables))
    with self.connection.cursor() as cursor:
        cursor.execute(probe)
        filled = [tables[row[0]] for row in cursor.fetchall()]
    statements = ["SET CONSTRAINTS ALL DEFERRED;"]
    statements += [f"DELETE FROM {qn(t)};" for t in filled if t not in APPEND_ONLY]
    statements += [f"TRUNCATE {qn(t)};" for t in filled if t in APPEND_ONLY]
    return statements


def deserialize_db_from_string(self, data):
    alias = self.connection.alias
    rows = defaultdict(list)
    links = []
    for obj in serializers.deserialize("json", StringIO(data), using=alias):
        rows[type(obj.object)].append(obj.object)
        if obj.m2m_data:
            links.append(obj)
    with transaction.atomic(using=alias), self.connection.constraint_checks_disabled():
        for model, objects in rows.items():
            if model._meta.parents:  # multi-table inheritance cannot be bulk-created
                for instance in objects:
                    instance.save_base(raw=True, using=alias)
            else:
                # The first transactional test reloads into a database that still holds these rows
                # (the tests before it rolled back): a row already there is updated, as save() does.
                fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
                upsert = {"update_conflicts": True, "unique_fields": [model._meta.pk.name], "update_fields": fields}
                model._base_manager.using(alias).bulk_create(
                    objects, **(upsert if fields else {"ignore_conflicts": True})
                )
        for obj in links:
            for field, values in obj.m2m_data.items():
                getattr(obj.object, field).set(values)
    self.connection.check_constraints(table_names={m._meta.db_table for m in rows})


def install() -> None:
    DatabaseOperations.sql_flush = sql_flush
    BaseDatabaseCreation.deserialize_db_from_string = deserialize_db_from_string
