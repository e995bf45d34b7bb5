from django.db import migrations

# TRUNCATE fires no row trigger: the append-only trigger of 0005 did not cover it, so
# `TRUNCATE accounts_accesslog` (or `manage.py flush`) emptied the access log. A statement trigger
# refuses it like UPDATE and DELETE. The test suite empties its own throwaway database between
# tests with TRUNCATE and says so in its session (conftest.py); nothing in the portal sets it.
CREATE_TRIGGER = """
CREATE OR REPLACE FUNCTION accounts_accesslog_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('portal.test_database_flush', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'accounts_accesslog is append-only: TRUNCATE refused';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS accounts_accesslog_no_truncate ON accounts_accesslog;
CREATE TRIGGER accounts_accesslog_no_truncate BEFORE TRUNCATE ON accounts_accesslog
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_accesslog_no_truncate();
"""
DROP_TRIGGER = """
DROP TRIGGER IF EXISTS accounts_accesslog_no_truncate ON accounts_accesslog;
DROP FUNCTION IF EXISTS accounts_accesslog_no_truncate();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_TRIGGER)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_district_office_role"),
    ]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
