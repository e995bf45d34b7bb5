"""A crawl of every page with unexpected query strings and form values, as users of each role.

For every URL pattern of the staff apps (and the admin's lists), each role's user opens the page,
opens it again with garbage in every query parameter the page's forms name (and in the common
ones: page, sort, search...), and posts garbage into every field of its forms. Nothing may answer
with a server error, and no page may put a full ID number into a link.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tests.test_access_matrix import PATTERNS, REGISTRY

SKIPPED = {
    "accounts:logout": "ends the session the crawl runs in",
}
GARBAGE = [
    "-1",
    "0",
    "99999999999999999999",
    "abc",
    "1e309",
    "2026-13-45",
    "' OR 1=1 --",
    '<script>alert(1)</script>"',
    "../../../../etc/passwd",
    "%00",
    "\x00",
    "\u202e\u200b测试",
    "x" * 3000,
    "NaN",
    "[]",
]
COMMON_PARAMS = ["page", "per_page", "sort", "order", "o", "q", "s", "status", "year", "period", "month",
                 "township", "settlement", "kind", "format", "next", "tab", "date_from", "date_to"]  # fmt: skip
ID_IN_LINK = re.compile(r"""(?:href|action|src|hx-get|hx-post)=["'][^"']*(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])""")


class FormFields(HTMLParser):
    """Names of the fields in a page's forms, and the file inputs among them."""

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()
        self.files: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"input", "select", "textarea"} and attrs.get("name"):
            if attrs["name"] == "csrfmiddlewaretoken":
                return
            self.names.add(attrs["name"])
            if attrs.get("type") == "file":
                self.files.add(attrs["name"])


def fields_of(response) -> FormFields:
    parser = FormFields()
    if response.get("Content-Type", "").startswith("text/html"):
        parser.feed(response.content.decode("utf-8", errors="replace"))
    return parser


# Keywords of exempt URLs that name no household data (the kind of an import template).
PLAIN_KWARGS = {"kind": "households"}


def url_of(name, kwargs, cast):
    values = {k: PLAIN_KWARGS[k] if k in PLAIN_KWARGS else REGISTRY["FOREIGN_KWARGS"][k](cast) for k in kwargs}
    return reverse(name, kwargs=values)


def check(response, what, cast):
    assert response.status_code < 500, f"{what}: {response.status_code}"
    location = response.get("Location", "")
    for number in (cast.alice_member.id_number, cast.bob_member.id_number):
        assert number not in location, f"{what}: an ID number in a redirect"


CRAWLED = [(n, k) for n, k in PATTERNS if n not in SKIPPED]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "kwargs"), CRAWLED, ids=[n for n, _ in CRAWLED])
def test_no_page_fails_on_unexpected_input(name, kwargs, cast, client_of):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = url_of(name, kwargs, cast)
    for n, user in enumerate([cast.alice, cast.carol, cast.erin, cast.frank, cast.admin]):
        client = client_of(user)
        plain = client.get(url)
        check(plain, f"{user.username} GET {url}", cast)
        if plain.status_code == 200 and not plain.get("Content-Type", "").startswith("text/html"):
            continue  # a download: its parameters are the list's, crawled there
        body = plain.content.decode("utf-8", errors="replace") if plain.status_code == 200 else ""
        assert not ID_IN_LINK.search(body), f"{user.username} {url}: a full ID number in a link"
        fields = fields_of(plain)
        names = sorted(fields.names | set(COMMON_PARAMS))
        # Each user tries other garbage, so that five users cover most of the list per page.
        bad = {field: GARBAGE[(i + n * 3) % len(GARBAGE)] for i, field in enumerate(names)}
        check(client.get(f"{url}?{urlencode(bad)}"), f"{user.username} GET {url} with garbage", cast)
        posted = {k: v for k, v in bad.items() if k not in fields.files}
        for field in fields.files:
            posted[field] = SimpleUploadedFile("名单.xlsx", b"PK\x03\x04 not really a workbook")
        if user in (cast.alice, cast.admin) or name.endswith(("_create", "_edit")):
            # Posting is what changes data: the township cadre and the administrator try every form.
            check(client.post(url, posted), f"{user.username} POST {url} with garbage", cast)
        client.logout()


ADMIN_GARBAGE = {"o": "9.x.-3", "p": "-5", "q": "' OR 1=1 --", "e": "1", "all": "", "_popup": "x", "id__exact": "a"}


@pytest.mark.slow
def test_no_admin_list_fails_on_unexpected_input(cast, client_of):
    from django.contrib import admin

    client = client_of(cast.admin)
    failures = []
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for query in ("", urlencode(ADMIN_GARBAGE)):
            response = client.get(f"{url}?{query}")
            if response.status_code >= 500:
                failures.append(f"GET {url}?{query}: {response.status_code}")
    assert not failures, "\n".join(failures)
