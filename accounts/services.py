"""Writes with rules on staff accounts."""

from importlib import import_module

from django.conf import settings
from django.db import transaction

from .models import LoginSession, User


def user_sessions_end(*, user: User) -> int:
    """End every signed-in session of the user at once; returns how many were ended."""
    engine = import_module(settings.SESSION_ENGINE)
    keys = list(LoginSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        engine.SessionStore(session_key=key).delete()
    LoginSession.objects.filter(user=user).delete()
    return len(keys)


@transaction.atomic
def user_disable(*, user: User, actor=None) -> int:
    """Disable the account and end its sessions; returns how many sessions were ended."""
    open_sessions = LoginSession.objects.filter(user=user).count()
    user.is_active = False
    user.save(update_fields=["is_active"])  # the post_save signal ends the sessions
    return open_sessions
