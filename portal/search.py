"""Search terms kept out of URLs.

A search box may receive an ID number or a phone; such terms must not appear in a URL (they would
reach the server log and the browser history). Searches are posted, the term is kept in the
session under a short random key, and the list's URL carries only that key (``s=``).
"""

import secrets

from django.http import HttpRequest

SESSION_KEY = "portal_searches"
MAX_KEPT = 30


def stash(request: HttpRequest, term: str) -> str:
    searches = request.session.get(SESSION_KEY, {})
    key = secrets.token_urlsafe(6)
    searches[key] = term[:100]
    if len(searches) > MAX_KEPT:
        searches = dict(list(searches.items())[-MAX_KEPT:])
    request.session[SESSION_KEY] = searches
    return key


def term_of(request: HttpRequest) -> str:
    key = request.GET.get("s", "")
    return request.session.get(SESSION_KEY, {}).get(key, "") if key else ""


def redirect_query(request: HttpRequest, *, term_field: str = "q") -> str:
    """The query string to redirect to after a posted search: filters as they are, the term stashed."""
    params = request.POST.copy()
    params.pop("csrfmiddlewaretoken", None)
    term = params.pop(term_field, [""])[-1].strip()
    params.pop("s", None)
    params.pop("page", None)
    if term:
        params["s"] = stash(request, term)
    return params.urlencode()
