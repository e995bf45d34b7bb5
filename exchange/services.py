"""Imports as services: upload, preview (a dry run that writes nothing) and commit (all or nothing)."""

import contextlib
import datetime
import hashlib
import logging
import os
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AccessLog, log_access
from portal.cache import last_operation_failed

from . import importer, parsed, reader
from .models import ColumnMapping, ImportRecord

S = ImportRecord.Status
log = logging.getLogger(__name__)
PROGRESS_TTL = 6 * 60 * 60


class ImportBlocked(Exception):
    """The commit found invalid rows (the data changed since the preview) or the record is not ready."""


def background_threshold() -> int:
    """Files above this many bytes are checked and imported by a Celery worker, not in the request."""
    return int(getattr(settings, "EXCHANGE_BACKGROUND_BYTES", 1024 * 1024))


def progress_key(record_id: int) -> str:
    return f"exchange:progress:{record_id}"


HEARTBEAT_SECONDS = 15


def stale_after() -> int:
    """Seconds without a heartbeat after which a background import is taken for interrupted."""
    return int(getattr(settings, "EXCHANGE_STALE_SECONDS", 120))


def heartbeat_key(record_id: int) -> str:
    return f"exchange:heartbeat:{record_id}"


def _beat(record_id: int) -> None:
    cache.set(heartbeat_key(record_id), time.time(), PROGRESS_TTL)


