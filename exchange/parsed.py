"""The preview's parsed rows, kept beside the upload so that the commit need not read the file again.

Reading and parsing a workbook of 100,000 households takes about as long as all the database
checks together; the commit used to do both again. Now the preview stores what it parsed (before
the database checks, which depend on the data of the moment) and the commit loads it, then re-runs
every database check (scope, existing keys, new / changed) on the data as it is at commit time.

The stored rows are a pickle, so the file is signed with the server's secret key (HMAC-SHA256)
and read only if the signature, the upload's SHA-256 and this format's version all match; anything
else (a missing, damaged, foreign or older file) is ignored and the workbook is read again. Only a
workbook whose every cell parsed is stored: one with invalid cells cannot be committed anyway.
"""

import contextlib
import hmac
import logging
import os
import pickle
from pathlib import Path

from django.utils.crypto import salted_hmac

from .importer import Analysis, Columns, Parsed, SheetReport

log = logging.getLogger(__name__)

# Bump when Row, SheetReport or the parsers change what a parsed value is.
FORMAT = 2
SALT = "exchange.parsed"
DIGEST_BYTES = 32


def path_for(upload_path: str) -> Path:
    return Path(f"{upload_path}.rows")


def _sign(payload: bytes) -> bytes:
    return salted_hmac(SALT, payload, algorithm="sha256").digest()


def save(parsed: Parsed, upload_path: str, *, sha256: str) -> bool:
    """Store ``parsed`` beside the upload; False (nothing stored) when it has invalid cells."""
    if parsed.analysis.error_count:
        return False
    sheets = [
        (kind, index, (c.sheet, c.first, c.headers, c.attrs, c.keep, c.outputs)) for kind, index, c in parsed.columns
    ]
    state = {"format": FORMAT, "sha256": sha256, "reports": [vars(r) for r in parsed.analysis.sheets], "sheets": sheets}
    payload = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    target = path_for(upload_path)
    partial = target.with_name(f"{target.name}.part")
    with open(partial, "wb") as out:
        out.write(_sign(payload))
        out.write(payload)
    os.replace(partial, target)  # a reader never sees half a file
    return True


def load(upload_path: str, *, sha256: str) -> Parsed | None:
    """The rows stored for this upload, or None when there are none that can be trusted."""
    target = path_for(upload_path)
    try:
        data = target.read_bytes()
    except OSError:
        return None
    digest, payload = data[:DIGEST_BYTES], data[DIGEST_BYTES:]
    if not hmac.compare_digest(digest, _sign(payload)):
        log.warning("parsed rows %s: bad signature, ignored", target.name)
        return None
    state = pickle.loads(payload)  # noqa: S301 - signed by this server's secret key, checked above
    if state.get("format") != FORMAT or state.get("sha256") != sha256:
        return None
    analysis = Analysis(sheets=[SheetReport(**r) for r in state["reports"]])
    by_kind: dict[str, list] = {}
    columns = []
    for kind, index, cells in state["sheets"]:
        sheet_columns = Columns(*cells)
        columns.append((kind, index, sheet_columns))
        by_kind.setdefault(kind, []).append((analysis.sheets[index], sheet_columns.rows()))
    return Parsed(analysis, by_kind, columns)


def discard(upload_path: str) -> None:
    """Delete the stored rows of an upload (after its commit or cancellation)."""
    with contextlib.suppress(FileNotFoundError):
        path_for(upload_path).unlink()
