import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect, resolve_url
from django.utils.cache import add_never_cache_headers


class PersonalDataNoStoreMiddleware:
    """Keep signed-in pages out of browser and proxy caches, and end idle sessions.

    Every page a signed-in user sees may carry households' personal data, so none of them may
    be stored by a shared computer's browser. A session idle for longer than
    SESSION_IDLE_SECONDS is ended; SESSION_COOKIE_AGE bounds its absolute length.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_seen")
            if last is not None and now - last > settings.SESSION_IDLE_SECONDS:
                logout(request)
                return redirect(f"{resolve_url(settings.LOGIN_URL)}?next={request.path}")
            if last is None or now - last > 30:
                request.session["last_seen"] = now
        response = self.get_response(request)
        if user is not None and user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            add_never_cache_headers(response)
        return response