@contextlib.contextmanager
def heartbeat(record_id: int):
    """Beat every few seconds from a thread while a worker runs an import.

    A long statement (one INSERT of 400,000 members) reports no progress for minutes, so liveness
    cannot be read from progress; a killed worker's thread dies with it and the beats stop.
    """
    stop = threading.Event()

    def beat():
        _beat(record_id)
        while not stop.wait(HEARTBEAT_SECONDS):
            _beat(record_id)

    thread = threading.Thread(target=beat, name=f"import-heartbeat-{record_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def liveness(record: ImportRecord) -> str:
    """How a background check or commit seems from its heartbeat:

    - ``"alive"``: beating (or not a running background import);
    - ``"unsure"``: beats were missed but not for long enough to call it dead: the page says
      "正在确认" (confirming) rather than a state that looks final;
    - ``"interrupted"``: no beat for ``stale_after()`` seconds: killed, or never started;
    - ``"unknown"``: the cache that holds the heartbeat cannot be reached (Redis down).
    """
    if not (record.background and record.is_running):
        return "alive"
    last = cache.get(heartbeat_key(record.pk))
    if last is None and last_operation_failed():
        return "unknown"
    age = None if last is None else time.time() - last
    if age is None or age > stale_after():
        return "interrupted"
    if age > 2 * HEARTBEAT_SECONDS:
        return "unsure"
    return "alive"


def is_interrupted(record: ImportRecord) -> bool:
    """A background check or commit whose worker has not beaten for a while: killed, or never started."""
    return liveness(record) == "interrupted"


def import_rerun(*, record: ImportRecord, actor) -> ImportRecord:
    """Queue an interrupted background import again; safe, because the commit is all or nothing."""
    if not is_interrupted(record):
        raise ImportBlocked(_("This import is still running; wait for it to finish."))
    from .tasks import commit_import, preview_import

    _beat(record.pk)  # the queued task counts as alive until it has had time to start
    if record.status == S.COMMITTING:
        transaction.on_commit(lambda: commit_import.delay(record.pk, actor.pk), robust=True)
    else:
        transaction.on_commit(lambda: preview_import.delay(record.pk), robust=True)
    return record


def progress_of(record: ImportRecord) -> dict:
    """The last progress a running import reported: {"phase", "done", "total", "since"}, with the
    step's name (``step``) and how long it has been running (``seconds``)."""
    progress = cache.get(progress_key(record.pk)) or {"phase": "", "done": 0, "total": 0}
    progress["step"] = _steps().get(progress["phase"], "")
    since = progress.get("since")
    progress["seconds"] = int(time.time() - since) if since else None
    return progress


def _steps() -> dict:
    """The steps' names, in the language of the request."""
    return {
        "read": _("Reading the workbook"),
        "check": _("Checking against the database"),
        "write:household": _("Writing households"),
        "write:member": _("Writing household members"),
        "write:ledgerentry": _("Writing monitoring ledgers"),
        "figures": _("Updating the dashboards' figures"),
    }


def _reporter(record_id: int):
    # The cache, not the record: the commit's own transaction hides the record's updates until it ends.
    current = {"phase": None, "since": None}

    def report(phase: str, done: int, total: int) -> None:
        if phase != current["phase"]:  # a new step: its clock starts
            current.update(phase=phase, since=time.time())
        value = {"phase": phase, "done": done, "total": total, "since": current["since"]}
        cache.set(progress_key(record_id), value, PROGRESS_TTL)

    return report


def import_upload(*, user, uploaded_file, kind: str) -> ImportRecord:
    """Keep the uploaded file with its name, size and SHA-256; refuse an oversized one before storing it."""
    size = uploaded_file.size or 0
    if size > reader.max_upload_bytes():
        raise reader.BadFile(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into several workbooks.")
            % {"size": round(size / 1048576, 1), "limit": reader.max_upload_bytes() // 1048576}
        )
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    name = uploaded_file.name.rsplit("/", 1)[-1][:200]
    record = ImportRecord(
        kind=kind,
        user=user,
        file_name=name,
        file_sha256=digest.hexdigest(),
        file_size=size,
        background=size > background_threshold(),
    )
    # The stored name carries the format's suffix, found from the content: python-calamine goes by it.
    suffix = reader.suffix_for(uploaded_file, name)
    uploaded_file.seek(0)
    # models.import_path gives it a random name (keeping the suffix); the uploaded name is only in file_name.
    record.file.save(f"upload{suffix}", File(uploaded_file), save=False)
    record.save()
    return record


def import_start_preview(*, record: ImportRecord) -> ImportRecord:
    """Check the workbook now, or in the background for a big file."""
    if record.background:
        from .tasks import preview_import

        ImportRecord.objects.filter(pk=record.pk).update(status=S.PREVIEWING)
        record.status = S.PREVIEWING
        _beat(record.pk)
        transaction.on_commit(lambda: preview_import.delay(record.pk), robust=True)
        return record
    return import_preview(record=record)


def import_preview(*, record: ImportRecord) -> ImportRecord:
    """Dry run: validate every row and count new / updated / unchanged / invalid. Writes only the record."""
    path = record.file.path

    def keep(rows: importer.Parsed) -> None:
        try:
            parsed.save(rows, path, sha256=record.file_sha256)
        except OSError:  # the commit then reads the workbook again: slower, never wrong
            log.warning("import %s: parsed rows not stored", record.pk, exc_info=True)

    try:
        analysis = importer.analyse(
            path,
            kind=record.kind,
            user=record.user,
            progress=_reporter(record.pk),
            keep=keep,
            mappings=ColumnMapping.for_user(record.user),
        )
    except reader.BadFile as exc:
        return _finish(record, status=S.REJECTED, message=str(exc))
    return _finish(record, status=S.PREVIEWED, analysis=analysis, previewed_at=timezone.now())


def _finish(record, *, status, analysis=None, message="", **extra) -> ImportRecord:
    record.status = status
    record.message = message
    if analysis is not None:
        totals = analysis.totals
        record.rows_total = totals["rows"]
        record.rows_new = totals["new"]
        record.rows_updated = totals["updated"]
        record.rows_unchanged = totals["unchanged"]
        record.rows_invalid = len(analysis.invalid_rows)
        record.sheets = [vars(s) for s in analysis.sheets]
        record.errors = analysis.errors
    for key, value in extra.items():
        setattr(record, key, value)
    record.save()
    return record


def import_start_commit(*, record: ImportRecord, actor) -> ImportRecord:
    """Commit now, or queue the commit for a big file."""
    if not record.file:
        raise ImportBlocked(_("The uploaded file is no longer kept; upload it again."))
    if not record.can_commit:
        raise ImportBlocked(_("This import cannot be confirmed: it has invalid rows or is not checked yet."))
    if record.background:
        from .tasks import commit_import

        ImportRecord.objects.filter(pk=record.pk, status=S.PREVIEWED).update(status=S.COMMITTING)
        record.status = S.COMMITTING
        _beat(record.pk)
        transaction.on_commit(lambda: commit_import.delay(record.pk, actor.pk), robust=True)
        return record
    return import_commit(record_id=record.pk, actor=actor)


def import_commit(*, record_id: int, actor) -> ImportRecord:
    """Write every row of the workbook in one transaction, or nothing; safe to run again after a crash."""
    try:
        with transaction.atomic():
            # The lock makes a second worker (a redelivered task) wait, then see the import committed.
            record = ImportRecord.objects.select_for_update().get(pk=record_id)
            if record.status == S.COMMITTED:
                return record
            if record.status not in (S.PREVIEWED, S.COMMITTING):
                raise ImportBlocked(_("This import cannot be confirmed in its present state."))
            report = _reporter(record.pk)
            path = record.file.path
            # The rows the preview parsed, if it stored them; every database check runs again.
            rows = parsed.load(path, sha256=record.file_sha256)
            if rows is None:
                rows = importer.read(
                    path, kind=record.kind, progress=report, mappings=ColumnMapping.for_user(record.user)
                )
            analysis = importer.check(rows, user=record.user, progress=report)
            del rows
            if analysis.error_count:
                raise ImportBlocked(
                    _("The data changed since the check: %(n)s rows are now invalid. Nothing was imported.")
                    % {"n": len(analysis.invalid_rows)}
                )
            importer.apply(analysis, actor=actor, reason=f"Excel导入：{record.file_name}", progress=report)
            _finish(record, status=S.COMMITTED, analysis=analysis, committed_at=timezone.now())
            log_access(
                actor,
                AccessLog.Action.IMPORT,
                record,
                rows=analysis.totals["new"] + analysis.totals["updated"],
                detail=f"{record.kind} {record.file_name} sha256={record.file_sha256[:16]}",
            )
            # The PostgreSQL path writes with COPY, which sends no model signals: tell the dashboards.
            from dashboards.cache import bump

            transaction.on_commit(bump)
            transaction.on_commit(lambda: parsed.discard(path))
            return record
    except (ImportBlocked, reader.BadFile) as exc:
        record = ImportRecord.objects.get(pk=record_id)
        if record.status != S.COMMITTED:
            record.status = S.PREVIEWED if isinstance(exc, ImportBlocked) and record.rows_invalid == 0 else S.FAILED
            record.message = str(exc)
            record.save(update_fields=["status", "message"])
        raise


def import_cancel(*, record: ImportRecord) -> ImportRecord:
    """Drop an import that was checked but not confirmed; its file is deleted."""
    if record.status in (S.COMMITTED, S.COMMITTING):
        raise ImportBlocked(_("An import that is running or done cannot be cancelled."))
    if record.file:
        parsed.discard(record.file.path)
        record.file.delete(save=False)
    record.status = S.CANCELLED
    record.save(update_fields=["status", "file"])
    return record


def purge_old_files(*, now=None) -> int:
    """Delete the workbooks (and stored rows) of imports whose last step is older than
    ``IMPORT_FILES_KEEP_DAYS``; the records stay, with the file's name, size and SHA-256.

    Imports being checked or written are left alone. A checked import not yet confirmed whose file
    went cannot be confirmed any more: it says so, and the workbook is uploaded again.
    Returns how many files were deleted.
    """
    from django.db.models.functions import Coalesce

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.IMPORT_FILES_KEEP_DAYS)
    last_step = Coalesce("committed_at", "previewed_at", "created_at")  # each step comes after the one before
    old = (
        ImportRecord.objects.exclude(file="")
        .exclude(status__in=[S.PREVIEWING, S.COMMITTING])
        .annotate(last_step=last_step)
        .filter(last_step__lt=cutoff)
        .order_by("pk")
    )
    deleted = 0
    for record in old.iterator(chunk_size=200):
        with transaction.atomic():
            # Locked and read again: a record a worker picked up meanwhile is not touched.
            record = ImportRecord.objects.select_for_update().get(pk=record.pk)
            if not record.file or record.status in (S.PREVIEWING, S.COMMITTING):
                continue
            path = record.file.path
            record.file = ""
            record.save(update_fields=["file"])
            transaction.on_commit(lambda path=path: _delete_files(path))
        deleted += 1
    if deleted:
        log.info("deleted %s uploaded workbooks older than %s days", deleted, settings.IMPORT_FILES_KEEP_DAYS)
    return deleted


def _delete_files(path: str) -> None:
    """The workbook and its stored rows, once the record no longer names them."""
    parsed.discard(path)
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


def map_columns(*, record: ImportRecord, user, choices: dict[tuple[int, str], str]) -> ImportRecord:
    """「这一列是…」: remember what the user says unrecognised columns are, and check the workbook again.

    ``choices``: (sheet index, header) -> field ("" leaves a column unread). Two columns mapped to
    one field, or to a field the sheet already has, are refused with ImportBlocked; nothing is kept.
    """
    if record.status != S.PREVIEWED or not record.file:
        raise ImportBlocked(_("Columns can be mapped only on a checked import whose file is kept."))
    by_sheet: dict[int, dict[str, str]] = {}
    for (index, header), attr in choices.items():
        if not attr:
            continue
        sheet = record.sheets[index] if 0 <= index < len(record.sheets) else None
        if sheet is None or header not in sheet.get("unrecognised", []):
            raise ImportBlocked(_("This column is not in the checked workbook."))
        allowed = dict(sheet.get("fields") or [])
        if attr not in allowed:
            raise ImportBlocked(
                _("Sheet “%(sheet)s” already has a column for that field, or it is not a field of this sheet.")
                % {"sheet": sheet["name"]}
            )
        taken = by_sheet.setdefault(index, {})
        if attr in taken.values():
            other = next(h for h, a in taken.items() if a == attr)
            raise ImportBlocked(
                _("Columns “%(a)s” and “%(b)s” cannot both be %(field)s; choose one of them.")
                % {"a": other, "b": header, "field": allowed[attr]}
            )
        taken[header] = attr
    township = ColumnMapping.township_of(user)
    with transaction.atomic():
        for index, columns in by_sheet.items():
            sheet = record.sheets[index]
            mapping, _created = ColumnMapping.objects.select_for_update().get_or_create(
                township_id=township, kind=sheet["kind"], headers_key=sheet["headers_key"]
            )
            mapping.columns = {**mapping.columns, **columns}
            mapping.updated_by = user
            mapping.save()
    if record.file:
        parsed.discard(record.file.path)
    return import_start_preview(record=record)


def reconciliation_run(*, user, uploaded_file):
    """账账相符: compare an export of the national system with the user's households; writes no household.

    The file is read from a temporary copy (the same size limit and defences as an import) and not
    kept; the finding is kept as a :class:`Reconciliation`. Raises reader.BadFile for a bad file or
    a workbook of the wrong kind (a household roster).
    """
    import tempfile

    from . import reconcile
    from .models import Reconciliation

    size = uploaded_file.size or 0
    if size > reader.max_upload_bytes():
        raise reader.BadFile(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into several workbooks.")
            % {"size": round(size / 1048576, 1), "limit": reader.max_upload_bytes() // 1048576}
        )
    name = uploaded_file.name.rsplit("/", 1)[-1][:200]
    suffix = reader.suffix_for(uploaded_file, name)
    uploaded_file.seek(0)
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        for chunk in uploaded_file.chunks():
            digest.update(chunk)
            copy.write(chunk)
        copy.flush()
        result = reconcile.reconcile(copy.name, user=user)
    totals = {
        key: sum(len(t[key]) for t in result["townships"]) for key in ("only_portal", "only_national", "different")
    }
    return Reconciliation.objects.create(
        user=user,
        file_name=name,
        file_sha256=digest.hexdigest(),
        national_households=result["national_households"],
        portal_households=result["portal_households"],
        result=result,
        **totals,
    )
