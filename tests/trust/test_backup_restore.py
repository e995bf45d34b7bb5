"""Backup → restore: every table's row count equal, and a failed restore leaves its target untouched.

The backup is taken in the test process from the test database; the restore runs as an operator
runs it, ``manage.py restore`` in a process of its own pointed (DATABASE_URL) at a new database:
a new SQLite file, or a new PostgreSQL database created here. Every table is compared, history
tables, the access log and the second-factor devices included. The suite does this at a few
hundred rows; bench/backup runs it at 100,000 households (docs/operations.md).
"""

import datetime
import hashlib
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccessLog, log_access
from monitoring.models import Visit, VisitPhoto
from portal.management.backup import _sqlite_counts, table_counts
from relocation.models import Member
from tests.factories import HouseholdFactory, MemberFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def age_key(tmp_path, settings):
    """An age key pair as the operator makes it (age-keygen); the public half is the portal's setting."""
    key = tmp_path / "operator-key.txt"
    subprocess.run(["age-keygen", "-o", str(key)], check=True, capture_output=True)
    public = next(line.split(": ", 1)[1] for line in key.read_text().splitlines() if "public key" in line)
    settings.BACKUP_AGE_RECIPIENTS = public
    return key


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def a_district(cast, households=40):
    """Households with members, history rows, a visit with a photo, access-log rows and a TOTP device."""
    for i in range(households):
        household = HouseholdFactory(township=cast.yangkou if i % 2 else cast.hengshan, head_name=f"备份户主{i}")
        member = MemberFactory(household=household, name=f"备份成员{i}")
        member.health = Member.Health.DISABLED
        member.disability_grade = 2
        member.save()  # a second history row
        log_access(cast.alice, AccessLog.Action.UNMASK, member, detail="id_number")
    visit = Visit.objects.create(
        household=cast.alice_household,
        visited_on=datetime.date(2026, 11, 2),
        findings="墙体开裂",
        next_visit_on=datetime.date(2026, 12, 2),
        recorded_by=cast.alice,
    )
    photo = VisitPhoto(visit=visit)
    photo.image.save("wall.jpg", ContentFile(b"\xff\xd8 a photo of a cracked wall \xff\xd9"))
    TOTPDevice.objects.create(user=cast.admin, name="admin phone", confirmed=True)
    return photo


def manage(*argv, database_url: str, media_root: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "DEBUG": "1", "DATABASE_URL": database_url,
           "MEDIA_ROOT": str(media_root), "PORTAL_VAR_DIR": str(tmp_path / "var"), "REDIS_URL": ""}  # fmt: skip
    return subprocess.run([sys.executable, "manage.py", *argv], cwd=ROOT, env=env, capture_output=True, text=True)


def take_backup(tmp_path) -> Path:
    call_command("backup", output_dir=str(tmp_path / "backups"), verbosity=0)
    (archive,) = (tmp_path / "backups").glob("portal-backup-*.tar.age")
    return archive


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---- SQLite ---------------------------------------------------------------------------------------


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backup (CI runs the suite on SQLite too)")


