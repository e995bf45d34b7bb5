"""The main menu, assembled from the apps so that no app edits another's template.

An app that wants menu entries defines ``NAV`` in ``<app>/nav.py``: a list of :class:`NavItem`.
"""

from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str = "circle"
    permission: str | None = None
    order: int = 100
    roles: tuple[str, ...] = ()


def all_items() -> list[NavItem]:
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.nav")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.nav":
                raise
            continue
        items.extend(getattr(module, "NAV", []))
    return sorted(items, key=lambda item: item.order)


def items_for(request) -> list[dict]:
    user = request.user
    shown = []
    for item in all_items():
        if item.permission and not user.has_perm(item.permission):
            continue
        if item.roles and user.role not in item.roles and not user.is_superuser:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        shown.append({"label": item.label, "url": url, "icon": item.icon, "active": request.path.startswith(url)})
    return shown
