"""Helpers for the browser tests: plain functions, importable from any test module."""

from playwright.sync_api import Page

LOGIN_PATH = "/accounts/login/"


def login(page: Page, live_server, username: str, password: str, *, expect_success: bool = True) -> None:
    """Sign in through the portal's own login form, as a member of staff would."""
    page.goto(f"{live_server.url}{LOGIN_PATH}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit], input[type=submit]")
    if expect_success:
        assert LOGIN_PATH not in page.url, f"login as {username!r} failed: still on {page.url}"
