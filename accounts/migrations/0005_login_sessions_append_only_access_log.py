import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# On PostgreSQL the database itself refuses to change or delete an access record. Clearing the
# user of a record (ON DELETE SET NULL when an account is deleted) is the one update allowed.
CREATE_TRIGGER = """
CREATE OR REPLACE FUNCTION accounts_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.user_id IS NULL
       AND (NEW.id, NEW.action, NEW.object_type, NEW.object_id, NEW.rows, NEW.detail, NEW.at)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.action, OLD.object_type, OLD.object_id, OLD.rows, OLD.detail, OLD.at) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'accounts_accesslog is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS accounts_accesslog_append_only ON accounts_accesslog;
CREATE TRIGGER accounts_accesslog_append_only BEFORE UPDATE OR DELETE ON accounts_accesslog
    FOR EACH ROW EXECUTE FUNCTION accounts_accesslog_append_only();
"""
DROP_TRIGGER = """
DROP TRIGGER IF EXISTS accounts_accesslog_append_only ON accounts_accesslog;
DROP FUNCTION IF EXISTS accounts_accesslog_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_TRIGGER)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_access_log"),
    ]

    operations = [
        migrations.CreateModel(
            name="LoginSession",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("session_key", models.CharField(max_length=40, unique=True, verbose_name="session key")),
                ("ip_address", models.GenericIPAddressField(blank=True, null=True, verbose_name="address")),
                ("user_agent", models.CharField(blank=True, max_length=200, verbose_name="browser")),
                ("second_factor", models.BooleanField(default=False, verbose_name="second factor used")),
                ("started_at", models.DateTimeField(auto_now_add=True, verbose_name="started at")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="login_sessions",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "login session",
                "verbose_name_plural": "login sessions",
                "ordering": ["-started_at"],
            },
        ),
        migrations.RunPython(create_trigger, drop_trigger, elidable=False),
    ]
