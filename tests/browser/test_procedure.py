"""The monitoring procedure walked in the browser by the people who do each step: the household check on
a cadre's phone, the notice printed, the township review by another cadre, the district confirmation by
the district monitoring office; ending in the household's status."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from monitoring.models import CaseStep, MonitoringCase, ObjectionOffice
from monitoring.services import alert_raise
from relocation.models import Household
from tests.auth import force_login
from tests.browser.helpers import login
from tests.monitoring.chain import eligible_case, office_user, reviewer_of
from tests.monitoring.helpers import thresholds

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "test-pass-2026"
SCAN = {"name": "授权书.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff\xe0 scan"}


def day(n: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=n)).isoformat()


def _desktop(browser, live_server, user):
    """A desktop page signed in as ``user`` (its second factor verified, as the portal's login leaves it)."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 768})
    context.set_default_timeout(10_000)
    client = Client()
    force_login(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context, context.new_page()


def _case_url(live_server, case):
    return f"{live_server.url}/monitoring/cases/{case.pk}/"


def _record(page, live_server, case, step):
    page.goto(_case_url(live_server, case))
    page.click(f"#case-next-step a:has-text('{step}')")


def _submit(page):
    page.click("#step-form button[type=submit]")
    page.wait_for_selector(".alert-success")


def _phone_check(phone, live_server, case, colleague, *, upload_label):
    _record(phone, live_server, case, "入户核实")
    assert upload_label in phone.content()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the household check is {width}px wide on a 390px phone"
    phone.fill("#id_done_on", day(11))
    phone.check(f"input[name=actors][value='{colleague.pk}']")
    phone.fill("#id_findings", "入户核实：家中情况属实")
    phone.set_input_files("#id_evidence", files=[SCAN])
    _submit(phone)


def _village(page, live_server, case, on):
    _record(page, live_server, case, "村级民主评议")
    page.fill("#id_done_on", on)
    page.fill("#id_participants", "23")
    page.check("input[name=decision][value=pass]")
    page.set_input_files("#id_minutes", files=[{**SCAN, "name": "会议记录.jpg"}])
    _submit(page)


def _notice(page, live_server, case, start, end):
    page.goto(f"{live_server.url}/monitoring/notices/")
    page.click("a:has-text('制作公示')")
    page.check(f"input[name=cases][value='{case.pk}']")
    page.fill("#id_starts_on", start)
    page.fill("#id_ends_on", end)
    # The office and phone are pre-filled from what the administrator set for the township.
    assert page.input_value("#id_office") == "洋口镇防返贫监测工作站"
    assert page.input_value("#id_office_phone") == "0793-2600000"
    page.click("#notice-form button[type=submit]")
    page.wait_for_selector("text=公示已生成")
    assert case.household.head_name in page.content()
    page.fill("#id_down-taken_down_on", day(0))
    page.click("button:has-text('登记撤下')")
    page.wait_for_selector("text=已登记公示撤下")


def _office(cast):
    ObjectionOffice.objects.create(township=cast.yangkou, office="洋口镇防返贫监测工作站", office_phone="0793-2600000")


def _decide(page, live_server, case, step):
    _record(page, live_server, case, step)
    page.fill("#id_done_on", day(0))
    page.check("input[name=decision][value=pass]")
    _submit(page)


def test_the_whole_identification_walked_by_the_right_people(browser, phone_page, live_server, cast):
    thresholds(year=timezone.localdate().year)
    _office(cast)
    reviewer, office = reviewer_of(cast.yangkou), office_user()
    alert = alert_raise(
        household=cast.alice_household, rule="cadre_check", period=timezone.localdate(), evidence={"x": 1},
        source="application",
    )  # fmt: skip
    phone = phone_page
    login(phone, live_server, "alice", PASSWORD)

    # The clue: Alice starts the identification from the alert.
    phone.goto(f"{live_server.url}/monitoring/alerts/{alert.pk}/")
    phone.fill("#id_identify-identified_at", day(13))
    phone.check("input[name=identify-risk_types][value=illness]")
    phone.click("button:has-text('启动识别认定')")
    phone.wait_for_selector("#case-next-step")
    case = MonitoringCase.objects.get()
    assert "入户核实" in phone.inner_text("#case-next-step")

    # At the door, on her phone, with Carol of the site: the signed authorisation photographed.
    _phone_check(phone, live_server, case, cast.carol, upload_label="承诺授权书")
    _record(phone, live_server, case, "部门比对")
    phone.fill("#id_done_on", day(10))
    phone.fill("#id_item_vehicles", "公安：名下无车辆")
    _submit(phone)
    _village(phone, live_server, case, day(9))
    _notice(phone, live_server, case, day(8), day(4))

    # Another cadre of the township reviews; the district monitoring office confirms.
    context, desk = _desktop(browser, live_server, reviewer)
    _decide(desk, live_server, case, "乡镇审核")
    context.close()
    context, desk = _desktop(browser, live_server, office)
    _decide(desk, live_server, case, "区级审定")
    assert "已审定，帮扶中" in desk.inner_text("#case-status")
    context.close()

    case.refresh_from_db()
    assert case.status == "approved"
    assert Household.objects.get(pk=cast.alice_household.pk).status == Household.Status.MONITORED
    assert CaseStep.objects.filter(case=case, result="passed").count() == 7
    assert phone.console_errors == []


def test_the_whole_elimination_walked_by_the_right_people(browser, phone_page, live_server, cast):
    thresholds(year=timezone.localdate().year, observation_months=6)
    case = eligible_case(cast)
    _office(cast)
    reviewer, office = reviewer_of(cast.yangkou, "elim_review"), office_user("elim_office")
    phone = phone_page
    login(phone, live_server, "alice", PASSWORD)

    phone.goto(_case_url(live_server, case))
    assert "目前已满足风险消除的全部条件" in phone.content()
    phone.click("a:has-text('提出风险消除')")
    phone.fill("#id_done_on", day(12))
    phone.fill("#id_note", "连续六个月收入稳定高于监测线")
    _submit(phone)
    _phone_check(phone, live_server, case, cast.carol, upload_label="风险消除相关表格")
    _village(phone, live_server, case, day(10))
    _notice(phone, live_server, case, day(9), day(3))

    context, desk = _desktop(browser, live_server, reviewer)
    _decide(desk, live_server, case, "乡镇审核")
    context.close()
    context, desk = _desktop(browser, live_server, office)
    _decide(desk, live_server, case, "区级审定")
    assert "风险已消除" in desk.inner_text("#case-status")
    context.close()

    assert Household.objects.get(pk=cast.alice_household.pk).status == Household.Status.ELIMINATED
    assert phone.console_errors == []
