"""The access matrix again, with tokens instead of sessions: every API URL, as other units' systems.

tests/test_access_matrix.py walks every API URL with the portal's session (tests/api/access.py declares
them); here the same URLs are walked with a token of 横山镇 and one of 人社局, which must reach nothing of 洋口镇.
"""

import pytest
from django.urls import reverse

import tests.test_access_matrix as matrix
from tests.api.helpers import bearer, make_token

API_OBJECT_URLS = [(n, k) for n, k in matrix.OBJECT_URLS if n.startswith("api:")]
API_LIST_URLS = [n for n in matrix.PLAIN_URLS if n.startswith("api:")]


def test_every_api_url_is_walked():
    """A new API URL falls in one of the walks below, or is exempt with a reason (tests/api/access.py)."""
    names = {n for n, _k in matrix.PATTERNS if n.startswith("api:")}
    walked = {n for n, _k in API_OBJECT_URLS} | set(API_LIST_URLS) | set(matrix.REGISTRY["EXEMPT_URLS"])
    assert names and names <= walked, names - walked
    assert len(API_OBJECT_URLS) >= 10 and len(API_LIST_URLS) == 4


def _other_units_keys(cast):
    _t1, hengshan = make_token(township=cast.hengshan, name="横山镇系统")
    _t2, bureau = make_token(department=cast.department, name="人社局系统")
    return {"横山镇": hengshan, "人社局": bureau}


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), API_OBJECT_URLS, ids=[n for n, _ in API_OBJECT_URLS])
def test_other_units_tokens_do_not_reach_yangkous_objects(name, kwargs, cast, client):
    url = matrix._url(name, kwargs, cast)
    for unit, key in _other_units_keys(cast).items():
        for method in ("get", "post", "put"):
            response = getattr(client, method)(url, {}, content_type="application/json", **bearer(key))
            assert response.status_code in {403, 404, 405}, f"{unit} {method.upper()} {url}: {response.status_code}"
            assert cast.alice_household.head_name not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", API_LIST_URLS)
def test_other_units_tokens_list_no_yangkou_rows(name, cast, client):
    markers = [cast.alice_household.head_name, cast.alice_household.code]
    for extra in matrix.REGISTRY["MARKERS"]:
        markers.extend(extra(cast))
    for unit, key in _other_units_keys(cast).items():
        response = client.get(reverse(name), **bearer(key))
        assert response.status_code in {200, 403}, f"{unit} {name}: {response.status_code}"
        leaked = [m for m in markers if m and m in response.content.decode()]
        assert not leaked, f"{unit} sees {leaked} at {name}"


@pytest.mark.django_db
def test_the_token_walk_can_fail(cast, client):
    """Yangkou's own token does see its household, so the walks above would catch a leak."""
    _token, key = make_token(township=cast.yangkou)
    url = reverse("api:household_detail", kwargs={"household_pk": cast.alice_household.pk})
    assert cast.alice_household.head_name in client.get(url, **bearer(key)).content.decode()
