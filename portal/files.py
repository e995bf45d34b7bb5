"""Uploaded files (visit photos, hazard photos, report attachments, workbooks) are never served publicly.

A view checks the reader's scope, then hands the file over with :func:`private_file_response`. With
``PROTECTED_MEDIA_URL`` set (production behind nginx), the response is empty and carries
``X-Accel-Redirect``: nginx sends the file from an ``internal`` location (docs/operations.md), so the
web worker never streams it. Without it (development), Django streams the file itself. ``/media/``
itself is served by nobody.
"""

import mimetypes
import secrets
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse


def random_name(folder: str, filename: str) -> str:
    """``folder/<random>.<ext>``: a stored name that cannot be guessed from an id or the original name."""
    ext = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "bin"
    ext = "".join(c for c in ext if c.isalnum()) or "bin"
    return f"{folder.rstrip('/')}/{secrets.token_urlsafe(18)}.{ext}"


def private_file_response(field_file, *, as_attachment: bool = False, filename: str | None = None):
    """The file of ``field_file`` for a reader the calling view has already checked."""
    if not field_file or not field_file.storage.exists(field_file.name):
        raise Http404
    prefix = getattr(settings, "PROTECTED_MEDIA_URL", "")
    if prefix:
        response = HttpResponse(content_type=mimetypes.guess_type(field_file.name)[0] or "application/octet-stream")
        response["X-Accel-Redirect"] = quote(f"{prefix.rstrip('/')}/{field_file.name}")
        if as_attachment:
            shown = filename or field_file.name.rsplit("/", 1)[-1]
            response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(shown)}"
    else:
        response = FileResponse(field_file.open("rb"), as_attachment=as_attachment, filename=filename)
    response["Cache-Control"] = "private, max-age=3600"
    return response
