"""A NUL byte in any list's query parameter answers 400, never 500 (issue 20, item 7).

PostgreSQL refuses a NUL in a string literal: a filter value read straight from the query string and
passed to the database answered 500 (/assistance/measures/?type=%00). Every list page is opened with a
NUL in each parameter its forms name and in the common ones (page, sort, q, township...).
"""

from urllib.parse import quote

import pytest
from django.urls import reverse

from tests.test_access_matrix import PLAIN_URLS
from tests.trust.test_crawl import COMMON_PARAMS, fields_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", PLAIN_URLS)
def test_a_nul_in_any_parameter_of_a_list_is_refused(name, cast, client_of):
    client = client_of(cast.alice)
    url = reverse(name)
    plain = client.get(url)
    names = sorted(fields_of(plain).names | set(COMMON_PARAMS)) if plain.status_code == 200 else COMMON_PARAMS
    failures = []
    for param in names:
        for value in ("%00", "a%00b", "%01"):
            response = client.get(f"{url}?{quote(param)}={value}")
            if not 400 <= response.status_code < 500:
                failures.append(f"?{param}={value}: {response.status_code}")
    # A NUL in a parameter's name too.
    response = client.get(f"{url}?ty%00pe=1")
    if not 400 <= response.status_code < 500:
        failures.append(f"?ty%00pe=1: {response.status_code}")
    assert not failures, f"{url}\n" + "\n".join(failures)


def test_the_measure_list_says_why_in_chinese(cast, client_of):
    response = client_of(cast.alice).get("/assistance/measures/?type=%00")
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()


def test_the_measure_filters_go_through_a_form(cast, client_of):
    """Without the middleware's net, the list's own form ignores a value that is not one of its choices."""
    from assistance.forms import MeasureFilterForm

    form = MeasureFilterForm({"type": "\x00", "status": "planned"})
    assert form.value("type") == ""
    assert form.value("status") == "planned"
    response = client_of(cast.alice).get("/assistance/measures/?type=no-such-type&status=zzz")
    assert response.status_code == 200
