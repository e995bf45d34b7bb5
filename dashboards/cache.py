"""The dashboards' cache: figures are kept under a generation number that any change bumps.

A key is ``dashboards:<generation>:<scope>:<page>``. Bumping the generation makes every cached page
stale at once without knowing which keys exist (the cache backend may be Redis, a file cache or
memory). Imports, screening runs and edits call :func:`bump`; the signal handlers in
``dashboards.signals`` bump it on every save or delete of a counted model as a fallback, and a
timeout bounds how long a figure can be stale if a bulk write forgot to bump.

Stale while refreshing: each page's last figures are also kept under a key without the generation,
with how long they took to count. When the current generation has no figures yet and the last
count took ``DASHBOARD_SYNC_SECONDS`` or longer (two seconds; the district page of a million
households takes half a minute), the page shows the last figures at once, marked with their time and as being
refreshed, and a Celery task counts them again (one task per page at a time, and at most one
every ``DASHBOARD_MIN_RECOUNT_SECONDS``, five minutes by default). A page that counts
quickly is always counted on the spot, so small districts and the tests never see stale figures.
"""

import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)

GENERATION_KEY = "dashboards:generation"
# A backstop, not the mechanism: bulk writes that skip both signals and bump() are seen within this.
TIMEOUT = 15 * 60
# The generation must outlive every page cached under it, or a restart of the count could serve
# pages cached under an older generation of the same number.
GENERATION_TIMEOUT = None


def generation() -> int:
    """The current generation number (created on first use)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        # add() does nothing if another process created it meanwhile: both then read the same value.
        cache.add(GENERATION_KEY, _fresh_start(), timeout=GENERATION_TIMEOUT)
        value = cache.get(GENERATION_KEY, 0)
    return int(value)


def _fresh_start() -> int:
    # A missing generation may have been evicted while pages cached under it live on: start from
    # the clock in microseconds, above any number reached by counting up from an earlier start (a
    # bump takes longer than a microsecond).
    return time.time_ns() // 1_000


def bump() -> None:
    """Make every cached dashboard stale: call after an import, a screening run or a bulk edit."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, _fresh_start(), timeout=GENERATION_TIMEOUT)


def _digest(parts: tuple) -> str:
    raw = ":".join(str(p) for p in parts)
    return hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()[:20]


def key_for(*parts: Any, generation_number: int | None = None) -> str:
    """A cache key for the current (or given) generation and the given parts (scope, page)."""
    number = generation() if generation_number is None else generation_number
    return f"dashboards:{number}:{_digest(parts)}"


def latest_key(parts: tuple) -> str:
    """Where a page's last figures stay, whatever the generation."""
    return f"dashboards:latest:{_digest(parts)}"


def lock_key(parts: tuple) -> str:
    return f"dashboards:refreshing:{_digest(parts)}"


# The last figures of a page outlive many generations: they are what a slow page shows meanwhile.
# Kept for a quarter, so that a head who opens the dashboard once a month never waits for a count.
LATEST_TIMEOUT = 92 * 24 * 60 * 60
# A refresh that died (a killed worker) stops blocking the next one after this.
LOCK_TIMEOUT = 30 * 60


def sync_seconds() -> float:
    """Pages whose last count took less than this are counted during the request."""
    return float(getattr(settings, "DASHBOARD_SYNC_SECONDS", 2.0))


def page(parts: tuple, compute: Callable[[], dict], refresh: Callable[[], None]) -> dict:
    """A page's figures (a dict): fresh if cached; else the last ones at once while ``refresh()``
    recounts them in the background, if the last count was slow; else counted now.

    Figures served before their recount carry ``"stale": True``.
    """
    number = generation()
    value = cache.get(key_for(*parts, generation_number=number))
    if value is not None:
        return value
    latest = cache.get(latest_key(parts))
    if latest is not None and latest["seconds"] >= sync_seconds():
        if cache.add(lock_key(parts), 1, timeout=LOCK_TIMEOUT):
            try:
                refresh()
            except Exception:
                cache.delete(lock_key(parts))
                log.exception("dashboard refresh could not be queued")
        return {**latest["value"], "stale": True}
    return store(parts, compute, generation_number=number)


def store(parts: tuple, compute: Callable[[], dict], *, generation_number: int | None = None) -> dict:
    """Count a page now and keep it under the generation read before counting.

    A change made while counting bumps the generation, so figures that may have missed it are
    stored under the old number and count as stale at once.
    """
    number = generation() if generation_number is None else generation_number
    started = time.perf_counter()
    value = compute()
    seconds = time.perf_counter() - started
    cache.set(key_for(*parts, generation_number=number), value, timeout=TIMEOUT)
    cache.set(latest_key(parts), {"value": value, "seconds": seconds}, timeout=LATEST_TIMEOUT)
    return value


def min_recount_seconds() -> float:
    """The shortest time between the starts of two background recounts of one page."""
    return float(getattr(settings, "DASHBOARD_MIN_RECOUNT_SECONDS", 300))


def release(parts: tuple, *, started: float) -> None:
    """Let a later request queue a recount of this page again, once the minimum interval since
    this recount's start (``started``, a ``time.monotonic()`` reading) has passed.

    While every saved visit bumps the generation, a page in view would otherwise be recounted back
    to back, each count a full pass over the district's tables.
    """
    wait = min_recount_seconds() - (time.monotonic() - started)
    if wait >= 1:
        cache.set(lock_key(parts), 1, timeout=int(wait))
    else:
        cache.delete(lock_key(parts))
