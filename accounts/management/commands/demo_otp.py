"""Print the current authenticator code of a demo head or administrator (the demo district only).

``manage.py seed_demo`` gives each demo user who needs a second factor an authenticator (named
DEMO_DEVICE_NAME) and prints its otpauth URI; this prints the code that authenticator shows now,
so that a newcomer can log in as every role without a phone. Real users' devices are refused.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.otp import DEMO_DEVICE_NAME


def current_code(device: TOTPDevice) -> tuple[str, int]:
    """(the code the device shows now, seconds it stays valid)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = time.time()
    totp.time = now
    code = str(totp.token()).zfill(device.digits)
    left = int(device.step - ((now - device.t0) % device.step))
    return code, left


class Command(BaseCommand):
    help = "Print the current login code of a demo head or administrator (demo district only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        from relocation.demo import DEMO_USERS

        if username not in {row[0] for row in DEMO_USERS}:
            raise CommandError(f"{username} 不是演示用户；本命令只为演示数据中的用户显示验证码。")
        device = TOTPDevice.objects.filter(user__username=username, name=DEMO_DEVICE_NAME, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username} 没有演示验证器：请先运行 manage.py seed_demo。")
        code, left = current_code(device)
        # A code is accepted once: after a login, wait for the next one.
        self.stdout.write(f"{code}（{left} 秒内有效；每个验证码只能使用一次，用过后请等下一个）")
