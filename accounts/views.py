from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import user_login_failed
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login

from . import approvals as approval_queue
from . import otp
from .forms import LoginForm, TokenForm
from .models import LoginSession


class PortalLoginView(auth_views.LoginView):
    """Password first; heads and administrators then give a TOTP code before they are signed in."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if otp.otp_required(user):
            otp.begin(self.request, user, self.get_redirect_url())
            if otp.confirmed_device(user) is None:
                return redirect("accounts:otp_setup")
            return redirect("accounts:otp_verify")
        return super().form_valid(form)


def _safe_next(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url("home")


def _check_token(request, user, device, form):
    """Whether the posted code is right; a wrong code counts as a failed login for the lockout."""
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        return None
    allowed, details = device.verify_is_allowed()
    if not allowed:
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if not allowed and form.is_valid():
        # After a wrong code the authenticator is held back for a moment (doubling with each wrong
        # code): even the right code is refused until then, so say so rather than "wrong".
        locked_until = (details or {}).get("locked_until")
        when = timezone.localtime(locked_until).strftime("%H:%M:%S") if locked_until else ""
        form.add_error(
            "token",
            _(
                "After a wrong code, codes are accepted again from %(time)s. Then type the code "
                "your app shows at that moment (a new code every 30 seconds)."
            )
            % {"time": when},
        )
        return False
    if form.is_valid() and device.verify_token(form.cleaned_data["token"]):
        return True
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if form.is_valid():
        form.add_error("token", _("The code is wrong or has expired. Wait for the next code and try again."))
    return False


def _complete(request, user, backend, device, next_url):
    otp.clear(request)
    auth_login(request, user, backend=backend)
    # The middleware asks django-otp on every request whether this device is still confirmed.
    otp_login(request, device)
    LoginSession.objects.filter(session_key=request.session.session_key).update(second_factor=True)
    return redirect(_safe_next(request, next_url))


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """Second step of the login: the code from the user's enrolled authenticator."""
    found = otp.pending(request)
    if found is None:
        messages.info(request, _("Please log in again."))
        return redirect("accounts:login")
    user, backend, next_url = found
    device = otp.confirmed_device(user)
    if device is None:
        return redirect("accounts:otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        ok = _check_token(request, user, device, form)
        if ok is None:
            return get_lockout_response(request, credentials={"username": user.get_username()})
        if ok:
            return _complete(request, user, backend, device, next_url)
    return render(request, "accounts/otp_verify.html", {"form": form, "pending_user": user})


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """First login of a head or administrator: enrol an authenticator app, then give its first code."""
    found = otp.pending(request)
    if found is None:
        messages.info(request, _("Please log in again."))
        return redirect("accounts:login")
    user, backend, next_url = found
    if otp.confirmed_device(user) is not None:
        # Enrolling a second device needs the administrator: a stolen password must not add one.
        return redirect("accounts:otp_verify")
    device = otp.enrolment_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        ok = _check_token(request, user, device, form)
        if ok is None:
            return get_lockout_response(request, credentials={"username": user.get_username()})
        if ok:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            messages.success(request, _("The authenticator app is enrolled. You will need a code at every login."))
            return _complete(request, user, backend, device, next_url)
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "pending_user": user,
            "qr_code": otp.qr_code_data_uri(device),
            "secret": otp.secret_base32(device),
        },
    )


def admin_login(request, extra_context=None):
    """The admin site signs in through the portal's login, so that nobody skips the second factor."""
    from urllib.parse import urlencode

    next_url = request.GET.get("next", resolve_url("admin:index"))
    return redirect(f"{resolve_url('accounts:login')}?{urlencode({'next': next_url})}")


@require_http_methods(["POST"])
def set_language(request):
    """The language switch: Django's own view (cookie, safe redirect), and the choice kept on the user.

    The portal is Chinese for everyone until a user switches; a signed-in user's choice follows
    them to every browser they sign in from (accounts.middleware.PortalLocaleMiddleware).
    """
    from django.conf import settings
    from django.views.i18n import set_language as django_set_language

    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in {code for code, _name in settings.LANGUAGES}:
        chosen = "" if language == settings.LANGUAGE_CODE else language
        if request.user.language != chosen:
            request.user.language = chosen
            request.user.save(update_fields=["language"])
    return response


@login_required
@require_GET
def approvals(request):
    """待我审批: the cases, housing extensions and progress reports waiting for this user's decision."""
    if not approval_queue.may_have_queue(request.user):
        raise PermissionDenied
    queue = approval_queue.queue_for(request.user)
    approval_queue.remember_count(request.user, queue.total)
    return render(request, "accounts/approvals.html", {"queue": queue})
