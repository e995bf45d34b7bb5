"""Figures contributed by other apps' models, each shown only once its models exist.

The apps are built in parallel; a part whose models are missing is skipped, so the dashboard works
whatever has landed. Each part issues a fixed number of aggregate queries.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps


def models_exist(*labels: str) -> bool:
    """Whether every ``app_label.ModelName`` is installed."""
    for label in labels:
        try:
            apps.get_model(label)
        except LookupError:
            return False
    return True


@dataclass(frozen=True)
class Part:
    """A group of figures from one app: ``build`` appends cards and charts for the page."""

    name: str
    models: tuple[str, ...]
    build: Callable

    def available(self) -> bool:
        return models_exist(*self.models)


PARTS: list[Part] = []
