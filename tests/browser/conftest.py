"""Browser test harness: Playwright's sync API driving Debian's Chromium against the live server.

Playwright's own browser download is never used; the district's build machines have no internet.
Every test in this folder gets the ``browser`` marker, so ``pytest -m "not browser"`` skips them.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.helpers import login

__all__ = ["login"]

# Playwright's sync API runs an event loop in the main thread; Django would then refuse the test
# database's set-up and flush, which are synchronous calls made from that thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # No calls home: the district network is closed and the tests must not depend on the internet.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    # A collection hook sees the whole session's items, not just this folder's.
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium shared by the whole session."""
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium`."
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {message}", pytrace=False)
        pytest.skip(f"browser tests skipped: {message} (set REQUIRE_BROWSER=1 to make this a failure)")

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _is_favicon(url: str) -> bool:
    return urlsplit(url).path == "/favicon.ico"


def _record(page) -> None:
    """Collect the page's console errors, uncaught exceptions and HTTP errors for the test to assert."""
    page.console_errors = []
    page.http_errors = []

    def on_console(message):
        url = message.location.get("url", "")
        # Chromium asks for /favicon.ico on its own, a moment after the load, when a page names no
        # icon; whether the 404 lands before the test ends is timing, so it would make tests flaky.
        if message.type == "error" and not _is_favicon(url):
            # "Failed to load resource" names no address; the location does.
            page.console_errors.append(f"{message.text} ({url})" if url else message.text)

    def on_response(response):
        if response.status >= 400 and not _is_favicon(response.url):
            page.http_errors.append(f"{response.status} {response.request.method} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.console_errors.append(f"uncaught: {error}"))
    page.on("response", on_response)


def _new_page(browser, locale="zh-CN", **context_options):
    # Staff browsers ask for Chinese and live in Beijing time; tests see what they see.
    context = browser.new_context(locale=locale, timezone_id="Asia/Shanghai", **context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    _record(page)
    return context, page


@pytest.fixture
def page(browser):
    """A desktop page in a fresh context; console errors collect in ``page.console_errors``."""
    context, new_page = _new_page(browser, viewport={"width": 1366, "height": 768})
    yield new_page
    context.close()


@pytest.fixture
def phone_page(browser):
    """A page as a cadre's phone shows it: 390x844, touch, mobile layout."""
    context, new_page = _new_page(
        browser, viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True, has_touch=True
    )
    yield new_page
    context.close()


VIEWPORTS = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1366, "height": 768}},
}


@pytest.fixture
def open_page(browser):
    """open_page(viewport, locale): a fresh page on a phone or a desktop whose browser asks for ``locale``."""
    contexts = []

    def make(viewport: str, locale: str = "zh-CN"):
        context, new_page = _new_page(browser, locale=locale, **VIEWPORTS[viewport])
        contexts.append(context)
        return new_page

    yield make
    for context in contexts:
        context.close()
