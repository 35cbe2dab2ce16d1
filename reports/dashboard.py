"""Live readiness figures for the role dashboard: the report's indicators for the user's own scope.

Figures come from the same section code as the reports (summary mode: one grouped pass per source) and are
cached for DASHBOARD_CACHE_SECONDS per scope, so a dashboard view is a cache read. The nationwide figures (the
costliest: a pass over the whole registry) are refreshed every minute by Celery beat (reports.warm_dashboard),
so no nationwide user waits for them; a county's, township's or agency's are computed on first view.
"""

from __future__ import annotations

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dashboard import Figure, Panel

from .generate import gather_figures, indicators
from .scope import UserAreaScope

DASHBOARD_CACHE_SECONDS = 120
KEY_PREFIX = "reports:live:v1"


def cache_key(scope, today) -> str:
    return f"{KEY_PREFIX}:{scope.key}:{today.isoformat()}"


def compute(scope, today) -> dict:
    figures = gather_figures(scope, today, detail=False)
    figures["computed_at"] = timezone.now().isoformat()
    cache.set(cache_key(scope, today), figures, DASHBOARD_CACHE_SECONDS)
    return figures


def live_figures(user) -> tuple[UserAreaScope, dict]:
    scope = UserAreaScope(user)
    today = timezone.localdate()
    figures = cache.get(cache_key(scope, today))
    if figures is None:
        figures = compute(scope, today)
    return scope, figures


def warm_nation() -> None:
    """Recompute the nationwide dashboard figures (what every nationwide role sees)."""
    from .scope import ReportScope

    compute(ReportScope.nation(), timezone.localdate())


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
