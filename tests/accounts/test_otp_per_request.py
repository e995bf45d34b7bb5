"""The second factor is checked on every request, not only at login.

A head's or an administrator's session goes on only while django-otp finds one of their confirmed
devices verified in it; any other session of theirs is ended on its next request.
"""

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import LoginSession
from tests.accounts.test_login import PASSWORD, code_for, post_login

LOGIN = reverse("accounts:login")
MESSAGE = "您的账号需要身份验证器上的验证码，请重新登录。"


def assert_logged_out(client, response, next_url="/households/"):
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={next_url.replace('/', '%2F')}"
    assert "_auth_user_id" not in client.session


@pytest.fixture
def frank_device(cast):
    return TOTPDevice.objects.create(user=cast.frank, name="phone", confirmed=True)


class TestUnverifiedSessions:
    def test_a_head_session_without_a_verified_device_is_ended_with_a_message(self, cast, client, frank_device):
        # Django's own login (as the admin's or a script's would be) gives no second factor.
        client.force_login(cast.frank, backend="django.contrib.auth.backends.ModelBackend")
        response = client.get("/households/")
        assert_logged_out(client, response)
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert MESSAGE in page.content.decode()

    def test_a_township_head_is_held_to_it_too(self, cast, client):
        client.force_login(cast.grace, backend="django.contrib.auth.backends.ModelBackend")
        assert_logged_out(client, client.get("/households/"))

    def test_an_administrator_cannot_open_the_admin_site_without_it(self, cast, client):
        client.force_login(cast.admin, backend="django.contrib.auth.backends.ModelBackend")
        response = client.get("/admin/")
        assert_logged_out(client, response, next_url="/admin/")

    def test_another_users_device_does_not_verify_a_head(self, cast, client, frank_device):
        graces = TOTPDevice.objects.create(user=cast.grace, name="phone", confirmed=True)
        client.force_login(cast.frank, backend="django.contrib.auth.backends.ModelBackend")
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = graces.persistent_id
        session.save()
        assert_logged_out(client, client.get("/households/"))

    def test_an_htmx_request_is_told_to_load_the_login_page(self, cast, client, frank_device):
        client.force_login(cast.frank, backend="django.contrib.auth.backends.ModelBackend")
        response = client.get("/households/", HTTP_HX_REQUEST="true")
        assert response.status_code == 204
        assert response["HX-Redirect"] == f"{LOGIN}?next=%2Fhouseholds%2F"
        assert "_auth_user_id" not in client.session

    def test_the_login_page_is_reached_once_the_session_is_ended(self, cast, client, frank_device):
        client.force_login(cast.frank, backend="django.contrib.auth.backends.ModelBackend")
        response = client.get(LOGIN, follow=True)
        assert response.status_code == 200
        assert response.redirect_chain[-1][0].startswith(LOGIN)
        assert b'name="password"' in response.content
        assert "_auth_user_id" not in client.session


class TestVerifiedSessions:
    def test_a_verified_head_session_is_served(self, cast, client_of):
        client = client_of(cast.frank)
        assert client.get("/households/").status_code == 200
        assert client.get("/dashboards/").status_code == 200

    def test_staff_sessions_need_no_device(self, cast, client):
        client.force_login(cast.alice, backend="django.contrib.auth.backends.ModelBackend")
        assert client.get("/households/").status_code == 200
        assert client.get("/households/").status_code == 200

    def test_the_roles_that_need_it_come_from_the_settings(self, cast, client, settings):
        settings.OTP_REQUIRED_ROLES = ["head", "admin", "township_staff"]
        client.force_login(cast.alice, backend="django.contrib.auth.backends.ModelBackend")
        assert_logged_out(client, client.get("/households/"))

    def test_a_head_signed_in_with_password_and_code_keeps_working(self, cast, client, frank_device):
        post_login(client, "frank", PASSWORD)
        client.post(reverse("accounts:otp_verify"), {"token": code_for(frank_device)})
        for _ in range(3):
            assert client.get("/households/").status_code == 200
        response = client.post(reverse("accounts:logout"))
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session

    def test_a_head_who_just_enrolled_is_served(self, cast, client):
        post_login(client, "frank", PASSWORD)
        assert client.get(reverse("accounts:otp_setup")).status_code == 200
        device = TOTPDevice.objects.get(user=cast.frank, confirmed=False)
        client.post(reverse("accounts:otp_setup"), {"token": code_for(device)})
        assert client.get("/households/").status_code == 200


class TestDeviceChanges:
    def test_deleting_the_device_ends_the_session_on_the_next_request(self, cast, client_of):
        client = client_of(cast.frank)
        assert client.get("/households/").status_code == 200
        assert LoginSession.objects.filter(user=cast.frank).exists()
        TOTPDevice.objects.filter(user=cast.frank).delete()
        assert_logged_out(client, client.get("/households/"))
        assert not LoginSession.objects.filter(user=cast.frank).exists()

    def test_unconfirming_the_device_ends_the_session_on_the_next_request(self, cast, client_of):
        client = client_of(cast.frank)
        assert client.get("/households/").status_code == 200
        TOTPDevice.objects.filter(user=cast.frank).update(confirmed=False)
        assert_logged_out(client, client.get("/households/"))

    def test_another_users_device_change_leaves_the_session_alone(self, cast, client_of):
        client = client_of(cast.frank)
        TOTPDevice.objects.create(user=cast.grace, name="phone", confirmed=True).delete()
        assert client.get("/households/").status_code == 200
