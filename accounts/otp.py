"""The second factor: TOTP codes (an authenticator app on the phone) for heads and administrators.

A user whose role needs it is not signed in after the password: the session holds a pending
login for a few minutes, and only a valid code (or, the first time, enrolling a device and
giving its first code) completes it. Django's login() is called only then.
"""

import base64
import time
from io import BytesIO

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

PENDING_KEY = "portal_pending_login"


def otp_required(user) -> bool:
    """Whether this user must give a TOTP code at login."""
    return bool(user.is_superuser or user.role in settings.OTP_REQUIRED_ROLES)


# The authenticator seed_demo gives the demo district's heads and administrators (manage.py demo_otp).
DEMO_DEVICE_NAME = "演示验证器"


def demo_device(user) -> TOTPDevice:
    """The demo user's confirmed authenticator, made once (seed_demo)."""
    device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, confirmed=True)
    return device


def confirmed_device(user) -> TOTPDevice | None:
    """The user's enrolled authenticator, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user) -> TOTPDevice:
    """The device being enrolled: created once, shown until its first code is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def begin(request, user, next_url: str) -> None:
    """Remember that this user gave the right password, for a few minutes only."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user_id": user.pk,
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "at": int(time.time()),
        "next": next_url,
    }


def pending(request):
    """(user, backend, next) of the pending login, or None when there is none or it expired."""
    from .models import User

    data = request.session.get(PENDING_KEY)
    if not data or int(time.time()) - data.get("at", 0) > settings.OTP_LOGIN_WINDOW_SECONDS:
        return None
    user = User.objects.filter(pk=data["user_id"], is_active=True).first()
    if user is None:
        return None
    return user, data["backend"], data.get("next", "")


def clear(request) -> None:
    request.session.pop(PENDING_KEY, None)


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The enrolment QR code as an SVG data URI (the CSP allows data: images, no inline script)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def secret_base32(device: TOTPDevice) -> str:
    """The secret in the form an authenticator app accepts when typed in by hand."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
