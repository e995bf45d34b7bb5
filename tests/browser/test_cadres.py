"""A township cadre logs in on a phone and lands on 我的户: the households they answer for."""

import pytest

from cadres import services
from tests.browser.helpers import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_township_cadre_lands_on_my_households_on_a_phone(phone_page, live_server, cast):
    services.cadre_assign(household=cast.alice_household, actor=cast.alice, user=cast.alice)
    services.cadre_assign(household=cast.bob_household, actor=cast.bob, user=cast.bob)
    page = phone_page
    login(page, live_server, "alice", "test-pass-2026")

    assert page.url.endswith("/cadres/mine/")
    assert page.locator("h1").inner_text().strip() == "我的户"
    item = page.locator(".list-group-item", has_text=cast.alice_household.head_name)
    assert "已逾期" in item.inner_text() or "今日到期" in item.inner_text()  # never visited: due since registration
    assert cast.bob_household.head_name not in page.content()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"我的户 is {width}px wide on a 390px phone"
    assert not page.console_errors and not page.http_errors

    item.locator("a", has_text=cast.alice_household.head_name).click()
    heading = page.get_by_role("heading", name="帮扶责任人", exact=True)
    panel = page.locator(".card-body").filter(has=heading)
    assert "周爱丽" in panel.inner_text() and "平台账号" in panel.inner_text()
