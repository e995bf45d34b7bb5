"""The dashboard in a browser: charts drawn, no console error, a click drills down to the households."""

import re

import pytest
from django.conf import settings
from django.test import Client

from relocation.models import Household
from tests.auth import force_login
from tests.browser.helpers import login
from tests.factories import HouseholdFactory, MemberFactory, SettlementFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def yangkou(cast):
    """A second Yangkou site, so that the township's chart has two bars to choose from."""
    cast.second_site = SettlementFactory(name="洋口二号安置点", township=cast.yangkou, kind="rural")
    for status in (Household.Status.NORMAL, Household.Status.MONITORED):
        MemberFactory(household=HouseholdFactory(township=cast.yangkou, settlement=cast.second_site, status=status))
    return cast


def click_bar(page, chart_key: str, index: int) -> None:
    """Click the bar of category ``index`` on the chart's canvas, where ECharts drew it."""
    selector = f".dash-chart[data-chart='{chart_key}']"
    page.wait_for_selector(f"{selector} canvas")
    x, y = page.evaluate(
        """([selector, index]) => {
            const chart = echarts.getInstanceByDom(document.querySelector(selector));
            const value = chart.getOption().series[0].data[index];
            return chart.convertToPixel({gridIndex: 0}, [index, value / 2]);
        }""",
        [selector, index],
    )
    page.locator(f"{selector} canvas").first.click(position={"x": x, "y": y})


def test_staff_open_the_dashboard_and_drill_down_to_a_sites_households(page, live_server, yangkou):
    login(page, live_server, "alice", "test-pass-2026")

    page.goto(f"{live_server.url}/dashboards/")
    for key in ("townships", "settlements", "status", "employment"):
        page.wait_for_selector(f".dash-chart[data-chart='{key}'][data-rendered] canvas")
    assert "洋口镇" in page.content()

    # District → township: the township's bar.
    with page.expect_navigation():
        click_bar(page, "townships", 0)
    assert page.url.endswith(f"/dashboards/townships/{yangkou.yangkou.pk}/")

    # Township → site: the second site's bar (sites are in code order, the second created last).
    sites = page.evaluate(
        "() => JSON.parse(document.getElementById('dashboard-charts').textContent).settlements.rows.map(r => r[0])"
    )
    with page.expect_navigation():
        click_bar(page, "settlements", sites.index(yangkou.second_site.name))
    assert page.url.endswith(f"/dashboards/settlements/{yangkou.second_site.pk}/")
    assert page.locator("[data-figure='households'] .stat-value a").inner_text().strip() == "2"

    # Site → its households: the list, filtered to the site, holds exactly the two.
    with page.expect_navigation():
        page.click("[data-figure='households'] .stat-value a")
    assert re.search(rf"/households/\?settlement={yangkou.second_site.pk}$", page.url)
    rows = page.locator("table tbody tr")
    assert rows.count() == 2
    assert yangkou.alice_household.code not in page.content()
    assert page.console_errors == []
    assert page.http_errors == []


def test_a_head_sees_the_district_and_the_page_prints(browser, live_server, yangkou):
    # Heads sign in with a second factor; the session is made here as the login would leave it.
    client = force_login(Client(), yangkou.frank)
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{live_server.url}/dashboards/")
        page.wait_for_selector(".dash-chart[data-chart='townships'][data-rendered] canvas")
        assert "洋口镇" in page.content() and "横山镇" in page.content()
        page.emulate_media(media="print")
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        # On paper the navigation and buttons are gone and each chart spans the A4 width.
        assert not page.locator("nav.navbar").is_visible()
        assert not page.locator("a:has-text('导出Excel')").first.is_visible()
        width = page.locator(".dash-chart[data-chart='townships'] canvas").first.bounding_box()["width"]
        assert 600 < width < 720  # 180 mm at 96 dpi is 680 px
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
        assert errors == []
    finally:
        context.close()
