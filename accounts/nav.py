"""The main menu, assembled from the apps so that no app edits another's template.

An app that wants menu entries defines ``NAV`` in ``<app>/nav.py``: a list of :class:`NavItem`.
"""

from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str = "circle"
    permission: str | None = None
    order: int = 100
    roles: tuple[str, ...] = ()


NAV = [
    # Heads, the district office and the administrator: what waits for their decision, with a count.
    NavItem(
        _("Awaiting my approval"),
        "accounts:approvals",
        "inbox",
        None,
        order=4,
        roles=("head", "district_office", "admin"),
    ),
]


def all_items() -> list[tuple[str, NavItem]]:
    """(app verbose name, item) for every menu entry, in menu order."""
    items: list[tuple[str, NavItem]] = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.nav")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.nav":
                raise
            continue
        items.extend((config.verbose_name, item) for item in getattr(module, "NAV", []))
    return sorted(items, key=lambda pair: pair[1].order)


def items_for(request) -> list[dict]:
    """The menu for this user: one entry per app, a drop-down where the app offers several pages.

    A drop-down's pages are under "children", never "items": in a template ``item.items`` of a
    dict is the dict's own method, true for every entry.
    """
    user = request.user
    groups: dict[str, dict] = {}
    for group, item in all_items():
        if item.permission and not user.has_perm(item.permission):
            continue
        if item.roles and user.role not in item.roles and not user.is_superuser:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entry = {"label": item.label, "url": url, "icon": item.icon, "active": request.path.startswith(url)}
        if item.url_name == "accounts:approvals":
            from .approvals import may_have_queue, menu_count

            if not may_have_queue(user):
                continue
            entry["badge"] = menu_count(user)
        groups.setdefault(str(group), {"label": group, "icon": item.icon, "children": []})["children"].append(entry)
    menu = []
    for group in groups.values():
        if len(group["children"]) == 1:
            menu.append(group["children"][0])
        else:
            group["active"] = any(i["active"] for i in group["children"])
            menu.append(group)
    return menu
