"""Forms and tables as a cadre's phone and an office desktop show them (issue 15, items 4 and 6)."""

import pytest

from tests.browser.helpers import login
from tests.browser.test_role_walks import OVERFLOW_JS, PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _alert(cast):
    from monitoring import services

    return services.alert_raise(
        household=cast.alice_household, rule="cadre_check", period=None, evidence={}, source="other"
    )


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_risk_type_checkboxes_stand_in_rows_of_whole_labels(viewport, open_page, live_server, cast):
    alert = _alert(cast)
    page = open_page(viewport)
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/monitoring/alerts/{alert.pk}/")

    group = page.locator("#id_identify-risk_types_group")
    assert group.locator("legend").inner_text().startswith("风险类型")
    labels = group.locator(".form-check-label")
    assert labels.count() == 11
    for i in range(labels.count()):
        label = labels.nth(i)
        box = label.bounding_box()
        line = float(label.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)"))
        # One line each: a label squeezed to one character a line is several lines tall.
        assert box["height"] <= line * 1.5, f"{label.inner_text()!r} wraps: {box}"
        checkbox = group.locator("input[type=checkbox]").nth(i).bounding_box()
        assert checkbox["width"] < 30, f"the box of {label.inner_text()!r} is {checkbox['width']}px wide"
    # Two or more boxes a row, not one long column.
    first, second = labels.nth(0).bounding_box(), labels.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 2
    assert page.evaluate(OVERFLOW_JS) == []


def test_a_households_ledger_on_a_phone_is_cards_with_the_edit_link_on_screen(open_page, live_server, cast):
    from tests.monitoring.helpers import give_ledger

    give_ledger(cast.alice_household, monthly_income=1200, months=3, size=2)
    page = open_page("phone")
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/households/{cast.alice_household.pk}/")

    table = page.locator("main table").filter(has_text="工资性")  # the monthly ledger
    edit = table.locator("a", has_text="编辑").first
    edit.scroll_into_view_if_needed()
    box = edit.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"编辑 is off the screen: {box}"
    # Each month is a card: its cells say what they are, the header row is not shown.
    assert not table.locator("thead").is_visible()
    first_cell = table.locator("tbody tr").first.locator("td").first
    label = first_cell.evaluate("el => getComputedStyle(el, '::before').content")
    assert "月份" in label
    assert page.evaluate(OVERFLOW_JS) == []


def test_lists_and_the_dashboard_fit_a_phone_with_every_header_readable(open_page, live_server, cast):
    page = open_page("phone")
    login(page, live_server, "alice", PASSWORD)
    for path in ("/households/", "/dashboards/"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate(OVERFLOW_JS) == [], path
    # No header cell one character a line: every visible th or labelled cell is at least two characters wide.
    narrow = page.evaluate(
        """() => [...document.querySelectorAll("main th, main td")].filter(el => {
            const box = el.getBoundingClientRect();
            const em = parseFloat(getComputedStyle(el).fontSize);
            return box.width > 0 && el.innerText.trim().length > 1 && box.width < 2 * em;
        }).map(el => el.innerText.trim()).slice(0, 5)"""
    )
    assert narrow == []
    assert page.locator(".dash-chart[data-rendered]").count() > 0
