"""Rate limits: per token, per signed-in user, per address for calls with neither (settings.REST_FRAMEWORK)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class ApiRateThrottle(SimpleRateThrottle):
    """One bucket per token (``api_token``), per user (``api_user``) or per address (``api_anon``)."""

    def get_rate(self):
        return None  # chosen per request in allow_request

    def allow_request(self, request, view):
        token = getattr(request, "auth", None)
        rates = api_settings.DEFAULT_THROTTLE_RATES  # read at each call, so settings overrides apply
        if token is not None and hasattr(token, "prefix"):
            self.scope, ident = "api_token", f"token-{token.pk}"
        elif request.user and request.user.is_authenticated:
            self.scope, ident = "api_user", f"user-{request.user.pk}"
        else:
            self.scope, ident = "api_anon", f"addr-{self.get_ident(request)}"
        self.rate = rates.get(self.scope)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key = self.cache_format % {"scope": self.scope, "ident": ident}
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return self.throttle_failure()
        return self.throttle_success()
