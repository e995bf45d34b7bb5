"""A cadre at the door records a hazard on a phone; the township reads the ledger and its print view."""

import pytest
from django.urls import reverse

from settlements.models import SafetyHazard
from tests.browser.helpers import login
from tests.settlements.factories import days_ago

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_cadre_records_a_hazard_on_a_phone_and_it_shows_in_the_ledger(phone_page, live_server, cast):
    page = phone_page
    login(page, live_server, "carol", "test-pass-2026")
    page.goto(f"{live_server.url}{reverse('settlements:hazard_create')}?settlement={cast.yangkou_site.pk}")

    page.select_option("#id_hazard_type", "electrical")
    page.fill("#id_description", "楼道电线私拉乱接")
    page.fill("#id_found_on", days_ago(0).isoformat())
    page.fill("#id_found_by", "网格员")
    page.fill("#id_responsible_unit", "物业公司")
    page.fill("#id_deadline", days_ago(-1).isoformat())
    # A deadline before the day found is refused in Chinese, the rest of the form kept.
    page.fill("#id_deadline", days_ago(3).isoformat())
    page.click("main form button[type=submit]")
    assert page.locator(".invalid-feedback").filter(has_text="整改期限不能早于发现日期").count() == 1
    assert page.input_value("#id_description") == "楼道电线私拉乱接"

    page.fill("#id_deadline", days_ago(-7).isoformat())
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert SafetyHazard.objects.filter(description="楼道电线私拉乱接").exists()
    assert "楼道电线私拉乱接" in page.content()

    page.goto(f"{live_server.url}{reverse('settlements:hazard_list')}")
    assert page.locator("table").get_by_text("楼道电线私拉乱接").count() == 1
    assert not page.console_errors, page.console_errors


def test_the_print_view_loads_without_script_errors(page, live_server, cast):
    login(page, live_server, "alice", "test-pass-2026")
    page.goto(f"{live_server.url}{reverse('settlements:request_print')}")
    assert page.locator("h1").inner_text() == "群众诉求处理台账"
    assert page.locator(".js-print").is_visible()
    assert not page.console_errors, page.console_errors
    assert not page.http_errors, page.http_errors
