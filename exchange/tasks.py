"""Background checks and commits of big workbooks. Tasks take ids and call the services."""

import contextlib

from celery import shared_task

from accounts.models import User

from . import services
from .models import ImportRecord


@shared_task(acks_late=True)
def preview_import(record_id: int) -> None:
    """Check a big workbook; running it twice gives the same counts and errors."""
    record = ImportRecord.objects.filter(pk=record_id).first()
    if record is None or record.status not in (ImportRecord.Status.UPLOADED, ImportRecord.Status.PREVIEWING):
        return
    with services.heartbeat(record_id):
        services.import_preview(record=record)


@shared_task(acks_late=True)
def commit_import(record_id: int, actor_id: int) -> None:
    """Commit a big workbook in one transaction; a worker killed half-way leaves nothing and the task can run again."""
    actor = User.objects.get(pk=actor_id)
    # A blocked commit leaves its message on the record for the user; there is nothing to retry.
    with services.heartbeat(record_id), contextlib.suppress(services.ImportBlocked):
        services.import_commit(record_id=record_id, actor=actor)


@shared_task(name="exchange.purge_old_files", acks_late=True)
def purge_old_files() -> int:
    """Delete uploaded workbooks past IMPORT_FILES_KEEP_DAYS (every night; safe to run again)."""
    return services.purge_old_files()