def test_sqlite_backup_restores_every_table_into_a_new_file(cast, media, age_key, tmp_path, sqlite_only):
    photo = a_district(cast)
    before = table_counts()
    assert before["relocation_historicalmember"] >= 80 and before["accounts_accesslog"] == 40
    archive = take_backup(tmp_path)
    assert b"\xe5\xa4\x87\xe4\xbb\xbd" not in archive.read_bytes(), "the archive is encrypted"

    target, restored_media = tmp_path / "restored" / "portal.sqlite3", tmp_path / "restored-media"
    done = manage("restore", str(archive), "--identity", str(age_key), database_url=f"sqlite:///{target}",
                  media_root=restored_media, tmp_path=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert _sqlite_counts(target) == before
    assert (restored_media / photo.image.name).read_bytes() == b"\xff\xd8 a photo of a cracked wall \xff\xd9"
    import sqlite3

    db = sqlite3.connect(target)
    assert db.execute("SELECT key FROM otp_totp_totpdevice").fetchone()[0] == TOTPDevice.objects.get().key
    assert db.execute("SELECT COUNT(*) FROM relocation_member WHERE name LIKE '备份成员%'").fetchone()[0] == 40
    db.close()


def test_sqlite_restore_refuses_a_file_with_tables_and_a_wrong_key_and_touches_nothing(
    cast, media, age_key, tmp_path, sqlite_only
):
    a_district(cast, households=3)
    archive = take_backup(tmp_path)
    target = tmp_path / "restored.sqlite3"
    assert manage("restore", str(archive), "--identity", str(age_key), database_url=f"sqlite:///{target}",
                  media_root=tmp_path / "m1", tmp_path=tmp_path).returncode == 0  # fmt: skip
    before = digest(target)

    again = manage("restore", str(archive), "--identity", str(age_key), database_url=f"sqlite:///{target}",
                   media_root=tmp_path / "m2", tmp_path=tmp_path)  # fmt: skip
    assert again.returncode != 0 and "already holds tables" in again.stderr
    assert digest(target) == before

    other = tmp_path / "other-key.txt"
    subprocess.run(["age-keygen", "-o", str(other)], check=True, capture_output=True)
    fresh = tmp_path / "never.sqlite3"
    wrong = manage("restore", str(archive), "--identity", str(other), database_url=f"sqlite:///{fresh}",
                   media_root=tmp_path / "m3", tmp_path=tmp_path)  # fmt: skip
    assert wrong.returncode != 0 and "age failed" in wrong.stderr
    assert not fresh.exists() or fresh.stat().st_size == 0
    assert not (tmp_path / "m3").exists()


# ---- PostgreSQL -----------------------------------------------------------------------------------


@pytest.fixture
def scratch_database():
    """A new, empty PostgreSQL database beside the test database; dropped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backup (CI runs the suite on PostgreSQL too)")
    import psycopg2

    s = connection.settings_dict
    name = f"{s['NAME']}_restore"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    server = f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"

    def admin(sql):
        conn = psycopg2.connect(f"{server}/postgres")
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(sql)
        conn.close()

    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_counts(url: str) -> dict[str, int]:
    import psycopg2

    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            names = sorted(r[0] for r in cursor.fetchall())
            counts = {}
            for name in names:
                cursor.execute(f'SELECT COUNT(*) FROM "{name}"')
                counts[name] = cursor.fetchone()[0]
            return counts
    finally:
        conn.close()


def test_postgresql_backup_restores_every_table_into_a_new_database(cast, media, age_key, tmp_path, scratch_database):
    import psycopg2

    photo = a_district(cast)
    before = table_counts()
    archive = take_backup(tmp_path)
    restored_media = tmp_path / "restored-media"
    done = manage("restore", str(archive), "--identity", str(age_key), database_url=scratch_database,
                  media_root=restored_media, tmp_path=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert pg_counts(scratch_database) == before
    assert (restored_media / photo.image.name).read_bytes() == b"\xff\xd8 a photo of a cracked wall \xff\xd9"
    # The access log is still append-only in the restored database: the triggers came along.
    conn = psycopg2.connect(scratch_database)
    with pytest.raises(psycopg2.Error, match="append-only"), conn.cursor() as cursor:
        cursor.execute("TRUNCATE accounts_accesslog")
    conn.close()


def test_postgresql_restore_refuses_a_database_with_tables_and_touches_nothing(cast, media, age_key, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backup (CI runs the suite on PostgreSQL too)")
    a_district(cast, households=3)
    archive = take_backup(tmp_path)
    s = connection.settings_dict
    live = f"postgresql://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    before = table_counts()
    refused = manage("restore", str(archive), "--identity", str(age_key), database_url=live,
                     media_root=tmp_path / "m", tmp_path=tmp_path)  # fmt: skip
    assert refused.returncode != 0 and "restore into a new, empty database" in refused.stderr
    assert table_counts() == before


def test_a_restore_that_fails_half_way_leaves_the_new_database_empty(cast, media, age_key, tmp_path, scratch_database):
    """pg_restore runs in one transaction: a dump damaged in its middle restores nothing at all."""
    a_district(cast, households=3)
    archive = take_backup(tmp_path)
    work = tmp_path / "damaged"
    work.mkdir()
    subprocess.run(["age", "-d", "-i", str(age_key), "-o", str(work / "b.tar"), str(archive)], check=True)
    with tarfile.open(work / "b.tar") as tar:
        tar.extractall(work / "x", filter="data")
    dump = work / "x" / "db.dump"
    data = dump.read_bytes()
    dump.write_bytes(data[: len(data) * 2 // 3])  # the last third lost
    manifest = json.loads((work / "x" / "manifest.json").read_text())
    with tarfile.open(work / "bad.tar", "w") as tar:
        tar.add(work / "x" / "manifest.json", arcname="manifest.json")
        tar.add(dump, arcname=manifest["database_file"])
    public = next(line.split(": ", 1)[1] for line in age_key.read_text().splitlines() if "public key" in line)
    bad = work / "bad.tar.age"
    subprocess.run(["age", "-r", public, "-o", str(bad), str(work / "bad.tar")], check=True)
    failed = manage("restore", str(bad), "--identity", str(age_key), database_url=scratch_database,
                    media_root=tmp_path / "m", tmp_path=tmp_path)  # fmt: skip
    assert failed.returncode != 0 and "pg_restore failed" in failed.stderr
    assert pg_counts(scratch_database) == {}
