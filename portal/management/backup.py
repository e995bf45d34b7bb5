"""Backup and restore of the whole portal: the database as JSON Lines and the uploaded files.

The format is the same on SQLite and PostgreSQL, so a backup taken on one restores into the
other (a laptop can check a production backup). One archive holds:
  manifest.json   when, from which database, and how many rows of each model
  db.jsonl.gz     every row of every model (Django's serializer, streamed, gzip)
  media/...       the uploaded files (workbooks, hazard photos)
Rows re-created by ``migrate`` itself (content types, permissions) and sessions are left out.
"""

import gzip
import json
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, router, transaction
from django.utils import timezone

FORMAT = 1
# django_celery_beat's PeriodicTasks is a change marker its signals keep up by themselves.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "accounts.loginsession", "django_celery_beat.periodictasks"]
EXCLUDED_MODELS = {label.lower() for label in EXCLUDED if "." in label} | {
    "contenttypes.contenttype",
    "sessions.session",
}


def backed_up_models() -> list:
    """The concrete models whose rows a backup holds."""
    found = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.proxy or not model._meta.managed or label in EXCLUDED_MODELS:
            continue
        if not router.allow_migrate_model("default", model):
            continue
        found.append(model)
    return found


def row_counts() -> dict[str, int]:
    """Rows per model now in the database."""
    return {m._meta.label_lower: m._base_manager.count() for m in backed_up_models()}


def backup_create(*, directory: Path, stdout=None) -> Path:
    """Write one backup archive into ``directory`` and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    archive = directory / f"portal-backup-{stamp}.tar"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "db.jsonl"
        # One read transaction, so that the rows of every table belong to the same moment.
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            counts = row_counts()
            unmanaged = [m._meta.label for m in apps.get_models() if not m._meta.managed]
            call_command(
                "dumpdata",
                format="jsonl",
                natural_foreign=True,
                exclude=EXCLUDED + unmanaged,
                output=str(dump),
                verbosity=0,
            )
        packed = Path(tmp) / "db.jsonl.gz"
        with dump.open("rb") as src, gzip.open(packed, "wb", compresslevel=6) as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        media_files = [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database_vendor": connection.vendor,
            "counts": counts,
            "media_files": len(media_files),
        }
        (Path(tmp) / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        partial = archive.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(Path(tmp) / "manifest.json", arcname="manifest.json")
            tar.add(packed, arcname="db.jsonl.gz")
            for path in media_files:
                tar.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
        # Renamed only when complete: a crash half-way never leaves something that looks like a backup.
        partial.rename(archive)
    if stdout is not None:
        stdout.write(f"{archive}: {sum(counts.values())} rows, {len(media_files)} files")
    return archive


class RestoreError(Exception):
    pass


def database_is_empty() -> bool:
    """True when no staff account and no household exist yet (a freshly migrated database)."""
    from accounts.models import User
    from relocation.models import Household

    return not (User.objects.exists() or Household.objects.exists())


def backup_restore(*, archive: Path, force: bool = False, stdout=None) -> dict[str, tuple[int, int]]:
    """Load a backup archive into this (empty, migrated) database and its media folder.

    Returns {model: (rows in the backup, rows after restoring)}; raises RestoreError when the
    database is not empty (unless ``force``) or when a count differs after loading.
    """
    if not force and not database_is_empty():
        raise RestoreError("The database already holds users or households; restore into an empty database.")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive, "r") as tar:
        # The "data" filter refuses absolute paths, links out of the folder and device files.
        tar.extractall(tmp, filter="data")
        manifest = json.loads((Path(tmp) / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise RestoreError(f"Unknown backup format {manifest.get('format')!r}.")
        # Start from an empty database: rows that migrate seeded come back from the backup itself.
        call_command("flush", interactive=False, verbosity=0)
        from django.contrib.auth.models import Group

        Group.objects.all().delete()
        with transaction.atomic():
            call_command("loaddata", str(Path(tmp) / "db.jsonl.gz"), verbosity=0)
        media_src = Path(tmp) / "media"
        if media_src.exists():
            media_root = Path(settings.MEDIA_ROOT)
            for path in media_src.rglob("*"):
                if path.is_file():
                    target = media_root / path.relative_to(media_src)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(path.read_bytes())
    after = row_counts()
    report = {label: (count, after.get(label, 0)) for label, count in manifest["counts"].items()}
    missing = {label: pair for label, pair in report.items() if pair[0] != pair[1]}
    if stdout is not None:
        stdout.write(f"restored {sum(c for c, _ in report.values())} rows, {manifest['media_files']} files")
    if missing:
        raise RestoreError(f"Row counts differ after restoring: {missing}")
    return report
