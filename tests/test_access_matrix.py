"""Every staff URL, walked as users who must not see Yangkou's data.

Each app's tests folder declares in ``tests/<app>/access.py``:
- ``FOREIGN_KWARGS``: URL keyword -> function(cast) giving the id of a Yangkou object;
- ``LIST_URLS``: URL names without keywords whose pages must not show Yangkou's rows;
- ``EXEMPT_URLS``: URL name -> why it holds no household data (login, language...);
- ``MARKERS`` (optional): function(cast) -> texts of Yangkou objects that lists must not show.
A URL that none of these cover fails ``test_every_staff_url_is_covered``: add it there.
"""

import io
import zipfile
from importlib import import_module
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

NAMESPACES = [
    "accounts", "settlements", "relocation", "monitoring", "assistance", "programmes", "cadres", "dashboards",
    "exchange", "notifications", "api",
]  # fmt: skip
DENIED = {403, 404}


def _registries():
    merged = {"FOREIGN_KWARGS": {}, "LIST_URLS": set(), "EXEMPT_URLS": {}, "MARKERS": []}
    for app in NAMESPACES:
        if not (Path(__file__).parent / app / "access.py").exists():
            continue
        module = import_module(f"tests.{app}.access")
        merged["FOREIGN_KWARGS"].update(getattr(module, "FOREIGN_KWARGS", {}))
        merged["LIST_URLS"].update(getattr(module, "LIST_URLS", set()))
        merged["EXEMPT_URLS"].update(getattr(module, "EXEMPT_URLS", {}))
        if hasattr(module, "MARKERS"):
            merged["MARKERS"].append(module.MARKERS)
    return merged


def _patterns():
    """(url name, keyword names) of every pattern in the staff namespaces."""
    found = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and namespace in NAMESPACES and p.name:
                found.append((f"{namespace}:{p.name}", sorted(p.pattern.regex.groupindex)))

    walk(get_resolver().url_patterns, None)
    return found


REGISTRY = _registries()
PATTERNS = _patterns()
OBJECT_URLS = [(n, kwargs) for n, kwargs in PATTERNS if kwargs and n not in REGISTRY["EXEMPT_URLS"]]
PLAIN_URLS = [n for n, kwargs in PATTERNS if not kwargs and n not in REGISTRY["EXEMPT_URLS"]]


def test_every_staff_url_is_covered():
    uncovered = []
    for name, kwargs in PATTERNS:
        if name in REGISTRY["EXEMPT_URLS"]:
            continue
        if kwargs:
            missing = [k for k in kwargs if k not in REGISTRY["FOREIGN_KWARGS"]]
            if missing:
                uncovered.append(f"{name}: no foreign object for {missing}")
        elif name not in REGISTRY["LIST_URLS"]:
            uncovered.append(f"{name}: neither a list checked for foreign rows nor exempt")
    assert not uncovered, "URLs the access matrix does not cover:\n" + "\n".join(uncovered)


def readable_text(response) -> str:
    """What a person could read in the response: the page, or every cell of a workbook."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw[:2] == b"PK":  # an .xlsx is a zip of XML parts; the cells' text is in them
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return raw.decode("utf-8", errors="replace")


def _url(name, kwargs, cast):
    from django.urls import reverse

    return reverse(name, kwargs={k: REGISTRY["FOREIGN_KWARGS"][k](cast) for k in kwargs})


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), OBJECT_URLS, ids=[n for n, _ in OBJECT_URLS])
def test_foreign_objects_are_not_found(name, kwargs, cast, client_of):
    url = _url(name, kwargs, cast)
    for user in cast.everyone_but_yangkou():
        client = client_of(user)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in DENIED | {405}, (
                f"{user.username} {method.upper()} {url}: {response.status_code}"
            )
        client.logout()


@pytest.mark.django_db
@pytest.mark.parametrize("name", PLAIN_URLS)
def test_lists_hold_no_foreign_rows(name, cast, client_of):
    from django.urls import reverse

    markers = [cast.alice_household.head_name, cast.alice_household.code]
    for extra in REGISTRY["MARKERS"]:
        markers.extend(extra(cast))
    url = reverse(name)
    for user in cast.everyone_but_yangkou():
        response = client_of(user).get(url)
        assert response.status_code < 500, f"{user.username} GET {url}: {response.status_code}"
        body = readable_text(response)
        leaked = [m for m in markers if m and m in body]
        assert not leaked, f"{user.username} sees Yangkou's {leaked} at {url}"


@pytest.mark.django_db
def test_the_matrix_can_fail(cast, client_of):
    """Alice does see her own household, so the markers above would catch a leak."""
    from django.urls import reverse

    body = client_of(cast.alice).get(reverse("relocation:household_list")).content.decode()
    assert cast.alice_household.head_name in body
    assert cast.bob_household.head_name not in body


def _place_writes():
    writes = []
    for app in NAMESPACES:
        if (Path(__file__).parent / app / "access.py").exists():
            writes.extend(getattr(import_module(f"tests.{app}.access"), "PLACE_WRITES", []))
    return writes


PLACE_WRITES = _place_writes()


@pytest.mark.django_db
@pytest.mark.parametrize("write", PLACE_WRITES, ids=[w.label for w in PLACE_WRITES])
def test_writes_cannot_leave_the_writers_scope(write, cast, client_of):
    """A form with a township or site field refuses a place outside the writer's scope (issue 20, item 6)."""
    from django.urls import reverse

    url = reverse(write.url, kwargs=write.kwargs(cast))
    data = write.data(cast)
    response = client_of(getattr(cast, write.user)).post(url, data)
    assert response.status_code == 200, f"{write.label}: {response.status_code} {response.get('Location', '')}"
    errors = response.context["form"].errors
    assert {"township", "settlement"} & set(errors), f"{write.label}: no error on the place, but {errors.as_data()}"
    assert not write.left(cast), f"{write.label}: written outside the writer's scope"


INSIDE_WRITES = [w for w in PLACE_WRITES if w.inside]


@pytest.mark.django_db
@pytest.mark.parametrize("write", INSIDE_WRITES, ids=[w.label for w in INSIDE_WRITES])
def test_the_same_write_inside_the_scope_is_saved(write, cast, client_of):
    """The refusals above are about the place: the same form with one of the user's own places is saved."""
    from django.urls import reverse

    response = client_of(getattr(cast, write.user)).post(
        reverse(write.url, kwargs=write.kwargs(cast)), write.inside(cast)
    )
    assert response.status_code == 302, response.context["form"].errors.as_data() if response.context else response


def _shared_pages():
    pages = {}
    for app in NAMESPACES:
        if (Path(__file__).parent / app / "access.py").exists():
            pages.update(getattr(import_module(f"tests.{app}.access"), "SHARED_PAGES", {}))
    return pages


SHARED_PAGES = _shared_pages()


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SHARED_PAGES))
def test_shared_pages_hold_no_foreign_rows(name, cast, client_of):
    """A page open to every unit (a policy task's text) shows only the rows the reader's unit may read."""
    from django.urls import reverse

    kwargs, markers = SHARED_PAGES[name](cast)
    url = reverse(name, kwargs=kwargs)
    opened = 0
    for user in cast.everyone_but_yangkou():
        response = client_of(user).get(url)
        assert response.status_code in {200, 403}, f"{user.username} GET {url}: {response.status_code}"
        opened += response.status_code == 200
        body = readable_text(response)
        leaked = [m for m in markers if m in body]
        assert not leaked, f"{user.username} sees {leaked} at {url}"
    assert opened, f"nobody could open {url}: the check above proved nothing"
