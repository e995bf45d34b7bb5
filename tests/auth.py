"""Signed-in test clients without going through the login form.

The portal checks the second factor on every request, so a head's or an administrator's session
made with Django's ``force_login`` alone is ended at once. ``force_login`` here leaves the session
as the portal's own login does: for those users, a confirmed authenticator verified in the session.
Used by the ``client_of`` fixture, the browser tests and the benchmarks (bench/).
"""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import otp
from accounts.models import LoginSession

BACKEND = "django.contrib.auth.backends.ModelBackend"


def force_login(client, user):
    """Log ``client`` in as ``user``, with a verified second factor when the user needs one."""
    client.force_login(user, backend=BACKEND)
    if otp.otp_required(user):
        device = otp.confirmed_device(user) or TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        LoginSession.objects.filter(session_key=session.session_key).update(second_factor=True)
    return client
