"""Backup and restore of the whole portal: the database, the uploaded files, encrypted with age.

The database is copied by the database's own tools, which copy every table exactly (history
tables, the access log, sequences, triggers):
  - PostgreSQL: ``pg_dump`` custom-format archive (``db.dump``), taken in the same snapshot as the
    row counts of the manifest (``pg_export_snapshot``);
  - SQLite (the embedded default): SQLite's online backup API (``db.sqlite3``).
One archive ``portal-backup-<time>.tar.age`` holds, encrypted for the operator's age key:
  manifest.json   when, from which database, every table's row count, how many files
  db.dump | db.sqlite3
  media/...       the uploaded files (workbooks, visit and hazard photos, attachments)
The archive holds everything, password hashes, second-factor (TOTP) secrets and ID numbers
included: docs/operations.md says how to keep the key.

A restore goes into an EMPTY database only (a new PostgreSQL database with no tables, or a SQLite
file that does not exist yet) and an empty media folder: it never empties a live database. It
checks everything it can before writing anything (the key opens the archive, the manifest, the
target is empty), restores PostgreSQL in one transaction (``pg_restore --single-transaction``) and
SQLite by renaming a complete copy into place, then compares every table's row count with the
manifest. Restoring means: a new database, restore, check, then switch the portal to it.
"""

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

FORMAT = 2
SUFFIX = ".tar.age"


class BackupError(Exception):
    pass


class RestoreError(Exception):
    pass


# -- tools ------------------------------------------------------------------------------------------


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"`{name}` is not installed (apt-get install -y {_PACKAGES.get(name, name)}).")
    return path


_PACKAGES = {"age": "age", "pg_dump": "postgresql-client", "pg_restore": "postgresql-client"}


def _run(command: list[str], *, env=None, error=BackupError) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 - our own tools, list form
    if result.returncode != 0:
        raise error(f"{Path(command[0]).name} failed: {(result.stderr or result.stdout).strip()[-2000:]}")


def _pg_env(settings_dict: dict) -> dict:
    env = {**os.environ}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[name] = str(settings_dict[key])
    env["PGDATABASE"] = settings_dict["NAME"]
    return env


# -- row counts -------------------------------------------------------------------------------------


def table_names(conn=None) -> list[str]:
    """Every table of the database (not views), whether or not a model names it."""
    conn = conn or connection
    with conn.cursor() as cursor:
        tables = conn.introspection.get_table_list(cursor)
        return sorted(t.name for t in tables if t.type == "t" and not t.name.startswith("sqlite_"))


def table_counts(conn=None) -> dict[str, int]:
    """Rows in every table now."""
    conn = conn or connection
    quote = conn.ops.quote_name
    counts = {}
    with conn.cursor() as cursor:
        for name in table_names(conn):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(name)}")  # noqa: S608 - names from the catalogue
            counts[name] = cursor.fetchone()[0]
    return counts


