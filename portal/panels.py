"""Detail pages assembled from the apps.

A household's page shows its ledgers, visits, cases, plans...; a settlement's page its facilities,
hazards, requests... Each app contributes its own sections without editing another app's
template: ``<app>/panels.py`` defines ``household_panels(request, household)`` and/or
``settlement_panels(request, settlement)``, each returning a list of :class:`Panel`.
"""

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


def collect(kind: str, request, obj) -> list[Panel]:
    panels: list[Panel] = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.panels")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.panels":
                raise
            continue
        hook = getattr(module, f"{kind}_panels", None)
        if hook is not None:
            panels.extend(hook(request, obj))
    return sorted(panels, key=lambda p: p.order)
