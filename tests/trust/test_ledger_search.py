"""Site-ledger searches are posted and kept out of URLs, as on the household list (issue 20, item 13).

A ledger search may be a resident's name or phone: it must reach neither the server log nor the
browser history. The term is posted, kept in the session, and the list's URL carries only its key.
"""

import pytest
from django.urls import reverse

from tests.settlements.factories import yangkou_rows
from tests.test_access_matrix import readable_text

pytestmark = pytest.mark.django_db


def test_a_search_is_posted_and_the_url_keeps_only_a_key(cast, client_of):
    rows = yangkou_rows(cast)
    client = client_of(cast.alice)
    url = reverse("settlements:request_list")
    term = rows["request"].requester
    response = client.post(url, {"q": term, "state": ""})
    assert response.status_code == 302
    location = response["Location"]
    assert "s=" in location and term not in location and "q=" not in location
    page = client.get(location).content.decode()
    assert rows["request"].content in page
    # The export and the print view of the same query hold the same rows.
    query = location.split("?", 1)[1]
    export = readable_text(client.get(f"{reverse('settlements:request_export')}?{query}"))
    assert rows["request"].content in export


def test_a_search_that_matches_nothing_shows_nothing(cast, client_of):
    rows = yangkou_rows(cast)
    client = client_of(cast.alice)
    url = reverse("settlements:facility_list")
    location = client.post(url, {"q": "没有这样的设施"})["Location"]
    assert rows["facility"].name not in client.get(location).content.decode()


def test_a_term_in_an_old_link_is_ignored(cast, client_of):
    rows = yangkou_rows(cast)
    page = client_of(cast.alice).get(reverse("settlements:facility_list") + "?q=没有这样的设施").content.decode()
    assert rows["facility"].name in page
