"""Each role's day, walked from the page it lands on through the menu, never by typing an address.

One walk per role, on a phone (390×844) and on a desktop (1366×768). The browser asks for Chinese
in one of the two and for English in the other (alternating by role): the portal is Chinese either
way. At every step the page's Chinese heading is checked, and that nothing is wider than the screen:
neither the page (document.documentElement.scrollWidth) nor any visible element, a table that
scrolls sideways inside its box included.
"""

import datetime
import re
from decimal import Decimal

import pytest

from tests.browser.helpers import login, login_with_code

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "test-pass-2026"

# What is wider than the screen: the document itself, or any visible element (described briefly).
OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const found = [];
  const root = document.documentElement.scrollWidth;
  if (root > width) found.push(`the page is ${root}px wide`);
  const scrolls = (el) => {
    for (let up = el.parentElement; up; up = up.parentElement) {
      if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(up).overflowX)) return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.height === 0 || box.width === 0) continue;
    const wide = box.width > width + 1;
    const sticksOut = box.right > width + 1 && !scrolls(el);
    if (!wide && !sticksOut) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") continue;
    const text = (el.innerText || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    const where = `${Math.round(box.left)}..${Math.round(box.right)}px`;
    found.push(`<${el.tagName.toLowerCase()} class="${el.className}"> ${where}: ${text}`);
  }
  return found.slice(0, 8);
}"""


def check_step(page, heading: str) -> None:
    """The page is Chinese, has this heading, fits the screen and raised no error."""
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang").startswith("zh"), f"{page.url} is not in Chinese"
    shown = page.locator("h1").first.inner_text().strip()
    assert heading in shown, f"{page.url}: heading {shown!r}, expected {heading!r}"
    wide = page.evaluate(OVERFLOW_JS)
    assert not wide, f"{page.url} is wider than the {page.viewport_size['width']}px screen: {wide}"
    assert not page.console_errors, page.console_errors
    assert not page.http_errors, page.http_errors


def _label(text: str):
    # A menu entry's label, perhaps with a count badge after it ("通知 3").
    return re.compile(rf"^\s*{re.escape(text)}(\s+\d+)?\s*$")


def menu(page, label: str) -> None:
    """Open a page from the main menu by its entry's name, as a user would: on a phone the menu
    button first, then the entry, or its drop-down and then the entry."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():  # a phone: the menu is folded behind the button
        toggler.click()
        page.locator("#mainnav.show").wait_for()
    nav = page.locator("#mainnav")
    link = nav.locator("a.nav-link:not(.dropdown-toggle)").filter(has_text=_label(label))
    if link.count() == 0:
        link = nav.locator("a.dropdown-item").filter(has_text=_label(label))
        assert link.count() == 1, f"no single menu entry {label}"
        entry = page.locator("a.dropdown-item").filter(has_text=_label(label))
        nav.locator("li.dropdown").filter(has=entry).locator("a.dropdown-toggle").click()
    assert link.count() == 1, f"no single menu entry {label}"
    link.wait_for(state="visible")
    with page.expect_navigation():
        link.click()


def follow(page, text: str) -> None:
    """Click a link in the page's content (not the menu)."""
    with page.expect_navigation():
        page.locator("main a", has_text=text).first.click()


# ---- the district's work in progress, enough for every role's walk ------------------------------


@pytest.fixture
def district(cast):
    """An alert in 洋口镇, a case awaiting 区级审定, a housing extension awaiting approval."""
    from assistance import services as assistance_services
    from monitoring import procedure
    from monitoring import services as monitoring_services
    from monitoring.models import StepKind
    from relocation.models import Household
    from tests.factories import HouseholdFactory
    from tests.monitoring import chain
    from tests.monitoring.helpers import thresholds

    thresholds(chain.day(14).year)
    alerted = HouseholdFactory(head_name="洋口户主预警", township=cast.yangkou, settlement=cast.yangkou_site)
    monitoring_services.alert_raise(
        household=alerted, rule="cadre_check", period=chain.day(2), evidence={}, source="other"
    )
    case = chain.open_case(cast)
    chain.check(case, cast.alice)
    chain.cross(case, cast.alice)
    chain.village(case, cast.alice)
    posted = chain.notice([case], cast.alice)
    procedure.notice_take_down(notice=posted, taken_down_on=chain.day(4), actor=cast.alice)
    chain.review(case, chain.reviewer_of(cast.yangkou), on=3)
    case.refresh_from_db()
    assert case.next_step == StepKind.DISTRICT_CONFIRMATION

    homestead = HouseholdFactory(
        head_name="横山扩建户", township=cast.hengshan, placement=Household.Placement.HOMESTEAD
    )
    application = assistance_services.housing_extension_apply(
        household=homestead, planned_area=Decimal("40"), actor=cast.bob, funding_source="savings",
        income_proof="务工收入证明", savings_commitment=True, applied_on=datetime.date.today(),
    )  # fmt: skip
    assistance_services.housing_extension_village_review(
        application=application, agree=True, opinion="村组同意", actor=cast.bob
    )
    office = chain.office_user()
    office.set_password(PASSWORD)
    office.save()
    return {"office": office, "alerted": alerted, "case": case}


