"""A screening killed mid-statement on PostgreSQL: the next run takes over and its alerts are announced.

The screening runs in a process of its own (``manage.py screen``) against the test database. A
second session holds a lock on the alert table so that the screening's INSERT is certainly in the
middle of executing on the server when the process is killed (kill -9, as the OOM killer or a
redeploy would). Then, as in the incident: the statement goes on without its worker.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from monitoring.models import Alert, ScreeningRun
from monitoring.runs import runs_take_over
from monitoring.screening import screen
from notifications.models import Notification
from tests.monitoring.helpers import AS_OF, give_ledger, household, thresholds

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("statement cancelling is PostgreSQL's (CI runs this on PostgreSQL)")


def dsn() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_screening(tmp_path) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "DEBUG": "1", "DATABASE_URL": dsn(),
           "PORTAL_VAR_DIR": str(tmp_path / "var"), "REDIS_URL": ""}  # fmt: skip
    log = (tmp_path / "screen.log").open("w")
    command = [sys.executable, "manage.py", "screen", "--full", "--as-of", AS_OF.isoformat()]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def sql(conn, statement: str, params=None):
    with conn.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone() if cursor.description else None


def session():
    conn = psycopg2.connect(dsn())
    conn.autocommit = True
    return conn


def blocked_insert_pid(probe) -> int | None:
    row = sql(
        probe,
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
        "AND query LIKE 'INSERT INTO monitoring_alert%%'",
    )
    return row[0] if row else None


def session_exists(probe, pid: int) -> bool:
    return sql(probe, "SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]) is not None


def wait_for(predicate, timeout: float, what: str, tmp_path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    log = (tmp_path / "screen.log").read_text()[-3000:] if (tmp_path / "screen.log").exists() else ""
    pytest.fail(f"timed out waiting for {what}\n{log}")


def poor_households(cast, n=3):
    thresholds()
    for _ in range(n):
        h = household(cast.yangkou, settlement=cast.yangkou_site)
        give_ledger(h, monthly_income=1500)


def kill_mid_statement(tmp_path, probe, blocker) -> tuple[subprocess.Popen, int]:
    """Start a screening, let its INSERT wait on the blocker's lock, kill its process; returns the
    killed process and the database session still executing its statement."""
    sql(blocker, "BEGIN")
    sql(blocker, "LOCK TABLE monitoring_alert IN SHARE MODE")
    process = start_screening(tmp_path)
    wait_for(lambda: blocked_insert_pid(probe) is not None, 90, "the screening's INSERT to be executing", tmp_path)
    pid = blocked_insert_pid(probe)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    assert session_exists(probe, pid), "the statement goes on without its worker"
    (run,) = ScreeningRun.objects.filter(status=ScreeningRun.Status.RUNNING)
    assert run.backend_pid == pid
    return process, pid


def test_the_next_run_ends_the_killed_runs_statement_and_screens(cast, settings, tmp_path):
    settings.SCREENING_STALE_SECONDS = 1
    poor_households(cast)
    with contextlib.closing(session()) as probe, contextlib.closing(session()) as blocker:
        _process, pid = kill_mid_statement(tmp_path, probe, blocker)
        time.sleep(1.5)  # no heartbeat for longer than the stale time
        (killed,) = runs_take_over()
        wait_for(lambda: not session_exists(probe, pid), 30, "the orphaned statement to be ended", tmp_path)
        sql(blocker, "ROLLBACK")
    assert ScreeningRun.objects.get(pk=killed).status == ScreeningRun.Status.INTERRUPTED
    assert not Alert.objects.exists(), "the ended statement wrote nothing"
    run = screen(as_of=AS_OF, full=True)
    assert run.alerts_raised == 3
    assert Notification.objects.get(user=cast.alice, kind="monitoring.screening").title.count("3") == 1
