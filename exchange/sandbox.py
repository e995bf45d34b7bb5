"""Reading an uploaded workbook in a child process whose memory is capped.

A crafted file of a few kilobytes can make a spreadsheet library allocate gigabytes; in a web
worker that kills the worker (and every request it serves). So every upload is read in a forked
child with ``RLIMIT_AS`` set to what the parent already maps plus ``EXCHANGE_READ_MEMORY_MB``
(500 MB by default): a file that needs more is refused with a message, and the child's death
touches nothing else. The child does no database or cache work; it returns its result pickled
through a temporary file and exits with ``os._exit`` (no atexit handler, no connection closed).
A reader that streams hands its rows over as it goes (:func:`emit`, a pickle per chunk appended
to a second file), so the child never holds a whole sheet's Python rows: the parent reads the
chunks back, one at a time, only once the child has exited cleanly.

``os.fork`` rather than multiprocessing: a Celery prefork worker's process is a daemon, and a
daemon may not start multiprocessing children. The child's peak resident memory (``ru_maxrss``
from ``wait4``) is kept in :data:`last` for the logs and the tests.
"""

import contextlib
import ctypes
import logging
import os
import pickle
import resource
import signal
import tempfile
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


@dataclass
class Run:
    baseline_kb: int = 0  # the parent's resident memory when it forked
    peak_kb: int = 0  # the child's peak resident memory (it starts with the parent's pages)
    outcome: str = ""
    # How the child read each sheet: {sheet name: "calamine" or "stream"} (exchange.reader.sheet_rows)
    paths: dict = field(default_factory=dict)

    @property
    def extra_mb(self) -> float:
        return max(0, self.peak_kb - self.baseline_kb) / 1024


_local = threading.local()


def last() -> Run | None:
    """The last capped run of this thread (for the logs and the tests)."""
    return getattr(_local, "run", None)


def budget_bytes() -> int:
    return int(getattr(settings, "EXCHANGE_READ_MEMORY_MB", 500)) * 1024 * 1024


def _status_kb(field: str) -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def enabled() -> bool:
    return bool(getattr(settings, "EXCHANGE_READ_IN_CHILD", True)) and hasattr(os, "fork")


def near_limit(margin: int = 32 * 1024 * 1024) -> bool:
    """In a capped child: whether its address space came within ``margin`` of the cap, so that a
    library's failure just now was most likely a failed allocation (some report it in other words)."""
    if not getattr(_local, "in_child", False):
        return False
    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    return limit != resource.RLIM_INFINITY and _status_kb("VmPeak") * 1024 >= limit - margin


def note_path(sheet: str, path: str) -> None:
    """In a capped child: remember how a sheet was read; the parent finds it in ``last().paths``."""
    paths = getattr(_local, "paths", None)
    if paths is not None:
        paths[sheet] = path


def emit(obj) -> None:
    """Hand ``obj`` (a chunk of rows) to the parent now: ``on_chunk(obj)`` of :func:`capped`."""
    _local.sink(obj)


def _fresh_start() -> int:
    """In a just-forked child: give back the heap the parent had freed but kept resident, and start
    the peak resident size from here; return the resident size (kB) the budget counts from.

    The address-space limit alone is blind to reading that reuses the parent's free heap (mapped,
    so not counted again): a long-lived web or test process may hold hundreds of MB of it. Trimmed,
    every page the reading touches counts in the child's resident peak, checked against the budget
    when it is done."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")
    return _status_kb("VmRSS")


def capped(func, *args, on_chunk=None, **kwargs):
    """``func(*args, **kwargs)`` in a memory-capped child; its result, or its exception re-raised.

    What ``func`` passes to :func:`emit` reaches ``on_chunk`` in the parent, in order, before the
    result is returned (and never when the child failed). Raises the reader's BadFile when the
    child runs out of its memory or dies.
    """
    from .reader import BadFile

    if not enabled():
        _local.sink = on_chunk
        try:
            return func(*args, **kwargs)
        finally:
            _local.sink = None
    run = Run(baseline_kb=_status_kb("VmRSS"))
    _local.run = run
    address_space = _status_kb("VmSize") * 1024 + budget_bytes()
    with tempfile.TemporaryDirectory(prefix="portal-read-") as folder:
        out = os.path.join(folder, "result.pickle")
        chunks = os.path.join(folder, "chunks.pickle")
        pid = os.fork()
        if pid == 0:  # the child
            code = 0
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                start_kb = _fresh_start()
                resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
                _local.in_child = True
                _local.paths = {}
                try:
                    with open(chunks, "wb") as sink:
                        _local.sink = lambda obj: pickle.dump(obj, sink, protocol=pickle.HIGHEST_PROTOCOL)
                        result = ("ok", func(*args, **kwargs))
                    if (_status_kb("VmHWM") - start_kb) * 1024 > budget_bytes():
                        result = ("memory", None)  # grew past the budget inside the parent's free heap
                except MemoryError:
                    result = ("memory", None)
                except BadFile as exc:
                    result = ("bad", str(exc))
                except Exception as exc:  # reported to the parent, which re-raises
                    result = ("error", exc)
                result = (*result, _local.paths)
                with open(out, "wb") as handle:
                    try:
                        pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
                    except Exception:  # an exception that does not pickle
                        handle.seek(0)
                        handle.truncate()
                        pickle.dump(("error", RuntimeError(repr(result[1])), {}), handle)
            except MemoryError:
                code = 3
            except BaseException:  # nothing may escape a forked child
                code = 4
            finally:
                os._exit(code)
        _pid, status, usage = os.wait4(pid, 0)
        run.peak_kb = usage.ru_maxrss
        outcome = None
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
            try:
                with open(out, "rb") as handle:
                    outcome = pickle.load(handle)  # noqa: S301 - written by our own child just now
                if outcome[0] == "ok" and on_chunk is not None:
                    with open(chunks, "rb") as handle:
                        while handle.peek(1):
                            on_chunk(pickle.load(handle))  # noqa: S301 - our own child's chunks
            except (OSError, EOFError, pickle.UnpicklingError, MemoryError):
                outcome = None
    if outcome is None:
        # Killed (a library's failed allocation aborts the process), or out of memory while writing.
        run.outcome = "died"
        log.warning("workbook reader died (status %s, peak %.0f MB more than its parent)", status, run.extra_mb)
        raise too_big()
    kind, value, run.paths = outcome
    run.outcome = kind
    if kind == "ok":
        return value
    if kind == "bad":
        raise BadFile(value)
    if kind == "memory":
        log.warning("workbook reader ran out of its %s MB", budget_bytes() // 1048576)
        raise too_big()
    raise value


def too_big():
    from .reader import BadFile

    return BadFile(
        _(
            "Reading this workbook needs more memory than the %(limit)s MB an upload may use; it has "
            "been refused. Delete empty rows and columns after the table, or split it into several workbooks."
        )
        % {"limit": budget_bytes() // 1048576}
    )
