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


def login_with_code(page: Page, live_server, user, password: str) -> None:
    """Sign in as a head or administrator: password, then the code their authenticator shows now.

    The user gets a confirmed authenticator (the demo district's kind) whose current code is
    computed here as the phone would, so the whole login, second step included, is the real one.
    """
    from accounts.management.commands.demo_otp import current_code
    from accounts.otp import demo_device

    device = demo_device(user)
    page.goto(f"{live_server.url}{LOGIN_PATH}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    code, _left = current_code(device)
    page.fill("#id_token", code)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert LOGIN_PATH not in page.url, f"login as {user.username!r} failed: still on {page.url}"
