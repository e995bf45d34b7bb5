"""The admin is Chinese like the rest of the portal: apps, models, permissions, headings."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")


def visible_lines(html: str) -> list[str]:
    body = re.sub(r"<script.*?</script>|<style.*?</style>|<select.*?</select>", "", html, flags=re.S)
    text = re.sub(r"<[^>]+>", "\n", body)
    return [line.strip() for line in text.splitlines() if line.strip()]


def english_lines(html: str, allowed=()) -> list[str]:
    return [
        line
        for line in visible_lines(html)
        if re.search(r"[A-Za-z]{3,}", line) and not HAN.search(line) and line not in allowed
    ]


def test_every_installed_app_and_every_admin_model_has_a_chinese_name():
    with translation.override("zh-hans"):
        english_apps = [c.name for c in apps.get_app_configs() if not HAN.search(str(c.verbose_name))]
        english_models = [
            model._meta.label
            for model in admin.site._registry
            if not HAN.search(str(model._meta.verbose_name_plural)) or not HAN.search(str(model._meta.verbose_name))
        ]
    assert english_apps == []
    assert english_models == []


def test_the_admin_index_shows_no_english(client_of, cast):
    html = client_of(cast.admin).get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert english_lines(html, allowed={"admin", "&rsaquo;"}) == []
    for english in ("Django", "Axes", "Otp_Totp", "TOTP devices", "Access attempts"):
        assert english not in html
    assert "登录锁定" in html and "身份验证器" in html


def test_permissions_read_in_chinese_on_the_group_page(client_of, cast):
    html = client_of(cast.admin).get(reverse("admin:auth_group_add")).content.decode()

    assert "Can add" not in html and "Can view" not in html
    assert "可添加 搬迁户" in html or "可添加 户" in html


def test_the_portals_own_permissions_read_in_chinese():
    permission = Permission.objects.get(codename="view_personal_data")
    with translation.override("zh-hans"):
        label = str(permission)
    assert "Can" not in label
    assert HAN.search(label.rsplit("|", 1)[1])


@pytest.mark.parametrize(
    "model", [m for m in admin.site._registry if m._meta.app_label != "django_celery_beat"], ids=lambda m: m._meta.label
)
def test_each_admin_list_and_form_is_in_chinese(client_of, cast, model):
    client = client_of(cast.admin)
    opts = model._meta
    pages = [reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")]
    model_admin = admin.site._registry[model]
    if model_admin.has_add_permission(type("Request", (), {"user": cast.admin, "method": "GET"})()):
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        # Data (user names, role group keys) may be English; the admin's own words may not.
        allowed = {"admin", "&rsaquo;", "&lsaquo;"} | {f"role:{role}" for role in cast.admin.Role.values}
        allowed |= set(type(cast.admin).objects.values_list("username", flat=True))
        allowed |= {"test phone", "&lt;unknown&gt;"}  # a device's name, axes' placeholder for no browser
        leftovers = [
            line
            for line in english_lines(response.content.decode(), allowed)
            if not re.fullmatch(r"[A-Z]+\d+|&lsaquo; \d{4}", line)  # codes (AZD018), the date drill-down
        ]
        assert leftovers == [], page
