"""The body's limits and who may call: imported by DRF's settings, so nothing here imports rest_framework.views."""

import json

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, parsers, permissions, status


def max_body_bytes() -> int:
    return getattr(settings, "API_MAX_BODY_BYTES", 2 * 1024 * 1024)


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "too_large"


def _too_large():
    return BodyTooLarge(
        _("The request body is larger than %(mb)s MB; send fewer rows per call.")
        % {"mb": f"{max_body_bytes() / 1024 / 1024:g}"}
    )


class LimitedJSONParser(parsers.JSONParser):
    """JSON only, at most API_MAX_BODY_BYTES, with a Chinese message for JSON that does not parse."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = max_body_bytes()
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise _too_large()
        if not raw:
            return {}
        try:
            return json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise exceptions.ParseError(
                _("The body is not valid JSON (%(error)s).") % {"error": getattr(exc, "msg", str(exc))}
            ) from None


class RolePermission(permissions.BasePermission):
    """The role's permission, as the page's @permission_required, and the token's scope.

    A view names ``required_perms`` per method ({"GET": [...], "POST": [...]}) and ``token_scope``
    per method; a session (the portal's own pages) has no token scope to check.
    """

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        perms = view.required_perms.get(request.method, view.required_perms.get("*", []))
        if not request.user.has_perms(perms):
            return False
        token = getattr(request, "auth", None)
        if token is not None and hasattr(token, "scopes"):
            scope = view.token_scope.get(request.method, view.token_scope.get("*"))
            if scope not in (token.scopes or []):
                raise exceptions.PermissionDenied(
                    _("This API token was not given the scope %(scope)s.") % {"scope": scope}
                )
        return True
