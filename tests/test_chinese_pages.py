"""Every page a role reaches from its menu, and every page linked from those, is Chinese (issue 15,
"Done when"): no English word and no raw key in the text a user reads, even when the browser asks
for English.

The crawl uses the test client (fast): each role signs in, opens every link of its main menu and
then every same-host link on those pages (one level, GET only). The visible text is the page with
its tags, scripts, styles and attributes removed, but with the placeholders and button captions
that show on it.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# Latin words a Chinese user meets on a Chinese page as they are: file formats, standards, units.
ALLOWED = {
    "PDF",
    "Excel",
    "xlsx",
    "xls",
    "ods",
    "png",
    "jpg",
    "jpeg",
    "CSV",
    "csv",
    "OTP",
    "TOTP",
    "URL",
    "ECharts",
    "App",
    "APP",
    "Google",
    "Authenticator",
    "Microsoft",
    "WPS",
    "WiFi",
    "Wi-Fi",
    "GPS",
    "QQ",
    "LDAP",
    "Unix",
    # Django's help under a multiple choice: "按住 Control 键，或者 Mac 上的 Command 键"
    "Control",
    "Command",
    "Mac",
}
WORD = re.compile(r"[A-Za-z]{3,}")
RAW_KEY = re.compile(r"\b[a-z]+_[a-z_]+\b|\['|\[\"|\bNone\b|\bTrue\b|\bFalse\b")
# Pages a crawl must not open: they end the session or download a file.
SKIP = re.compile(r"/logout|/export|/download|/template|\.xlsx|\.pdf|/static/|/media/|/i18n/|/setlang")
# django-celery-beat's admin (task paths, cron fields, time-zone names) is not yet Chinese; it is
# left out here as in tests/portal/test_admin_in_chinese.py and named in issue 15's follow-up.
NOT_YET = re.compile(r"^/admin/django_celery_beat/")
PER_KIND = 2  # pages of one kind opened one level down
ROLES = ["alice", "carol", "erin", "frank", "grace", "admin"]


class _Text(HTMLParser):
    """The text a user reads, and the links on the page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.menu: list[str] = []
        self._skip = 0
        self._nav = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template", "noscript"):
            self._skip += 1
        if tag == "nav":
            self._nav += 1
        # What an attribute shows on the page: a field's placeholder, a button's caption.
        if attrs.get("placeholder") and not self._skip:
            self.parts.append(attrs["placeholder"])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            if self._nav:
                self.menu.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "noscript") and self._skip:
            self._skip -= 1
        if tag == "nav" and self._nav:
            self._nav -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def read(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def findings(text: str, data: frozenset = frozenset()) -> list[str]:
    """English words and raw keys in ``text``; ``data`` are values users typed (login names, codes)."""
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    found = [word for word in WORD.findall(text) if word not in ALLOWED]
    found += RAW_KEY.findall(text)
    return found


def _local(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc != "testserver"):
        return None
    if not parts.path.startswith("/") or SKIP.search(parts.path) or NOT_YET.search(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _data() -> frozenset:
    """What users typed and the pages show as typed: login names, site codes, device names, and
    django-axes' placeholder for a login without a browser name."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User
    from settlements.models import Settlement

    values = set(User.objects.values_list("username", flat=True))
    values |= set(Settlement.objects.values_list("code", flat=True))
    values |= set(TOTPDevice.objects.values_list("name", flat=True))
    values |= {f"role:{role}" for role in User.Role.values}  # the role groups' stored names
    return frozenset(v for v in values if v) | {"<unknown>"}


def _crawl(client) -> dict[str, list[str]]:
    """Every page of the menu and one level below: {url: the English words and raw keys on it}."""
    start = client.get(reverse("notifications:notification_list"), HTTP_ACCEPT_LANGUAGE="en")
    first = [url for url in (_local(h) for h in read(start.content.decode()).menu) if url]
    data = _data()
    seen: dict[str, list[str]] = {}
    kinds: dict[str, int] = {}
    queue = [(url, True) for url in dict.fromkeys(first)]
    while queue:
        url, follow_links = queue.pop(0)
        kind = re.sub(r"\d+", "N", url)  # /households/17/ and /households/18/ are one kind of page
        if url in seen or (not follow_links and kinds.get(kind, 0) >= PER_KIND):
            continue
        kinds[kind] = kinds.get(kind, 0) + 1
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            seen[url] = []
            continue
        page = read(response.content.decode())
        seen[url] = findings(" ".join(page.parts), data)
        if follow_links:
            queue += [(link, False) for link in (_local(h) for h in page.links) if link and link not in seen]
    return seen


def test_the_text_finder_finds_english_and_raw_keys():
    page = read('<p title="Title">收入 <b>per_capita_income</b> Income</p><script>var English;</script>')
    assert sorted(findings(" ".join(page.parts))) == ["Income", "capita", "income", "per", "per_capita_income"]
    assert findings("导出 Excel 与 PDF，格式 xlsx") == []
    assert findings("依据：['illness']") == ["illness", "['"]
    assert findings("欢迎，carol。", frozenset({"carol"})) == []


@pytest.mark.parametrize("who", ROLES)
def test_every_page_of_a_role_is_chinese(client_of, cast, who):
    client = client_of(getattr(cast, who))
    crawled = _crawl(client)
    assert len(crawled) > 5, "the crawl found too few pages"
    bad = {url: sorted(set(words)) for url, words in crawled.items() if words}
    assert not bad, "English or raw keys on: " + "\n".join(f"{url}: {words}" for url, words in bad.items())


def test_every_page_is_chinese_with_the_demo_district(client):
    """The demo district has what the cast lacks: alerts with their evidence, cases, plans,
    measures, ledgers, notices; each demo role crawls its pages over them."""
    from io import StringIO

    from django.core.management import call_command

    from accounts.models import User
    from relocation import demo
    from tests.auth import force_login

    call_command("seed_demo", households=30, stdout=StringIO())
    bad = {}
    for username, *_rest in demo.DEMO_USERS:
        crawled = _crawl(force_login(client, User.objects.get(username=username)))
        assert len(crawled) > 5, f"{username}: the crawl found too few pages"
        bad |= {f"{username} {url}": sorted(set(words)) for url, words in crawled.items() if words}
        client.logout()
    assert not bad, "English or raw keys on: " + "\n".join(f"{url}: {words}" for url, words in bad.items())
