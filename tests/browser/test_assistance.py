"""Township staff draw up a plan at the household; the responsible bureau marks its measure done."""

import pytest

from assistance.models import Measure
from tests.assistance.helpers import open_case
from tests.browser.helpers import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_township_staff_draw_up_a_plan_and_the_bureau_marks_its_measure_done(page, live_server, cast):
    open_case(cast.alice_household, risk_types=["unstable_employment"])
    login(page, live_server, "alice", "test-pass-2026")
    page.goto(f"{live_server.url}/households/{cast.alice_household.pk}/")
    page.click("a:has-text('制定帮扶方案')")

    # The suggestions follow the case's risk: employment services, training, a welfare post (人社局).
    form = page.locator("#plan-form")
    assert "就业服务" in form.inner_text() and "人社局" in form.inner_text()
    assert "教育" not in form.inner_text()
    page.fill("#id_summary", "务工不稳，收入下降")
    page.fill("#id_cadre", "周爱丽")
    page.click("button:has-text('制定方案')")
    page.wait_for_selector("text=帮扶方案已制定。")
    assert page.locator("table tbody tr").count() == 3
    measure = Measure.objects.get(household=cast.alice_household, measure_type="employment")
    assert measure.department.code == "rsj" and measure.status == "planned"
    assert page.console_errors == []
    page.context.clear_cookies()

    # Erin of 人社局 sees the measure among her department's, reports it done with its outcome.
    login(page, live_server, "erin", "test-pass-2026")
    page.goto(f"{live_server.url}/assistance/department/")
    row = page.locator("tr", has_text=measure.description)
    row.locator("a").first.click()
    page.select_option("#id_status", "done")
    page.click("#measure-report button[type=submit]")
    assert page.locator(".invalid-feedback", has_text="请填写措施成效").count() == 1  # refused without an outcome
    page.select_option("#id_status", "done")
    page.fill("#id_outcome", "已推荐到广丰工业园区企业上岗")
    page.click("#measure-report button[type=submit]")
    page.wait_for_selector("text=措施进展已登记。")
    measure.refresh_from_db()
    assert measure.status == "done" and measure.outcome == "已推荐到广丰工业园区企业上岗"
    assert measure.updated_by == cast.erin
    assert page.console_errors == []

    # Nothing more: Bob's household stays out of her reach.
    response = page.goto(f"{live_server.url}/households/{cast.bob_household.pk}/")
    assert response.status == 404
