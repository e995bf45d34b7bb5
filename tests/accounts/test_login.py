"""Login security: lockout by user and client, proxies, the second factor, session ends."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import otp
from accounts.models import LoginSession, User
from accounts.services import user_disable

PASSWORD = "test-pass-2026"
LOGIN = "/accounts/login/"


def post_login(client, username, password, ip="10.0.0.1", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def fail_five_times(client, username, ip="10.0.0.1", **extra):
    for _ in range(5):
        post_login(client, username, "wrong-password-1", ip=ip, **extra)


@pytest.fixture
def enrolled_frank(cast):
    return TOTPDevice.objects.create(user=cast.frank, name="phone", confirmed=True)


class TestLockout:
    def test_it_locks_out_after_five_failures(self, cast, client):
        fail_five_times(client, "alice")
        response = post_login(client, "alice", PASSWORD)
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session
        assert "锁定".encode() in response.content or b"locked" in response.content.lower()

    def test_it_still_accepts_the_right_password_before_the_limit(self, cast, client):
        for _ in range(4):
            post_login(client, "alice", "wrong-password-1")
        response = post_login(client, "alice", PASSWORD)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(cast.alice.pk)

    def test_it_does_not_lock_out_other_users_behind_the_same_address(self, cast, client):
        fail_five_times(client, "alice", ip="10.9.9.9")
        response = post_login(client, "bob", PASSWORD, ip="10.9.9.9")
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(cast.bob.pk)

    def test_it_does_not_lock_the_user_out_everywhere(self, cast, client):
        fail_five_times(client, "alice", ip="10.9.9.9")
        response = post_login(client, "alice", PASSWORD, ip="10.1.1.1")
        assert response.status_code == 302

    def test_a_forged_forwarded_for_header_does_not_reset_the_count(self, cast, client):
        # With no trusted proxy the header is ignored: rotating it gives no fresh attempts.
        for i in range(5):
            post_login(client, "alice", "wrong-password-1", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
        response = post_login(client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
        assert response.status_code == 429

    def test_behind_a_proxy_a_prepended_address_is_ignored(self, cast, client, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        settings.TRUSTED_PROXY_IPS = ["10.0.0.2"]
        # The proxy appends the real client; the attacker's own prefix changes each time.
        for i in range(5):
            post_login(client, "alice", "x-wrong-1", ip="10.0.0.2", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}, 172.16.5.5")
        response = post_login(client, "alice", PASSWORD, ip="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 172.16.5.5")
        assert response.status_code == 429

    def test_behind_a_proxy_clients_are_told_apart(self, cast, client, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        settings.TRUSTED_PROXY_IPS = ["10.0.0.2"]
        fail_five_times(client, "alice", ip="10.0.0.2", HTTP_X_FORWARDED_FOR="172.16.5.5")
        response = post_login(client, "alice", PASSWORD, ip="10.0.0.2", HTTP_X_FORWARDED_FOR="172.16.5.6")
        assert response.status_code == 302

    def test_with_a_proxy_count_a_client_reaching_the_app_directly_cannot_choose_its_address(
        self, cast, client, settings
    ):
        settings.TRUSTED_PROXY_COUNT = 1
        settings.TRUSTED_PROXY_IPS = ["10.0.0.2"]
        for i in range(5):  # straight from 10.7.7.7, not through the proxy, a new header each time
            post_login(client, "alice", "x-wrong-1", ip="10.7.7.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
        response = post_login(client, "alice", PASSWORD, ip="10.7.7.7", HTTP_X_FORWARDED_FOR="198.51.100.9")
        assert response.status_code == 429

    def test_a_proxy_count_without_the_proxies_addresses_refuses_to_start(self):
        import os
        import subprocess
        import sys

        env = {
            **os.environ,
            "TRUSTED_PROXY_COUNT": "1",
            "TRUSTED_PROXY_IPS": "",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
        }
        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
        )
        assert result.returncode != 0
        assert "TRUSTED_PROXY_IPS" in result.stderr


class TestAdminIsForStaff:
    def test_a_signed_in_non_admin_gets_a_403_page_not_a_redirect_loop(self, cast, client_of):
        client = client_of(cast.alice)
        for url in ("/admin/", "/admin/relocation/household/", "/admin/login/?next=/admin/"):
            assert client.get(url).status_code == 403

    def test_an_anonymous_visitor_is_sent_to_log_in(self, client):
        response = client.get("/admin/")
        assert response.status_code == 302

    def test_the_administrator_reaches_the_admin(self, cast, client_of):
        assert client_of(cast.admin).get("/admin/").status_code == 200


class TestSecondFactor:
    def test_a_head_is_not_signed_in_by_the_password_alone(self, cast, client, enrolled_frank):
        response = post_login(client, "frank", PASSWORD)
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:otp_verify")
        assert "_auth_user_id" not in client.session
        assert client.get("/households/").status_code == 302  # still sent to the login page

    def test_a_head_is_signed_in_with_password_and_code(self, cast, client, enrolled_frank):
        post_login(client, "frank", PASSWORD)
        response = client.post(reverse("accounts:otp_verify"), {"token": code_for(enrolled_frank)})
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(cast.frank.pk)
        assert client.get("/households/").status_code == 200
        assert LoginSession.objects.get(user=cast.frank).second_factor is True

    def test_a_wrong_code_is_refused_with_a_message(self, cast, client, enrolled_frank):
        post_login(client, "frank", PASSWORD)
        wrong = f"{(int(code_for(enrolled_frank)) + 1) % 1000000:06d}"
        response = client.post(reverse("accounts:otp_verify"), {"token": wrong})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
        assert "验证码".encode() in response.content or b"code" in response.content

    def test_wrong_codes_lock_the_login(self, cast, client, enrolled_frank):
        post_login(client, "frank", PASSWORD)
        for _ in range(5):
            client.post(reverse("accounts:otp_verify"), {"token": "000000"}, REMOTE_ADDR="10.0.0.1")
        response = client.post(
            reverse("accounts:otp_verify"), {"token": code_for(enrolled_frank)}, REMOTE_ADDR="10.0.0.1"
        )
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_an_administrator_needs_a_code_too(self, cast, client):
        TOTPDevice.objects.create(user=cast.admin, name="phone", confirmed=True)
        response = post_login(client, "admin", PASSWORD)
        assert response["Location"] == reverse("accounts:otp_verify")
        assert "_auth_user_id" not in client.session

    def test_township_staff_need_no_code(self, cast, client):
        response = post_login(client, "alice", PASSWORD)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(cast.alice.pk)

    def test_a_head_without_a_device_enrols_first(self, cast, client):
        response = post_login(client, "frank", PASSWORD)
        assert response["Location"] == reverse("accounts:otp_setup")
        page = client.get(reverse("accounts:otp_setup"))
        assert page.status_code == 200
        assert b"data:image/svg+xml;base64," in page.content
        device = TOTPDevice.objects.get(user=cast.frank, confirmed=False)
        response = client.post(reverse("accounts:otp_setup"), {"token": code_for(device)})
        assert response.status_code == 302
        device.refresh_from_db()
        assert device.confirmed
        assert client.session["_auth_user_id"] == str(cast.frank.pk)

    def test_an_enrolled_head_cannot_enrol_another_device_with_the_password(self, cast, client, enrolled_frank):
        post_login(client, "frank", PASSWORD)
        response = client.get(reverse("accounts:otp_setup"))
        assert response["Location"] == reverse("accounts:otp_verify")
        assert TOTPDevice.objects.filter(user=cast.frank).count() == 1

    def test_the_code_step_without_a_password_goes_back_to_login(self, cast, client, enrolled_frank):
        response = client.post(reverse("accounts:otp_verify"), {"token": code_for(enrolled_frank)})
        assert response["Location"] == reverse("accounts:login")
        assert "_auth_user_id" not in client.session

    def test_a_pending_login_expires(self, cast, client, enrolled_frank, settings):
        post_login(client, "frank", PASSWORD)
        session = client.session
        session[otp.PENDING_KEY]["at"] -= settings.OTP_LOGIN_WINDOW_SECONDS + 1
        session.save()
        response = client.post(reverse("accounts:otp_verify"), {"token": code_for(enrolled_frank)})
        assert response["Location"] == reverse("accounts:login")

    def test_the_admin_site_signs_in_through_the_portal_login(self, client):
        response = client.get("/admin/login/?next=/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_next_is_kept_through_the_code_step_but_not_to_other_sites(self, cast, client, enrolled_frank):
        client.post(LOGIN + "?next=/households/", {"username": "frank", "password": PASSWORD, "next": "/households/"})
        response = client.post(reverse("accounts:otp_verify"), {"token": code_for(enrolled_frank)})
        assert response["Location"] == "/households/"


class TestSessions:
    def test_disabling_a_user_ends_their_sessions(self, cast, client):
        post_login(client, "alice", PASSWORD)
        assert client.get("/households/").status_code == 200
        assert LoginSession.objects.filter(user=cast.alice).count() == 1
        cast.alice.is_active = False
        cast.alice.save()
        assert not Session.objects.filter(session_key=client.session.session_key).exists()
        assert LoginSession.objects.filter(user=cast.alice).count() == 0
        response = client.get("/households/")
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)

    def test_the_disable_service_ends_sessions_on_every_device(self, cast, client, django_user_model):
        from django.test import Client

        phone, desktop = Client(), Client()
        post_login(phone, "alice", PASSWORD)
        post_login(desktop, "alice", PASSWORD, ip="10.0.0.9")
        assert user_disable(user=User.objects.get(pk=cast.alice.pk)) == 2
        assert phone.get("/households/").status_code == 302
        assert desktop.get("/households/").status_code == 302

    def test_an_idle_session_ends(self, cast, client, settings):
        post_login(client, "alice", PASSWORD)
        client.get("/households/")
        session = client.session
        session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 5
        session.save()
        response = client.get("/households/")
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
        assert "_auth_user_id" not in client.session

    def test_a_busy_session_ends_at_its_absolute_limit(self, cast, client, settings):
        post_login(client, "alice", PASSWORD)
        session = client.session
        session["portal_auth_at"] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 5
        session["last_seen"] = int(time.time())
        session.save()
        response = client.get("/households/")
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session

    def test_a_role_that_needs_a_code_ends_a_one_factor_session(self, cast, client):
        post_login(client, "alice", PASSWORD)
        assert client.get("/households/").status_code == 200
        cast.alice.role = User.Role.HEAD
        cast.alice.save()
        assert client.get("/households/").status_code == 302

    def test_an_htmx_request_of_an_ended_session_reloads_the_login_page(self, cast, client, settings):
        post_login(client, "alice", PASSWORD)
        session = client.session
        session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 5
        session.save()
        response = client.get("/households/", HTTP_HX_REQUEST="true")
        assert response.status_code == 204
        assert response["HX-Redirect"].startswith(LOGIN)

    def test_cookies_are_secure_in_production(self):
        import subprocess
        import sys

        code = (
            "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='portal.settings';django.setup();"
            "from django.conf import settings as s;"
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY)"
        )
        env = {"PATH": "/usr/bin:/bin", "SECRET_KEY": "x" * 60, "DEBUG": "0", "ALLOWED_HOSTS": "portal.example.cn"}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        assert out.stdout.split() == ["True", "True", "True", "True"]


class TestPasswordRules:
    @pytest.mark.parametrize(
        ("password", "reason"),
        [
            ("short1a", "too short"),
            ("password123", "common"),
            ("8374651928374", "only digits"),
            ("abcdefghijkl", "no digit"),
        ],
    )
    def test_weak_passwords_are_refused(self, cast, client_of, password, reason):
        client = client_of(cast.alice)
        response = client.post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
        )
        assert response.status_code == 200, reason
        cast.alice.refresh_from_db()
        assert cast.alice.check_password(PASSWORD), reason

    def test_a_good_password_is_accepted(self, cast, client_of):
        client = client_of(cast.alice)
        response = client.post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password1": "Xiangcun-2026-hao", "new_password2": "Xiangcun-2026-hao"},
        )
        assert response.status_code == 302
        cast.alice.refresh_from_db()
        assert cast.alice.check_password("Xiangcun-2026-hao")
