"""A job for the fault tests, loaded into a real worker with ``celery worker -I``.

It is built like the portal's jobs: it may be delivered more than once, so it claims its work
and writes its effect in one transaction, and a second delivery of a finished job does nothing.
It keeps its own SQLite file so that worker and test share it across processes.
"""

import sqlite3
import time

from portal.celery import app


def connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    conn.execute("CREATE TABLE IF NOT EXISTS attempts (job TEXT, at REAL)")
    conn.execute("CREATE TABLE IF NOT EXISTS done (job TEXT PRIMARY KEY)")
    conn.execute("CREATE TABLE IF NOT EXISTS effects (job TEXT, at REAL)")
    return conn


@app.task(name="trust.record_job")
def record_job(path: str, job: str, first_attempt_seconds: float = 0.0) -> None:
    conn = connect(path)
    conn.execute("INSERT INTO attempts VALUES (?, ?)", (job, time.time()))
    attempts = conn.execute("SELECT COUNT(*) FROM attempts WHERE job = ?", (job,)).fetchone()[0]
    if attempts == 1 and first_attempt_seconds:
        time.sleep(first_attempt_seconds)  # long enough for the test to kill the worker meanwhile
    conn.execute("BEGIN IMMEDIATE")
    if conn.execute("SELECT 1 FROM done WHERE job = ?", (job,)).fetchone():
        conn.execute("ROLLBACK")
        return
    conn.execute("INSERT INTO effects VALUES (?, ?)", (job, time.time()))
    conn.execute("INSERT INTO done VALUES (?)", (job,))
    conn.execute("COMMIT")
