"""The portal speaks Simplified Chinese whatever the browser asks; English only by the user's choice."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def test_an_english_browser_gets_the_login_page_in_chinese(client):
    response = client.get(reverse("accounts:login"), **ENGLISH_BROWSER)

    assert "登录" in response.content.decode()
    assert '<html lang="zh-hans">' in response.content.decode()


def test_staff_with_an_english_browser_see_chinese_pages(client_of, cast):
    client = client_of(cast.alice)

    response = client.get(reverse("notifications:notification_list"), **ENGLISH_BROWSER)

    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()
    assert "退出" in response.content.decode()


def test_english_by_the_switch_is_kept_on_the_user_for_every_later_login(client_of, cast, client):
    signed_in = client_of(cast.alice)
    response = signed_in.post(reverse("set_language"), {"language": "en", "next": "/notifications/"})
    assert response.status_code == 302
    cast.alice.refresh_from_db()
    assert cast.alice.language == "en"

    # Another browser, Chinese this time, no cookie: the choice follows the user.
    from django.test import Client

    from tests.auth import force_login

    other = force_login(Client(HTTP_ACCEPT_LANGUAGE="zh-CN"), cast.alice)
    page = other.get(reverse("notifications:notification_list")).content.decode()
    assert '<html lang="en">' in page
    assert "Log out" in page

    # Back to Chinese: the default again.
    other.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    cast.alice.refresh_from_db()
    assert cast.alice.language == ""
    assert '<html lang="zh-hans">' in other.get(reverse("notifications:notification_list")).content.decode()


def test_english_chosen_on_the_login_page_stays_after_logging_in(client, cast):
    cast.alice.set_password("test-pass-2026")
    cast.alice.save()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:login")})
    assert "Log in" in client.get(reverse("accounts:login")).content.decode()

    client.post(reverse("accounts:login"), {"username": "alice", "password": "test-pass-2026"})

    cast.alice.refresh_from_db()
    assert cast.alice.language == "en"
