"""Live readiness figures for the role dashboard: the report's indicators for the user's own scope.

Figures come from the same section code as the reports (summary mode: one grouped pass per source) and are
cached for DASHBOARD_CACHE_SECONDS per scope, so a dashboard view is a cache read, and at most one view a
minute per scope pays for the aggregates.
"""

from __future__ import annotations

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dashboard import Figure, Panel

from .generate import gather_figures, indicators
from .scope import UserAreaScope

DASHBOARD_CACHE_SECONDS = 60


def live_figures(user) -> tuple[UserAreaScope, dict]:
    scope = UserAreaScope(user)
    today = timezone.localdate()
    key = f"reports:live:v1:{scope.key}:{today.isoformat()}"
    figures = cache.get(key)
    if figures is None:
        figures = gather_figures(scope, today, detail=False)
        figures["computed_at"] = timezone.now().isoformat()
        cache.set(key, figures, DASHBOARD_CACHE_SECONDS)
    return scope, figures


def panels(request) -> list[Panel]:
    user = request.user
    if not user.has_perm("reports.view_report"):
        return []
    _scope, figures = live_figures(user)
    url = reverse("reports:dashboard")
    return [
        Panel(
            title=_("Readiness at a glance"),
            figures=[Figure(ind.label, ind.display, url, ind.status) for ind in indicators(figures)],
            order=5,
        )
    ]
