"""A Redis cache that is optional to reading: when Redis is down, the portal works from the database.

Nothing the portal keeps in the cache is the only copy of anything (dashboard figures are counted
again, an import's progress and heartbeat are hints). So a cache operation that cannot reach Redis
answers as a miss (``get`` → the default, ``set``/``add`` → not stored) instead of raising, and the
page is served from the database. Two bounds keep an outage cheap:

- the connection and read timeouts are short (``CACHE_CONNECT_TIMEOUT_MS`` and
  ``CACHE_READ_TIMEOUT_MS``, 200 and 500 ms by default), so one failed attempt costs milliseconds;
- after a failure the cache is not tried again for ``CACHE_RETRY_SECONDS`` (5 s): during an
  outage every other operation of every request costs nothing at all.

:func:`cache_unavailable` says whether the last attempt failed; pages show a notice then
(``portal.context_processors.services``).
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

_down_until = 0.0  # monotonic time until which Redis is not tried again (shared by the process's threads)
_checked_at = 0.0  # monotonic time of the last PING that answered (redis_down)
_local = threading.local()  # this thread's last operation: did it fail to reach Redis?
_lock = threading.Lock()


def retry_seconds() -> float:
    return float(getattr(settings, "CACHE_RETRY_SECONDS", 5))


def cache_unavailable() -> bool:
    """True while the cache is known to be down (the last attempt failed, and not long ago)."""
    return time.monotonic() < _down_until


def last_operation_failed() -> bool:
    """Whether this thread's last cache operation could not reach Redis (its answer was a stand-in)."""
    return getattr(_local, "failed", False)


def _mark_down(exc: Exception) -> None:
    global _down_until
    with _lock:
        first = not cache_unavailable()
        _down_until = time.monotonic() + retry_seconds()
    if first:
        log.warning("cache unavailable, serving from the database: %r", exc)


def reset() -> None:
    """Forget a past failure and the last check (tests, and after the operator fixed Redis)."""
    global _down_until, _checked_at
    with _lock:
        _down_until = 0.0
        _checked_at = 0.0


def _errors() -> tuple:
    import redis

    return (redis.ConnectionError, redis.TimeoutError, OSError)


def _guarded(name: str, fallback):
    original = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        if cache_unavailable():
            _local.failed = True
            return fallback(*args, **kwargs) if callable(fallback) else fallback
        try:
            result = original(self, *args, **kwargs)
        except _errors() as exc:
            _mark_down(exc)
            _local.failed = True
            return fallback(*args, **kwargs) if callable(fallback) else fallback
        _local.failed = False
        return result

    method.__name__ = name
    method.__doc__ = original.__doc__
    return method


def _get_default(key, default=None, version=None):
    return default


def _incr_missing(*args, **kwargs):
    # What Django raises for a key that is not there: callers already handle it (dashboards.cache.bump).
    raise ValueError("cache unavailable")


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, answering as a miss when Redis cannot be reached (see the module)."""

    get = _guarded("get", _get_default)
    get_many = _guarded("get_many", {})
    set = _guarded("set", None)
    set_many = _guarded("set_many", lambda data, *a, **k: list(data))
    add = _guarded("add", False)
    touch = _guarded("touch", False)
    delete = _guarded("delete", False)
    delete_many = _guarded("delete_many", None)
    has_key = _guarded("has_key", False)
    incr = _guarded("incr", _incr_missing)
    clear = _guarded("clear", False)


def redis_down() -> bool:
    """Whether Redis (cache and broker) is down, for the notice on every page: known from the last
    failed operation, or else from a PING at most every ``CACHE_RETRY_SECONDS`` per process."""
    global _checked_at
    if cache_unavailable():
        return True
    if time.monotonic() - _checked_at < retry_seconds():
        return False
    if background_available():
        _checked_at = time.monotonic()
        return False
    return True


def background_available() -> bool:
    """Whether the broker that carries background tasks (imports' checks and commits) answers now.

    With Redis, one PING within the cache's short timeouts (none at all while the cache is known to
    be down); the embedded on-disk broker is always there. Uploads that need the worker are refused
    with a clear message when this is False, before anything is stored.
    """
    url = getattr(settings, "CELERY_BROKER_URL", "")
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return True
    if cache_unavailable():
        return False
    import redis

    client = redis.Redis.from_url(
        url,
        socket_connect_timeout=settings.CACHE_CONNECT_TIMEOUT_MS / 1000,
        socket_timeout=settings.CACHE_READ_TIMEOUT_MS / 1000,
    )
    try:
        return bool(client.ping())
    except _errors() as exc:
        _mark_down(exc)
        return False
    finally:
        client.close()


def background_unavailable_message() -> str:
    return _("The background service is unavailable; please try again later.")
