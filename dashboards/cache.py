"""The dashboards' cache: figures are kept under a generation number that any change bumps.

A key is ``dashboards:<generation>:<scope>:<page>``. Bumping the generation makes every cached page
stale at once without knowing which keys exist (the cache backend may be Redis, a file cache or
memory). Imports, screening runs and edits call :func:`bump`; the signal handlers in
``dashboards.signals`` bump it on every save or delete of a counted model as a fallback, and a
timeout bounds how long a figure can be stale if a bulk write forgot to bump.
"""

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

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


def key_for(*parts: Any) -> str:
    """A cache key for the current generation and the given parts (scope, page)."""
    raw = ":".join(str(p) for p in parts)
    digest = hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()[:20]
    return f"dashboards:{generation()}:{digest}"


def cached(parts: tuple, compute: Callable[[], Any]) -> Any:
    """The value cached under ``parts`` for the current generation, computed on a miss."""
    key = key_for(*parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=TIMEOUT)
    return value
