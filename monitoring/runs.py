"""Bookkeeping of screening runs: a heartbeat while one runs, and the take-over of a killed one.

A run's worker beats every ``HEARTBEAT_SECONDS`` from a thread (``ScreeningRun.heartbeat_at``), as
imports do: a long INSERT reports nothing for minutes, so liveness cannot be read from progress.
When a worker is killed, its run would stay "running" forever while its statement goes on on the
database server. So:

- each statement of a run is bounded by ``SCREENING_STATEMENT_TIMEOUT`` (PostgreSQL's
  ``statement_timeout``, below the task's time limit): the server ends it even with nobody waiting;
- the next run first marks every run whose heartbeat is older than ``SCREENING_STALE_SECONDS`` as
  interrupted and ends its database session (``pg_terminate_backend`` on the backend the run
  recorded, checked to be the same session by its start time), so that the orphaned statement
  stops and its locks go; the new run then screens as usual. Screening is idempotent (one alert per
  household, rule and period), so whatever the killed run wrote or not, the result is the same.
- Staff are told of alerts not yet announced, whichever run wrote them (monitoring.digest).
"""

import contextlib
import datetime
import logging
import threading

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from .models import ScreeningRun

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10


def stale_after() -> int:
    """Seconds without a heartbeat after which a running run is taken for interrupted."""
    return int(getattr(settings, "SCREENING_STALE_SECONDS", 120))


def statement_timeout_ms() -> int:
    return int(getattr(settings, "SCREENING_STATEMENT_TIMEOUT", 45 * 60)) * 1000


def run_start_bookkeeping() -> dict:
    """What a new run records about itself: its start and first heartbeat, and (PostgreSQL) its database session."""
    now = timezone.now()
    fields = {"started_at": now, "heartbeat_at": now}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            fields["backend_pid"] = cursor.fetchone()[0]
    return fields


def runs_take_over(*, now=None) -> list[int]:
    """Mark runs whose worker stopped beating as interrupted and end their database sessions.

    Returns the pks of the runs taken over."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(seconds=stale_after())
    stale = ScreeningRun.objects.filter(status=ScreeningRun.Status.RUNNING).filter(
        Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, started_at__lt=limit)
    )
    taken = []
    for run in stale:
        ended = _end_session(run)
        changed = ScreeningRun.objects.filter(pk=run.pk, status=ScreeningRun.Status.RUNNING).update(
            status=ScreeningRun.Status.INTERRUPTED,
            finished_at=now,
            error=(
                f"No sign of life from the worker since {run.heartbeat_at or run.started_at:%Y-%m-%d %H:%M:%S}; "
                f"taken over by the next run{' (its database statement was ended)' if ended else ''}."
            ),
        )
        if changed:
            taken.append(run.pk)
            log.warning("screening run %s interrupted (worker gone); database session ended: %s", run.pk, ended)
    return taken


def _end_session(run: ScreeningRun) -> bool:
    """End the PostgreSQL session a dead run's statement may still be executing in."""
    if connection.vendor != "postgresql" or not run.backend_pid:
        return False
    with connection.cursor() as cursor:
        # The same session only: a backend of that pid started before the run, in this database.
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE pid = %s AND pid <> pg_backend_pid() AND datname = current_database() AND backend_start <= %s",
            [run.backend_pid, run.started_at],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


@contextlib.contextmanager
def statement_limit():
    """Bound each statement of the run on PostgreSQL (the server enforces it even if the worker died)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('statement_timeout', %s, false)", [str(statement_timeout_ms())])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")


@contextlib.contextmanager
def run_heartbeat(run_pk: int):
    """Beat every few seconds from a thread while the run works; the beats stop with the worker."""
    stop = threading.Event()

    def beat():
        from django.db import connections

        try:
            while not stop.wait(HEARTBEAT_SECONDS):
                try:
                    ScreeningRun.objects.filter(pk=run_pk, status=ScreeningRun.Status.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # a missed beat is not a failed run (SQLite may be busy writing)
                    log.debug("screening heartbeat missed", exc_info=True)
        finally:
            connections.close_all()

    thread = threading.Thread(target=beat, name=f"screening-heartbeat-{run_pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)
