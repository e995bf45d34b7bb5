"""A cadre's day with households, as the browser shows it."""

import pytest

from tests.browser.helpers import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_township_staff_find_open_and_edit_a_member_and_see_the_history(page, live_server, cast):
    login(page, live_server, "alice", "test-pass-2026")

    page.goto(f"{live_server.url}/households/")
    page.fill("#id_q", cast.alice_member.id_number)
    page.click("form.filters button[type=submit]")
    assert cast.alice_member.id_number not in page.url  # the term stays out of the address
    page.click(f"text={cast.alice_household.code}")

    page.wait_for_selector(f"text={cast.alice_member.name}")
    assert cast.alice_member.id_number not in page.content()  # masked until asked for
    page.click(f"#identity-{cast.alice_member.pk} button")
    page.wait_for_selector(f"#identity-{cast.alice_member.pk} >> text={cast.alice_member.id_number}")

    page.click(f"a[href$='/members/{cast.alice_member.pk}/edit/']")
    page.wait_for_selector("#id_id_number")
    assert cast.alice_member.id_number not in page.content()  # the edit form shows it masked too
    assert page.input_value("#id_id_number") == cast.alice_member.masked_id_number
    page.click("#id_id_number + button:has-text('显示')")
    page.wait_for_function(
        "value => document.querySelector('#id_id_number').value === value", arg=cast.alice_member.id_number
    )
    page.select_option("#id_employment", "welfare_post")
    page.fill("#id_employer", "城东社区保洁公益岗")
    page.click("button[type=submit]:has-text('保存')")
    page.wait_for_selector("text=修改已保存")
    assert "公益性岗位" in page.content()

    page.click(f"a[href$='/households/{cast.alice_household.pk}/history/']")
    row = page.locator("tr.history-row", has_text="公益性岗位").first
    assert "周爱丽" in row.inner_text()
    assert "县内务工" in row.inner_text()
    assert page.console_errors == []


def test_staff_of_another_township_cannot_open_the_household(browser, page, live_server, cast):
    login(page, live_server, "bob", "test-pass-2026")
    response = page.goto(f"{live_server.url}/households/{cast.alice_household.pk}/")
    assert response.status == 404
    assert cast.alice_household.head_name not in page.content()


def test_the_household_list_fits_a_phone(phone_page, live_server, cast):
    login(phone_page, live_server, "alice", "test-pass-2026")
    phone_page.goto(f"{live_server.url}/households/")
    assert phone_page.locator(f"text={cast.alice_household.code}").is_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px phone"
    assert phone_page.console_errors == []
