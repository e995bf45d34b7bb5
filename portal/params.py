"""Query-string values read defensively: a crawler's or a typo's garbage is ignored, never a 500."""

MAX_ID = 2**63 - 1  # the largest primary key any supported database stores


def int_param(request, name: str) -> int | None:
    """The positive integer in ``request.GET[name]``, or None when it is absent or not a usable id."""
    raw = request.GET.get(name, "").strip()
    if not raw.isdigit():
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None
