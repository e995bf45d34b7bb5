import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from .otp import otp_required

# Written at login by accounts.signals; a session without it (older ones) is stamped on first use.
AUTH_AT = "portal_auth_at"
LAST_SEEN = "last_seen"


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not send: what the browser may use and share."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("X-Permitted-Cross-Domain-Policies", "none")
        return response


class PersonalDataNoStoreMiddleware:
    """Keep signed-in pages out of browser and proxy caches, and end idle and old sessions.

    Every page a signed-in user sees may carry households' personal data, so none of them may
    be stored by a shared computer's browser. A session idle for longer than SESSION_IDLE_SECONDS,
    or older than SESSION_ABSOLUTE_SECONDS however busy, is ended. So is every session of a user
    who needs a second factor (accounts.otp.otp_required) without a device verified in it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ended = self._end_reason(request, user)
            if ended:
                return self._to_login(request, ended)
        response = self.get_response(request)
        if user is not None and user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            add_never_cache_headers(response)
        return response

    def _end_reason(self, request, user) -> str:
        """Why this session must end now, or "" when it may go on."""
        now = int(time.time())
        session = request.session
        last = session.get(LAST_SEEN)
        if last is not None and now - last > settings.SESSION_IDLE_SECONDS:
            return _("You were logged out after %(minutes)d minutes without activity.") % {
                "minutes": settings.SESSION_IDLE_SECONDS // 60
            }
        started = session.get(AUTH_AT)
        if started is None:
            session[AUTH_AT] = now
        elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
            return _("Your session reached its maximum length of %(hours)d hours; please log in again.") % {
                "hours": settings.SESSION_ABSOLUTE_SECONDS // 3600
            }
        # Checked on every request, not only at login: a session made another way (an older
        # login, a role changed to head, a deleted or unconfirmed device) holds no verified device.
        if otp_required(user) and not _verified(user):
            return _("Your account needs a code from your authenticator app; please log in again.")
        # Saving the session on every request would cost a write each; a minute's precision is enough.
        if last is None or now - last > 30:
            session[LAST_SEEN] = now
        return ""

    def _to_login(self, request, reason: str):
        logout(request)
        messages.info(request, reason)
        url = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            # htmx would swap the login page into a fragment; tell it to load the page instead.
            return HttpResponse(status=204, headers={"HX-Redirect": url})
        return redirect(url)


def _verified(user) -> bool:
    """Whether django-otp's middleware found a confirmed device of this user verified in the session."""
    # Without OTPMiddleware there is no is_verified(): fail closed rather than let the session go on.
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


class PortalLocaleMiddleware:
    """Simplified Chinese for everyone, whatever language the browser asks for.

    A district portal speaks Chinese; English is shown only to a user who chose it with the
    language switch (kept on the user, ``User.language``), or, before logging in, to a browser
    that chose it on the login page (Django's language cookie). Accept-Language is never read.
    Stands where Django's LocaleMiddleware would, after authentication so that it knows the user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def chosen_language(request) -> str:
    """The language this request is answered in: the user's choice, else the login page's, else Chinese."""
    available = {code for code, _name in settings.LANGUAGES}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        choice = getattr(user, "language", "")
    else:
        choice = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return choice if choice in available else settings.LANGUAGE_CODE


class AdminStaffOnlyMiddleware:
    """A signed-in user who is not staff gets a 403 page on /admin/, not the admin's login page.

    The admin sends such a user to its login, which (being the portal's login) sends a signed-in
    user on to the admin again: a redirect loop. Anonymous users still go to the login page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.core.exceptions import PermissionDenied
        from django.urls import reverse

        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not (user.is_active and user.is_staff)
            and request.path.startswith(reverse("admin:index"))
        ):
            raise PermissionDenied
        return self.get_response(request)
