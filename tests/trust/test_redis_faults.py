"""A Redis blip under a running task: the worker lives on and the task is done exactly once.

Celery 5.7 + kombu 5.7 used to die here ("Unrecoverable error: AttributeError: 'NoneType' object
has no attribute 'hostname'"); portal/celery.py explains why and guards against it.
"""

import time

import pytest
from kombu import Connection

from portal.celery import _guard_redis_channels
from tests.trust.fault_tasks import connect
from tests.trust.redis_server import RedisServer
from tests.trust.test_celery_faults import VISIBILITY, counts, sender, start_worker, stop, wait_for


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


def test_a_late_ack_on_a_connection_closed_half_way_is_a_connection_error(redis_server):
    """The exact state the worker is in after a blip: the channel's pools dropped, the connection's
    client gone. Unguarded, rejecting the running task's message raised AttributeError ('hostname')."""
    import redis

    _guard_redis_channels()
    url = redis_server.url(3)
    with Connection(url) as producer:
        producer.SimpleQueue("blip").put({"job": 1})
    consumer = Connection(url, transport_options={"visibility_timeout": 30})
    message = consumer.SimpleQueue("blip").get(timeout=5)
    message.channel._disconnect_pools()
    consumer._do_close_transport()
    with pytest.raises(redis.ConnectionError):
        message.reject(requeue=True)
    # It is one of the errors Celery survives when acknowledging ("Couldn't ack …").
    assert issubclass(redis.ConnectionError, Connection(url).connection_errors)


@pytest.mark.slow
@pytest.mark.parametrize("seconds_down", [1, 3])
def test_a_redis_blip_under_a_running_task_leaves_the_worker_alive_and_the_task_done_once(
    tmp_path, redis_server, seconds_down
):
    broker = redis_server.url()
    db = str(tmp_path / "jobs.sqlite3")
    connect(db)
    worker = start_worker(broker, tmp_path, "worker")
    try:
        app = sender(broker)
        app.send_task("trust.record_job", args=[db, "screening", 4.0])
        app.send_task("trust.record_job", args=[db, "import", 0.0])
        wait_for(lambda: counts(db)[0] >= 1, 60, "the first job to start", tmp_path)
        redis_server.stop()  # Redis goes away while the screening runs
        time.sleep(seconds_down)
        redis_server.start()
        wait_for(lambda: counts(db)[1] == 2, VISIBILITY * 8, "both jobs to be done after the blip", tmp_path)
        time.sleep(2)  # a late duplicate would show up here
        assert worker.poll() is None, "the worker died:\n" + (tmp_path / "worker.log").read_text()[-3000:]
        _attempts, done, effects = counts(db)
        assert (done, effects) == (2, 2)
        # Still taking work after the blip.
        app.send_task("trust.record_job", args=[db, "after", 0.0])
        wait_for(lambda: counts(db)[1] == 3, 60, "a job sent after the blip", tmp_path)
        assert "Unrecoverable error" not in (tmp_path / "worker.log").read_text()
    finally:
        stop(worker)
