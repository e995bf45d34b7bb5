def test_it_shows_the_login_page_without_errors(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")

    assert "登录" in page.title() or page.locator("#id_username").count() == 1
    assert page.console_errors == []
    assert page.http_errors == []


def test_it_serves_the_vendored_libraries(page, live_server):
    for path in (
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/bootstrap/js/bootstrap.bundle.min.js",
        "vendor/bootstrap-icons/font/bootstrap-icons.min.css",
        "vendor/bootstrap-icons/font/fonts/bootstrap-icons.woff2",
        "vendor/htmx/htmx.min.js",
        "vendor/echarts/echarts.min.js",
    ):
        response = page.request.get(f"{live_server.url}/static/{path}")
        assert response.status == 200, f"/static/{path} answered {response.status}"
