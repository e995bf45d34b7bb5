"""A user of one township or one site finds it chosen in the list filters, not "全部" (issue 15, item 7)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _select(page: str, name: str) -> str:
    start = page.index(f'name="{name}"')
    return page[start : page.index("</select>", start)]


@pytest.mark.parametrize(
    "url_name", ["relocation:household_list", "monitoring:alert_list", "settlements:maintenance_list"]
)
def test_site_staff_find_their_one_site_chosen(url_name, cast, client_of):
    page = client_of(cast.carol).get(reverse(url_name)).content.decode()
    site = _select(page, "settlement")
    assert site.count("<option") == 1 and f'value="{cast.yangkou_site.pk}"' in site


@pytest.mark.parametrize("url_name", ["relocation:household_list", "monitoring:alert_list"])
def test_township_staff_find_their_one_township_chosen(url_name, cast, client_of):
    page = client_of(cast.alice).get(reverse(url_name)).content.decode()
    township = _select(page, "township")
    assert township.count("<option") == 1 and f'value="{cast.yangkou.pk}"' in township


def test_a_district_head_keeps_all(cast, client_of):
    page = client_of(cast.frank).get(reverse("relocation:household_list")).content.decode()
    assert "全部" in _select(page, "township")
