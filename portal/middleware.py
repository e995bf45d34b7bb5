"""Requests no page can take are refused before any view reads them."""

import re

from django.core.exceptions import BadRequest

# NUL and the other C0 control characters except tab, line feed and carriage return. PostgreSQL refuses a
# NUL in a string literal ("A string literal cannot contain NUL (0x00) characters"): a filter value with
# one used to reach the database and answer 500 (issue 20, item 7).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class RejectControlCharactersMiddleware:
    """A query string with a NUL byte (or another control character) answers 400, on every page.

    Filter values go through forms (which refuse NUL too: Django's ``ProhibitNullCharactersValidator``);
    this is the net under every page, including parameters a view reads without one. Posted fields are
    left to the forms, so that an upload's handlers are not fixed before its view runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            if CONTROL.search(key) or any(CONTROL.search(v) for v in values):
                raise BadRequest("control character in the query string")
        return self.get_response(request)
