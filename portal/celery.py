"""The Celery application. Workers and beat read Django's settings under the CELERY_ prefix.

Why a Redis blip used to kill the worker for good (celery 5.7.0, kombu 5.7.0, redis 8.1.0), and
what :func:`_guard_redis_channels` changes:

1. Redis goes away while a task runs. Celery 5.7's consumer closes the broken connection at once
   (``Consumer.on_connection_error_after_connected``) and cancels the running late-acknowledged
   task (``worker_cancel_long_running_tasks_on_connection_loss``).
2. Closing a kombu connection while Redis is down stops half-way: a channel's ``close()`` drops its
   connection pools first, then fails on Redis ("Restoring 1 unacknowledged message(s)" cannot
   reach it), and the connection then forgets its client (``Transport.client = None``).
3. The cancelled task's outcome arrives a moment later and Celery acknowledges or, with
   ``task_reject_on_worker_lost``, rejects and requeues its message on that old channel. The
   channel rebuilds its pool from the connection's client, which is gone:
   ``AttributeError: 'NoneType' object has no attribute 'hostname'`` in
   ``kombu.transport.redis.Channel._connparams`` (or ``… 'client'`` once the channel is closed).
4. An AttributeError is not one of the transport's connection errors, so Celery does not log it
   as a failed acknowledgement and go on: the consumer dies with "Unrecoverable error".

The guard makes that case what it is, a lost connection: the channel raises a Redis
``ConnectionError``, which Celery logs ("Couldn't ack") and survives. The message stays in the
broker's unacknowledged set and is delivered again after the visibility timeout; the portal's tasks
are idempotent, so at-least-once is safe. ``tests/trust/test_redis_faults.py`` stops a private
Redis under a running task and checks that the worker lives and the task completes once.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def _guard_redis_channels() -> None:
    try:
        import redis
        from kombu.transport import redis as kombu_redis
    except ImportError:  # pragma: no cover - the embedded default needs no Redis client
        return
    channel = kombu_redis.Channel
    if getattr(channel, "_portal_guarded", False):
        return
    original = channel._connparams

    def _connparams(self, asynchronous=False):
        transport = getattr(self, "connection", None)
        if transport is None or getattr(transport, "client", None) is None:
            raise redis.ConnectionError("the broker connection of this channel was closed")
        return original(self, asynchronous=asynchronous)

    channel._connparams = _connparams
    channel._portal_guarded = True


_guard_redis_channels()

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _add_heartbeat(celery_app) -> None:
    from portal.heartbeat import WorkerHeartbeat

    celery_app.steps["consumer"].add(WorkerHeartbeat)


_add_heartbeat(app)