def _sqlite_counts(path: Path) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        names = sorted(n for n in names if not n.startswith("sqlite_"))
        return {n: db.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608
    finally:
        db.close()


# -- backup -----------------------------------------------------------------------------------------


def recipients() -> list[str]:
    """The age public keys the backup is encrypted for (``BACKUP_AGE_RECIPIENTS``, comma-separated)."""
    value = getattr(settings, "BACKUP_AGE_RECIPIENTS", "") or ""
    return [r.strip() for r in value.split(",") if r.strip()]


def backup_create(*, directory: Path, recipients_list: list[str] | None = None, stdout=None) -> Path:
    """Write one encrypted backup archive into ``directory`` and return its path."""
    keys = recipients_list if recipients_list is not None else recipients()
    if not keys:
        raise BackupError(
            "No age key to encrypt the backup for: set BACKUP_AGE_RECIPIENTS to the operator's public key "
            "(age-keygen prints it; see docs/operations.md) or pass --recipient."
        )
    age = _tool("age")
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    archive = directory / f"portal-backup-{stamp}{SUFFIX}"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        tmp = Path(tmp)
        if connection.vendor == "postgresql":
            name, counts = "db.dump", _dump_postgresql(tmp / "db.dump")
        elif connection.vendor == "sqlite":
            name, counts = "db.sqlite3", _copy_sqlite(tmp / "db.sqlite3")
        else:  # pragma: no cover
            raise BackupError(f"No backup for a {connection.vendor} database.")
        media_files = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database_vendor": connection.vendor,
            "database_file": name,
            "counts": counts,
            "media_files": len(media_files),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        plain = tmp / "backup.tar"
        with tarfile.open(plain, "w") as tar:
            tar.add(tmp / "manifest.json", arcname="manifest.json")
            tar.add(tmp / name, arcname=name)
            for path in media_files:
                tar.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
        partial = tmp / "backup.tar.age"
        _run([age, "--encrypt", *[a for key in keys for a in ("-r", key)], "-o", str(partial), str(plain)])
        # Moved into place only when complete: a crash half-way never leaves something that looks like a backup.
        os.replace(partial, archive)
    if stdout is not None:
        stdout.write(f"{archive}: {len(counts)} tables, {sum(counts.values())} rows, {len(media_files)} files")
    return archive


def _dump_postgresql(target: Path) -> dict[str, int]:
    """pg_dump in the snapshot the row counts are read in, so that the manifest matches the dump."""
    pg_dump = _tool("pg_dump")
    connection.ensure_connection()
    with connection.cursor() as cursor:
        in_transaction = not connection.get_autocommit()
        if in_transaction:  # pragma: no cover - the command runs in autocommit
            raise BackupError("Run the backup outside a transaction.")
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = table_counts()
            _run(
                [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                 "--file", str(target)],
                env=_pg_env(connection.settings_dict),
            )  # fmt: skip
        finally:
            cursor.execute("ROLLBACK")
    return counts


def _copy_sqlite(target: Path) -> dict[str, int]:
    """SQLite's online backup API: a consistent copy even while the portal writes."""
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()
    return _sqlite_counts(target)


# -- restore ----------------------------------------------------------------------------------------


def _open(archive: Path, identity: Path, into: Path) -> dict:
    """Decrypt and unpack the archive into ``into``; returns its manifest."""
    age = _tool("age")
    plain = into / "backup.tar"
    _run([age, "--decrypt", "-i", str(identity), "-o", str(plain), str(archive)], error=RestoreError)
    try:
        with tarfile.open(plain, "r") as tar:
            # The "data" filter refuses absolute paths, links out of the folder and device files.
            tar.extractall(into / "unpacked", filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise RestoreError(f"The archive is damaged: {exc}") from exc
    plain.unlink()
    try:
        manifest = json.loads((into / "unpacked" / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        raise RestoreError("The archive has no readable manifest.") from exc
    if manifest.get("format") != FORMAT:
        raise RestoreError(f"Unknown backup format {manifest.get('format')!r} (this portal reads format {FORMAT}).")
    if manifest.get("database_vendor") != connection.vendor:
        raise RestoreError(
            f"The backup is of a {manifest.get('database_vendor')} database; this portal is configured for "
            f"{connection.vendor} (DATABASE_URL)."
        )
    return manifest


def _check_empty_target(media_root: Path) -> None:
    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        if path.exists() and path.stat().st_size > 0 and _sqlite_counts(path):
            raise RestoreError(
                f"{path} already holds tables: restore into a SQLite file that does not exist yet "
                "(set DATABASE_URL to a new file), then switch the portal to it."
            )
    else:
        tables = table_names()
        if tables:
            raise RestoreError(
                f"The database {connection.settings_dict['NAME']!r} already holds {len(tables)} tables: restore "
                "into a new, empty database (createdb, no migrate), then switch the portal to it."
            )
    if media_root.exists() and any(p.is_file() for p in media_root.rglob("*")):
        raise RestoreError(f"The media folder {media_root} already holds files: restore into an empty folder.")


def backup_restore(*, archive: Path, identity: Path, stdout=None) -> dict[str, tuple[int, int]]:
    """Restore an archive into this (empty) database and the (empty) media folder.

    Returns {table: (rows in the backup, rows after restoring)}; raises RestoreError before writing
    anything when the archive cannot be opened or the target is not empty, and after restoring when
    a count differs.
    """
    media_root = Path(settings.MEDIA_ROOT)
    _check_empty_target(media_root)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        manifest = _open(archive, identity, tmp)
        unpacked = tmp / "unpacked"
        if connection.vendor == "postgresql":
            _restore_postgresql(unpacked / manifest["database_file"])
        else:
            _restore_sqlite(unpacked / manifest["database_file"])
        media_src = unpacked / "media"
        if media_src.exists():
            for path in media_src.rglob("*"):
                if path.is_file():
                    target = media_root / path.relative_to(media_src)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, target)
    after = table_counts()
    expected = manifest["counts"]
    report = {name: (expected.get(name, 0), after.get(name, 0)) for name in sorted(set(expected) | set(after))}
    differ = {name: pair for name, pair in report.items() if pair[0] != pair[1]}
    if stdout is not None:
        stdout.write(f"restored {len(after)} tables, {sum(after.values())} rows, {manifest['media_files']} files")
    if differ:
        raise RestoreError(f"Row counts differ after restoring (backup, restored): {differ}")
    return report


def _restore_postgresql(dump: Path) -> None:
    pg_restore = _tool("pg_restore")
    connection.close()  # pg_restore works in a session of its own
    _run(
        [pg_restore, "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges",
         "--dbname", connection.settings_dict["NAME"], str(dump)],
        env=_pg_env(connection.settings_dict),
        error=RestoreError,
    )  # fmt: skip


def _restore_sqlite(copy: Path) -> None:
    target = Path(connection.settings_dict["NAME"])
    connection.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".restoring")
    shutil.copyfile(copy, partial)
    with contextlib.suppress(FileNotFoundError):
        if target.stat().st_size == 0:
            target.unlink()
    os.replace(partial, target)  # complete or not there at all
