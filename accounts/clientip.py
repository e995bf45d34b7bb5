"""The client's address, as far as it can be trusted.

X-Forwarded-For is written by whoever sends the request, so only its right-most entries, those
appended by our own reverse proxies, are believed. With TRUSTED_PROXY_COUNT = 0 (the default) the
header is ignored and the socket's address is the client. With N proxies, the N-th entry from the
right is the address the outermost proxy saw; anything a client prepended is left of it and never
read. TRUSTED_PROXY_IPS is required with a count (settings refuse to start without it): the
header is read only on requests that come from one of those proxies.
"""

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address lockouts and the login record use for this request."""
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if not count:
        return remote
    trusted = getattr(settings, "TRUSTED_PROXY_IPS", [])
    if remote not in trusted:
        # Not from our proxy (or no proxy named): a forged header from a client that reached us directly.
        return remote
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(hops) < count:
        return remote
    return _valid(hops[-count]) or remote
