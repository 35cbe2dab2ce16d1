"""The role dashboard is assembled from panels that each app contributes.

An app may add `dashboard.py` with `def panels(request) -> list[Panel]`; panels must only count what
`for_user` lets the user see, and must be cheap (no full-table COUNT on the registry). They may depend on the
user (permissions, scope) and the language only: the assembled panels are cached per account and grants
(core.authz.cache_key), language and day for settings.PORTAL_DASHBOARD_CACHE_SECONDS, so the home page is a
cache read; its figures may be that many seconds old.
"""

from dataclasses import dataclass, field, fields
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.functional import Promise

from . import authz

# A worklist count past this is shown as "1,000+": the figure stays a cheap bounded query however large the area.
WORKLIST_BOUND = 1000


def bounded(queryset) -> tuple[int, str]:
    """(n, as shown) of a worklist's rows: an exact count up to WORKLIST_BOUND, then "1,000+"."""
    n = queryset.order_by().values("pk")[: WORKLIST_BOUND + 1].count()
    return n, (f"{WORKLIST_BOUND:,}+" if n > WORKLIST_BOUND else f"{n:,}")


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
    seconds = getattr(settings, "PORTAL_DASHBOARD_CACHE_SECONDS", 0)
    account = authz.cache_key(request.user) if seconds else None
    if account is None:
        return _collect(request)
    key = f"portal:dashboard:{account}:{translation.get_language()}:{timezone.localdate().isoformat()}"
    panels = cache.get(key)
    if panels is None:
        panels = _settled(_collect(request))
        cache.set(key, panels, seconds)
    return panels


def _settled(panels: list[Panel]) -> list[Panel]:
    """Lazy translations made plain strings before caching (the key holds the language): unpickled, each lazy
    string builds a proxy class again, and a home page's ~30 of them cost 0.7 ms of CPU per read."""

    def plain(value):
        return str(value) if isinstance(value, Promise) else value

    for panel in panels:
        panel.title = plain(panel.title)
        panel.extra = {key: plain(value) for key, value in panel.extra.items()}
        for figure in panel.figures:
            for name in (f.name for f in fields(figure)):
                setattr(figure, name, plain(getattr(figure, name)))
    return panels


def _collect(request) -> list[Panel]:
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
