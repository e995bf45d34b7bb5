"""Who is calling: the portal's session (its own pages), or a unit's API token (other systems)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import KEY_PREFIX, ApiToken, hash_key


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer gfp_…``. An unknown, expired or revoked key is a 401, never a fallback."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in ("bearer", "token"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("The Authorization header must be: Bearer <token>."))
        key = header[1].decode(errors="replace")
        token = None
        if key.startswith(KEY_PREFIX):
            token = ApiToken.objects.select_related("account").filter(key_hash=hash_key(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("The API token is not valid."))
        request.api_token = token
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("The API token has been revoked."))
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(_("The API token has expired; ask the administrator for a new one."))
        if not token.account.is_active:
            raise exceptions.AuthenticationFailed(_("The API token's account is disabled."))
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.account, token

    def authenticate_header(self, request):
        return self.keyword
