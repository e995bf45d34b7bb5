"""The API's documentation page (Swagger UI) renders under the portal's CSP with no network beyond the portal."""

import pytest

from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_page_renders_offline_under_the_csp(page, live_server, cast):
    path, ready = "/api/v1/docs/", ".swagger-ui .info .title"
    outside = []
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server.url) else (outside.append(route.request.url),
                                                                                   route.abort())
        ),
    )  # fmt: skip
    login(page, live_server, "alice", "test-pass-2026")
    page.goto(f"{live_server.url}{path}")
    page.wait_for_selector(ready)
    assert "广丰区" in page.inner_text(ready)
    page.get_by_text("户列表").first.wait_for()
    assert not outside, outside
    assert not page.console_errors, page.console_errors
    assert not page.http_errors, page.http_errors
