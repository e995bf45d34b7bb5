"""No job lost and none applied twice when a worker is killed or Redis restarts.

These start real Celery workers (the portal's own Celery settings: acks late, reject on worker
lost, prefetch 1) against Redis. Visibility timeout and time limits are lowered through their
environment variables so that redelivery happens in seconds, not hours.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery

from tests.trust.fault_tasks import connect

ROOT = Path(__file__).resolve().parents[2]
SHARED_REDIS = os.environ.get("TRUST_REDIS_URL", "redis://127.0.0.1:6379/13")
VISIBILITY = 8

pytestmark = pytest.mark.slow


def redis_up(url: str) -> bool:
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def start_worker(broker: str, tmp_path: Path, name: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "1",
        "REDIS_URL": broker,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "CELERY_TASK_TIME_LIMIT": str(VISIBILITY - 2),
    }
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "-I", "tests.trust.fault_tasks",
               "--concurrency=1", "--pool=prefork", "--without-gossip", "--without-mingle", "--without-heartbeat",
               f"--hostname={name}@%h", "--loglevel=INFO"]  # fmt: skip
    log = (tmp_path / f"{name}.log").open("w")
    # A process group of its own, so that the kill reaches the pool's children too.
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def kill_hard(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            kill_hard(process)


def wait_for(predicate, timeout: float, what: str, logs: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    detail = ""
    if logs is not None:
        detail = "\n".join(p.read_text()[-3000:] for p in logs.glob("*.log"))
    pytest.fail(f"timed out waiting for {what}\n{detail}")


def counts(db: str) -> tuple[int, int, int]:
    conn = connect(db)
    return tuple(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("attempts", "done", "effects"))


def sender(broker: str) -> Celery:
    return Celery("trust-sender", broker=broker, set_as_current=False)


def test_a_worker_killed_mid_job_loses_nothing_and_duplicates_nothing(tmp_path):
    if not redis_up(SHARED_REDIS):
        pytest.skip(f"Redis not reachable at {SHARED_REDIS}")
    import redis

    redis.Redis.from_url(SHARED_REDIS).flushdb()
    db = str(tmp_path / "jobs.sqlite3")
    connect(db)
    first = start_worker(SHARED_REDIS, tmp_path, "first")
    second = None
    try:
        app = sender(SHARED_REDIS)
        app.send_task("trust.record_job", args=[db, "import-1", 5.0])
        app.send_task("trust.record_job", args=[db, "screening-1", 0.0])
        wait_for(lambda: counts(db)[0] >= 1, 60, "the first job to start", tmp_path)
        kill_hard(first)  # kill -9 of the whole worker while the import sleeps half-way
        assert counts(db)[1] == 0, "the killed job must not have finished"
        second = start_worker(SHARED_REDIS, tmp_path, "second")
        wait_for(lambda: counts(db)[1] == 2, VISIBILITY * 6, "both jobs to be done after the restart", tmp_path)
        attempts, done, effects = counts(db)
        assert attempts >= 3, "the killed job was not delivered again"
        assert (done, effects) == (2, 2)
    finally:
        stop(first)
        if second is not None:
            stop(second)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(port: int, data: Path) -> subprocess.Popen:
    # Append-only file fsynced at every write: what docs/operations.md asks of the production Redis.
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data), "--appendonly", "yes",
               "--appendfsync", "always", "--save", "", "--protected-mode", "yes"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    wait_for(lambda: redis_up(f"redis://127.0.0.1:{port}/0"), 20, "redis to start")
    return process


def test_a_redis_restart_loses_no_queued_or_running_job(tmp_path):
    # A private Redis: restarting the shared one would disturb everyone else using it.
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    port, data = free_port(), tmp_path / "redis"
    data.mkdir()
    broker = f"redis://127.0.0.1:{port}/0"
    server = start_redis(port, data)
    db = str(tmp_path / "jobs.sqlite3")
    connect(db)
    worker = start_worker(broker, tmp_path, "worker")
    try:
        app = sender(broker)
        app.send_task("trust.record_job", args=[db, "screening-2026-11", 4.0])
        for n in range(3):
            app.send_task("trust.record_job", args=[db, f"import-{n}", 0.0])
        wait_for(lambda: counts(db)[0] >= 1, 60, "the first job to start", tmp_path)
        kill_hard(server)  # Redis dies with one job running and three queued
        time.sleep(1)
        server = start_redis(port, data)
        wait_for(lambda: counts(db)[1] == 4, VISIBILITY * 8, "every job to be done after the restart", tmp_path)
        time.sleep(2)  # a late duplicate delivery would show up here
        _attempts, done, effects = counts(db)
        assert (done, effects) == (4, 4)
    finally:
        stop(worker)
        stop(server)
