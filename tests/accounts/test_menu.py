"""The main menu: every entry opens a page, a drop-down lists its pages by name."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a class="(?:dropdown-item|nav-link)[^"]*" href="([^"]+)"[^>]*>(.*?)</a>', re.S)


def menu_links(html: str) -> list[tuple[str, str]]:
    nav = html.split('id="mainnav"', 1)[1].split("</nav>", 1)[0]
    return [(href, re.sub(r"<[^>]+>", "", label).strip()) for href, label in LINK.findall(nav)]


@pytest.mark.parametrize("who", ["alice", "carol", "erin", "frank", "admin"])
def test_every_menu_link_has_a_name_and_opens_a_page(client_of, cast, who):
    client = client_of(getattr(cast, who))
    html = client.get(reverse("notifications:notification_list")).content.decode()

    links = [(href, label) for href, label in menu_links(html) if href != "#"]
    assert links, "the menu has no links"
    for href, label in links:
        assert label, f"a menu link to {href} has no name"
        assert client.get(href, follow=True).status_code == 200, f"{label} ({href}) does not open"


def test_the_households_list_and_the_dashboards_are_reachable_from_the_menu(client_of, cast):
    html = client_of(cast.alice).get(reverse("notifications:notification_list")).content.decode()

    hrefs = [href for href, _label in menu_links(html)]
    assert reverse("relocation:household_list") in hrefs
    assert reverse("dashboards:overview") in hrefs
