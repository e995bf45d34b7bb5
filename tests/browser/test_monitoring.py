"""A cadre at the door: the visit recorded on a phone, and the next visit falling due."""

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from monitoring.models import LedgerEntry, Visit
from tests.browser.helpers import login
from tests.monitoring.helpers import thresholds

pytestmark = pytest.mark.django_db(transaction=True)


def _photo_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1800), (120, 160, 90)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_a_visit_recorded_on_a_phone_sets_the_next_visit_due(phone_page, live_server, cast):
    thresholds(year=timezone.localdate().year, visit_interval_normal=60)
    page = phone_page
    login(page, live_server, "alice", "test-pass-2026")

    # A household never visited is due for its first visit: it heads "my visits due".
    page.goto(f"{live_server.url}/monitoring/visits/due/")
    item = page.locator(".list-group-item", has_text=cast.alice_household.head_name)
    assert "已逾期" in item.inner_text() or "到期" in item.inner_text()
    assert cast.bob_household.head_name not in page.content()
    item.locator("a:has-text('登记回访')").click()

    page.fill("#id_findings", "户主在县内务工，收入稳定；妻子在家照顾老人。")
    page.fill("#id_difficulties", "老人慢性病，药费负担较重")
    page.fill("#id_wage_income", "3200")
    page.set_input_files("#id_photos", files=[{"name": "door.jpg", "mimeType": "image/jpeg", "buffer": _photo_bytes()}])
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the visit form is {width}px wide on a 390px phone"
    page.click("button[type=submit]:has-text('保存回访')")

    due = timezone.localdate() + datetime.timedelta(days=60)
    page.wait_for_selector(f"text=回访已登记，下次回访日期 {due.isoformat()}")
    assert due.isoformat() in page.locator(".card", has_text="下次回访日期").first.inner_text()
    visit = Visit.objects.get(household=cast.alice_household)
    photo = visit.photos.get()
    assert max(Image.open(photo.image.path).size) == 1600  # resized on upload
    assert LedgerEntry.objects.get(household=cast.alice_household).wage_income == 3200
    page.wait_for_selector(".ledger-chart svg")  # the ledger chart drew itself

    # Visited today, next due in 60 days: no longer in the list of the next 14 days.
    page.goto(f"{live_server.url}/monitoring/visits/due/")
    assert cast.alice_household.head_name not in page.content()
    assert page.console_errors == []


def test_a_visit_form_with_a_future_date_is_refused_in_chinese(phone_page, live_server, cast):
    thresholds(year=timezone.localdate().year)
    login(phone_page, live_server, "carol", "test-pass-2026")
    phone_page.goto(f"{live_server.url}/monitoring/households/{cast.alice_household.pk}/visit/")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    phone_page.fill("#id_visited_on", tomorrow.isoformat())
    phone_page.fill("#id_findings", "情况正常")
    phone_page.click("button[type=submit]:has-text('保存回访')")
    phone_page.wait_for_selector("text=回访日期不能晚于今天。")
    assert not Visit.objects.exists()
