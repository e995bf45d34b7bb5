"""The API's documentation pages render in a browser with the portal's CSP and no network beyond the portal."""

import pytest

from tests.browser.conftest import browser, page  # noqa: F401 - the browser harness's fixtures
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("path", "ready"), [("/api/v1/docs/", ".swagger-ui .info .title"), ("/api/v1/redoc/", "h1")])
def test_the_api_pages_render_offline_under_the_csp(page, live_server, cast, path, ready):  # noqa: F811
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
