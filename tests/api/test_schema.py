"""The OpenAPI 3 schema and its pages: Chinese descriptions, every asset served by the portal itself."""

import re

import pytest
from django.urls import reverse

from tests.api.helpers import bearer, make_token

pytestmark = pytest.mark.django_db


def test_the_schema_describes_every_endpoint_in_chinese(cast, client_of):
    response = client_of(cast.alice).get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "广丰区" in schema["info"]["title"]
    paths = schema["paths"]
    for path in [
        "/api/v1/households/",
        "/api/v1/households/{household_pk}/",
        "/api/v1/households/{household_pk}/members/{member_pk}/identity/",
        "/api/v1/households/{household_pk}/visits/",
        "/api/v1/households/{household_pk}/ledger/{month}/",
        "/api/v1/alerts/{alert_pk}/dismiss/",
        "/api/v1/alerts/{alert_pk}/identify/",
        "/api/v1/cases/{case_pk}/long-term/",
        "/api/v1/rosters/",
        "/api/v1/tasks/{task_pk}/reports/",
    ]:
        assert path in paths, path
        for operation in paths[path].values():
            assert re.search(r"[\u4e00-\u9fff]", operation["summary"]), (path, operation["summary"])
    assert schema["components"]["securitySchemes"]["单位令牌"]["scheme"] == "bearer"
    # field descriptions are the Chinese catalog's
    visit = schema["components"]["schemas"]["VisitInRequest"]["properties"]
    assert visit["findings"]["description"] == "走访发现的情况"


def test_a_token_reads_the_schema_as_yaml(cast, client):
    _token, key = make_token(department=cast.department, scopes=["read"])
    response = client.get(reverse("api:schema"), {"format": "yaml"}, **bearer(key))
    assert response.status_code == 200 and b"openapi: 3" in response.content


def test_the_schema_is_not_public(client):
    assert client.get(reverse("api:schema")).status_code in (401, 403)


@pytest.mark.parametrize("page", ["api:docs"])
def test_the_pages_load_everything_from_the_portal(cast, client_of, page):
    response = client_of(cast.alice).get(reverse(page))
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(not s.startswith(("http:", "https:", "//")) for s in sources), sources
    assert "<style" not in html and not re.search(r"<script>\s*\S", html)  # the CSP allows no inline code
    assert any("drf_spectacular_sidecar" in s for s in sources)