# ---- the walks -----------------------------------------------------------------------------------


def walk_township_staff(page, live_server, cast, district):
    login(page, live_server, "alice", PASSWORD)
    check_step(page, "我的户")
    menu(page, "预警核实")
    check_step(page, "预警核实")
    follow(page, "洋口户主预警")
    check_step(page, "干部排查上报")
    menu(page, "我的待回访")
    check_step(page, "我的待回访")
    menu(page, "搬迁户")
    check_step(page, "易地搬迁户")
    follow(page, cast.alice_household.head_name)
    check_step(page, cast.alice_household.head_name)


def walk_settlement_staff(page, live_server, cast, district):
    login(page, live_server, "carol", PASSWORD)
    check_step(page, cast.yangkou_site.name)
    menu(page, "安置点台账")
    check_step(page, "安置点台账")
    menu(page, "搬迁户")
    check_step(page, "易地搬迁户")
    follow(page, cast.alice_household.head_name)
    check_step(page, cast.alice_household.head_name)


def walk_bureau_staff(page, live_server, cast, district):
    login(page, live_server, "erin", PASSWORD)
    check_step(page, cast.department.name)
    menu(page, "政策任务")
    check_step(page, "政策任务")
    menu(page, "群众诉求")
    check_step(page, "群众诉求")
    menu(page, "部门数据筛查")
    check_step(page, "部门数据筛查")


def walk_head(page, live_server, cast, district):
    login_with_code(page, live_server, cast.frank, PASSWORD)
    check_step(page, "后续扶持工作一览")
    menu(page, "待我审批")
    check_step(page, "待我审批")
    follow(page, "横山扩建户")
    check_step(page, "加层扩建申请")
    menu(page, "搬迁户")
    check_step(page, "易地搬迁户")
    menu(page, "数据看板")
    check_step(page, "后续扶持工作一览")


def walk_district_office(page, live_server, cast, district):
    login_with_code(page, live_server, district["office"], PASSWORD)
    check_step(page, "待我审批")
    follow(page, cast.alice_household.head_name)
    check_step(page, cast.alice_household.head_name)
    menu(page, "监测对象")
    check_step(page, "监测对象")


def walk_admin(page, live_server, cast, district):
    login_with_code(page, live_server, cast.admin, PASSWORD)
    check_step(page, "易地搬迁户")
    menu(page, "待我审批")
    check_step(page, "待我审批")
    menu(page, "Excel导入")
    check_step(page, "Excel")
    menu(page, "通知")
    check_step(page, "通知")


WALKS = [
    walk_township_staff,
    walk_settlement_staff,
    walk_bureau_staff,
    walk_head,
    walk_district_office,
    walk_admin,
]
CASES = [
    pytest.param(walk, viewport, locale, id=f"{walk.__name__[5:]}-{viewport}-{locale}")
    for index, walk in enumerate(WALKS)
    for viewport, locale in (
        ("phone", "zh-CN" if index % 2 == 0 else "en-US"),
        ("desktop", "en-US" if index % 2 == 0 else "zh-CN"),
    )
]


@pytest.mark.parametrize(("walk", "viewport", "locale"), CASES)
def test_each_role_does_its_job_from_the_menu(walk, viewport, locale, open_page, live_server, cast, district):
    page = open_page(viewport, locale)
    walk(page, live_server, cast, district)
