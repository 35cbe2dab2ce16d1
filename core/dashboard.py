"""The role dashboard is assembled from panels that each app contributes.

An app may add `dashboard.py` with `def panels(request) -> list[Panel]`; panels must only count what
`for_user` lets the user see, and must be cheap (no full-table COUNT on the registry).
"""

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps


@dataclass
class Figure:
    label: str
    value: object
    url: str = ""
    status: str = ""  # "ok", "warn", "bad" or "" for a traffic light


@dataclass
class Panel:
    title: str
    figures: list[Figure] = field(default_factory=list)
    order: int = 50
    template: str = "core/_panel.html"
    extra: dict = field(default_factory=dict)


def collect_panels(request) -> list[Panel]:
    panels: list[Panel] = []
    for config in apps.get_app_configs():
        if config.name == "core":
            continue
        try:
            module = import_module(f"{config.name}.dashboard")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.dashboard":
                raise
            continue
        panels.extend(module.panels(request))
    return sorted(panels, key=lambda p: p.order)
