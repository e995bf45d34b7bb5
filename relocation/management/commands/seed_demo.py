"""Load the made-up demo district: places, settlement sites, households and one user per role.

Safe to run again: everything is matched by code or username and only what is missing is
created, so a second run changes nothing.
"""

import time
import unicodedata
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from relocation import demo


def _width(text: str) -> int:
    """Columns the text takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def seed_other_apps(stdout) -> None:
    """Let each app add its own demo data (ledgers, visits, plans, site ledgers...) on top.

    An app takes part by defining ``seed_demo_data(stdout)`` in ``<app>/demo.py``; it must be
    idempotent like this command.
    """
    for config in apps.get_app_configs():
        if config.name == "relocation":
            continue
        try:
            module = import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        hook = getattr(module, "seed_demo_data", None)
        if hook is not None:
            hook(stdout)


class Command(BaseCommand):
    help = "Load the made-up demo district (演示数据均为虚构). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=300, help="households to generate (default 300)")
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="random seed")

    def handle(self, *args, households, seed, **options):
        started = time.monotonic()
        with transaction.atomic():
            sites = demo.ensure_sites()
            created_households, created_members = demo.create_households(households, seed=seed)
            users = demo.ensure_demo_users()
            seed_other_apps(self.stdout)
        self.stdout.write(
            f"安置点 {len(sites)} 个；新建搬迁户 {created_households} 户、家庭成员 {created_members} 人"
            f"（{time.monotonic() - started:.1f} 秒）。"
        )
        rows = [[user.username, demo.ROLE_NAMES_ZH[user.role], scope, demo.DEMO_PASSWORD] for user, scope in users]
        self.stdout.write(format_table(["用户名", "角色", "范围", "密码"], rows))
        self._second_factors([user for user, _scope in users])
        self.stdout.write(self.style.WARNING(demo.DEMO_NOTICE))

    def _second_factors(self, users) -> None:
        """Heads and administrators log in with a code: give each an authenticator and say how to get it."""
        from accounts import otp

        needing = [user for user in users if otp.otp_required(user)]
        if not needing:
            return
        self.stdout.write("需要第二重验证的演示用户（登录时输入六位验证码）：")
        for user in needing:
            device = otp.demo_device(user)
            self.stdout.write(f"  {user.username}：当前验证码  python manage.py demo_otp {user.username}")
            self.stdout.write(f"    或把此地址加入身份验证器应用：{device.config_url}")
