import time

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .clientip import client_ip
from .models import LoginSession, User
from .otp import otp_required
from .roles import assign_role_group


@receiver(post_save, sender=User, dispatch_uid="accounts.user_role_group")
def keep_role_group(sender, instance: User, raw=False, **kwargs):
    """The role field decides the role group, whoever saved the user (admin, command, import)."""
    if not raw:
        assign_role_group(instance)


@receiver(pre_save, sender=User, dispatch_uid="accounts.user_before_save")
def remember_previous_state(sender, instance: User, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._previous = None
        return
    instance._previous = User.objects.filter(pk=instance.pk).values("is_active", "role", "is_superuser").first()


@receiver(post_save, sender=User, dispatch_uid="accounts.user_end_sessions")
def end_sessions_when_access_shrinks(sender, instance: User, raw=False, **kwargs):
    """Disabling a user ends their sessions at once, wherever they are signed in; so does a new
    role that needs a second factor their current sessions never gave."""
    previous = getattr(instance, "_previous", None)
    if raw or not previous:
        return
    disabled = previous["is_active"] and not instance.is_active
    was_otp = previous["is_superuser"] or previous["role"] in _otp_roles()
    if disabled or (otp_required(instance) and not was_otp):
        from .services import user_sessions_end

        # At once, not on commit: a session wrongly ended costs a login, one left open costs data.
        user_sessions_end(user=instance)


def _otp_roles():
    from django.conf import settings

    return settings.OTP_REQUIRED_ROLES


@receiver(user_logged_in, dispatch_uid="accounts.record_login_session")
def record_login_session(sender, request, user, **kwargs):
    """Stamp the session's start (for the absolute timeout) and list it under the user."""
    if request is None or not hasattr(request, "session"):
        return
    session = request.session
    session["portal_auth_at"] = int(time.time())
    if session.session_key is None:
        session.save()
    LoginSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "ip_address": client_ip(request) if hasattr(request, "META") else None,
            "user_agent": (request.META.get("HTTP_USER_AGENT", "") if hasattr(request, "META") else "")[:200],
        },
    )


@receiver(user_logged_out, dispatch_uid="accounts.forget_login_session")
def forget_login_session(sender, request, user, **kwargs):
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        LoginSession.objects.filter(session_key=key).delete()


@receiver(user_logged_in, dispatch_uid="accounts.keep_login_page_language")
def keep_login_page_language(sender, request, user, **kwargs):
    """English chosen on the login page stays chosen after it, for a user who never chose before."""
    from django.conf import settings

    if request is None or user.language:
        return
    choice = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if choice != settings.LANGUAGE_CODE and choice in {code for code, _name in settings.LANGUAGES}:
        user.language = choice
        user.save(update_fields=["language"])
