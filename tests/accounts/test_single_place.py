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


# Every list filter with a township or site field, with a user of one township (alice: 洋口镇, whose
# one site is 洋口安置小区) or of one site (carol): the place stands chosen, no 全部 above it.
FILTERS = [
    ("relocation:household_list", "township", "alice"),
    ("relocation:household_list", "settlement", "carol"),
    ("monitoring:alert_list", "township", "alice"),
    ("monitoring:alert_list", "settlement", "carol"),
    ("monitoring:visits_overdue", "township", "alice"),
    ("monitoring:income_unknown", "township", "alice"),
    ("monitoring:annual_income_list", "township", "alice"),
    ("settlements:maintenance_list", "settlement", "carol"),
    *[
        (f"programmes:{name}_list", "settlement", "alice")
        for name in ("workshop", "relief", "loan", "product", "sales", "benefit", "project", "training", "record")
    ],
]


@pytest.mark.parametrize(("url_name", "name", "who"), FILTERS)
def test_every_list_filter_chooses_the_one_place(url_name, name, who, cast, client_of):
    response = client_of(getattr(cast, who)).get(reverse(url_name))
    assert response.status_code == 200
    place = cast.yangkou if name == "township" else cast.yangkou_site
    select = _select(response.content.decode(), name)
    assert select.count("<option") == 1, select
    assert f'value="{place.pk}"' in select


@pytest.mark.parametrize("url_name", ["relocation:household_list", "monitoring:alert_list"])
def test_township_staff_keep_all_sites_where_households_may_have_none(url_name, cast, client_of):
    """A township's dispersed households have no site: a chosen site would hide them from every
    submitted filter, so the township's staff keep 全部 in the site filter of these lists."""
    page = client_of(cast.alice).get(reverse(url_name)).content.decode()
    assert "全部" in _select(page, "settlement")


def _chosen(page: str, name: str) -> str | None:
    """The value of the option shown chosen in a form's select (the first one when none is marked)."""
    import re

    select = _select(page, name)
    marked = re.search(r'<option value="([^"]*)"[^>]*selected', select)
    first = re.search(r'<option value="([^"]*)"', select)
    return (marked or first).group(1) if (marked or first) else None


# Every entry form with a site field that site staff fill in: their one site is the one shown chosen.
SITE_FORMS = [
    *[f"settlements:{name}_create" for name in ("facility", "hazard", "activity", "dispute", "request", "asset")],
]


@pytest.mark.parametrize("url_name", SITE_FORMS)
def test_site_staff_find_their_one_site_chosen_in_every_form(url_name, cast, client_of):
    response = client_of(cast.carol).get(reverse(url_name))
    assert response.status_code == 200
    assert _chosen(response.content.decode(), "settlement") == str(cast.yangkou_site.pk)


# The programme ledgers' forms with a township field: a township's staff find their one township chosen.
PROGRAMME_FORMS = [f"programmes:{name}_create" for name in ("workshop", "relief", "product", "project")]


@pytest.mark.parametrize("url_name", PROGRAMME_FORMS)
def test_township_staff_find_their_one_township_chosen_in_every_form(url_name, cast, client_of):
    response = client_of(cast.alice).get(reverse(url_name))
    assert response.status_code == 200
    page = response.content.decode()
    field = "township" if 'name="township"' in page else "settlement"
    place = cast.yangkou if field == "township" else cast.yangkou_site
    assert _chosen(page, field) == str(place.pk)
