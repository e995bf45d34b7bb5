"""Pages with personal data are not cached; every response carries the security headers."""

from django.urls import reverse


def test_signed_in_pages_are_not_stored_by_the_browser(cast, client_of):
    response = client_of(cast.alice).get(reverse("relocation:household_detail", args=[cast.alice_household.pk]))
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


def test_the_content_security_policy_forbids_inline_script_and_framing(cast, client_of):
    response = client_of(cast.alice).get(reverse("relocation:household_list"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp


def test_security_headers_are_sent(client):
    response = client.get(reverse("accounts:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_the_deployment_check_is_clean():
    import subprocess
    import sys

    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "check-deploy-a-long-random-looking-value-for-the-check-0123456789",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "portal.example.cn",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
