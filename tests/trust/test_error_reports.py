"""Error reports (the e-mail to administrators, the log) carry no personal data."""

import logging

import pytest
from django.core import mail

from accounts.logging import MaskingFormatter, mask_text

ID_NUMBER = "36112219800101123X"
PHONE = "13912345678"
NAME = "周小梅"


@pytest.fixture
def failing_site(settings):
    settings.ROOT_URLCONF = "tests.trust.error_urls"
    settings.DEBUG = False
    settings.ADMINS = [("admin", "it@example.cn")]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_a_forced_error_report_holds_no_id_number_phone_or_posted_name(failing_site, client):
    client.raise_request_exception = False
    response = client.post(
        "/fail/?phone=" + PHONE, {"id_number": ID_NUMBER, "name": NAME, "phone": PHONE}, HTTP_REFERER="/x?q=" + PHONE
    )
    assert response.status_code == 500
    assert len(mail.outbox) == 1, "the administrators were not told of the error"
    report = mail.outbox[0]
    everything = " ".join([report.subject, report.body, *(alt[0] for alt in report.alternatives)])
    assert "ValueError" in everything  # the report is still useful
    assert ID_NUMBER not in everything
    assert PHONE not in everything
    # The name was posted and held in a local variable: both are withheld.
    assert NAME not in everything.replace(f"for {NAME}", "")


def test_the_500_page_shows_no_details(failing_site, client):
    client.raise_request_exception = False
    response = client.post("/fail/", {"id_number": ID_NUMBER})
    assert ID_NUMBER.encode() not in response.content


def test_log_lines_and_tracebacks_are_masked():
    formatter = MaskingFormatter("%(levelname)s %(message)s")
    try:
        raise ValueError(f"bad row {ID_NUMBER} {PHONE}")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "import of %s failed", (ID_NUMBER,), sys.exc_info())
    line = formatter.format(record)
    assert ID_NUMBER not in line and PHONE not in line
    assert "3611**********123X" in line


def test_masking_keeps_ordinary_numbers():
    assert mask_text("household GF-0001 has 3 members, income 12000.50") == (
        "household GF-0001 has 3 members, income 12000.50"
    )
    assert mask_text("old number 361122800101123") == "old number 3611********123"
