"""Writes that would leave the writer's scope, declared by each app for the access matrix (issue 20, item 6).

Each ``tests/<app>/access.py`` may list ``PLACE_WRITES``: a form with a township or site field, posted by a
user with a place outside their scope (another township, a site of another township, or no site at all for
site staff). ``tests/test_access_matrix.py`` posts each and checks the form refused the place and nothing
was written; ``inside`` (when given) posts the same form with a place of the user's own, which must succeed,
so the check can fail.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class PlaceWrite:
    label: str
    url: str  # URL name
    user: str  # a member of the cast: "carol" (site staff of 洋口安置小区), "alice" (洋口镇)...
    data: Callable  # cast -> POST data placing the row outside the user's scope
    left: Callable  # cast -> True when a row was written outside the user's scope (the failure)
    kwargs: Callable = field(default=lambda cast: {})
    inside: Callable | None = None  # cast -> POST data placing it inside: the write succeeds


def form_data(form, **overrides) -> dict:
    """The POST data an unbound form would send as rendered (its initial values), with ``overrides``."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False or value == "":
            continue
        if value is True:
            value = "on"
        elif isinstance(value, (list, tuple)):
            value = [str(v) for v in value]
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        data[name] = value
    for name, value in overrides.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data
