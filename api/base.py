"""What every API view shares: who may call, the body's limits, errors in Chinese, the access log."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from accounts.models import AccessLog, log_access

from .access import RolePermission, _too_large, max_body_bytes


def reject_unknown_fields(serializer_class):
    """Unknown fields are refused, never ignored (issue 18, bad input)."""

    original = serializer_class.to_internal_value

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: [_("Unknown field: not accepted.")] for key in unknown})
        return original(self, data)

    serializer_class.to_internal_value = to_internal_value
    return serializer_class


@reject_unknown_fields
class StrictSerializer(serializers.Serializer):
    pass


def validation_error_response(exc: DjangoValidationError) -> Response:
    """A service's ValidationError (its rules) as a 400 with the message per field."""
    if hasattr(exc, "error_dict"):
        errors = {
            ("non_field_errors" if k == "__all__" else k): [str(m) for e in v for m in e.messages]
            for k, v in exc.error_dict.items()
        }
    else:
        errors = {"non_field_errors": [str(m) for m in exc.messages]}
    return Response({"detail": _("Nothing was saved: see the errors."), "errors": errors}, status=400)


def api_exception_handler(exc, context):
    """Every error as {"detail": "...", "errors": {field: [...]}} in Chinese; nothing half-written."""
    if isinstance(exc, DjangoValidationError):
        return validation_error_response(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found, or outside your area."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        data = exc.detail
        if isinstance(data, list):
            data = {"non_field_errors": data}
        response.data = {"detail": _("Nothing was saved: see the errors."), "errors": data}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    return response


class PortalAPIView(APIView):
    """The base of every API view: role and token scope, rate limit, size limit, access log, no caching."""

    permission_classes = [RolePermission]
    required_perms: dict = {}
    token_scope: dict = {"GET": "read"}

    def initial(self, request, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_body_bytes():
            raise _too_large()
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        self._log_call(request, response)
        return response

    def _log_call(self, request, response):
        """Every call in the access log: who (the token's account or the user), what, and the answer."""
        user = getattr(request, "user", None)
        token = getattr(request, "auth", None) or getattr(request, "api_token", None)
        token_text = f" token={token.prefix}" if hasattr(token, "prefix") else ""
        action = AccessLog.Action.VIEW if request.method in ("GET", "HEAD", "OPTIONS") else AccessLog.Action.IMPORT
        log_access(
            user,
            action,
            object_type="api",
            detail=f"API {request.method} {request.path} → {response.status_code}{token_text}",
        )
