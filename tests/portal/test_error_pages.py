"""Error pages in Chinese and in the portal's layout, with DEBUG off as in production."""

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import path, reverse

from portal import urls as portal_urls

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *portal_urls.urlpatterns]
handler500 = portal_urls.handler500


def test_debug_is_off_in_these_tests():
    assert settings.DEBUG is False


def test_a_missing_page_is_404_in_chinese_with_the_menu(client_of, cast):
    response = client_of(cast.alice).get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html
    assert 'id="mainnav"' in html  # the portal's layout, menu included
    assert "Not Found" not in html


def test_another_townships_household_is_the_same_404(client_of, cast):
    response = client_of(cast.alice).get(reverse("relocation:household_detail", args=[cast.bob_household.pk]))

    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_a_page_the_role_may_not_open_is_403_in_chinese(client_of, cast):
    response = client_of(cast.erin).get(reverse("relocation:household_create"))

    assert response.status_code == 403
    assert "您的角色无权打开此页面" in response.content.decode()
    assert 'id="mainnav"' in response.content.decode()


def test_a_form_from_an_outdated_page_gets_a_chinese_csrf_page(cast):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": "x"})

    html = response.content.decode()
    assert response.status_code == 403
    assert "表单已过期" in html
    assert "CSRF verification failed" not in html
    assert "portal.css" in html  # the portal's layout


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_is_500_in_chinese_in_the_portals_layout():
    client = Client(raise_request_exception=False)

    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 500
    assert "服务器出错" in html
    assert "portal.css" in html
    assert "Server Error" not in html
