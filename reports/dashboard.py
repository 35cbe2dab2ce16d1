"""Live readiness figures for the role dashboard: the report's indicators for the user's own scope.

Figures come from the same section code as the reports (summary mode: one grouped pass per source) and are
cached per scope, so a dashboard view is a cache read:
- figures younger than FRESH_SECONDS are shown as they are;
- older ones (kept up to KEEP_SECONDS) are shown while a background task recomputes them (stale while
  revalidate, one refresh at a time per scope), so the figures are at most about a minute old and no view
  waits for the aggregates except the very first one of a scope after KEEP_SECONDS of silence;
- the nationwide figures (the costliest: a pass over the whole registry) are recomputed every minute by
  Celery beat (reports.warm_dashboard), so nationwide users never wait.
"""

from __future__ import annotations

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dashboard import Figure, Panel

from .generate import gather_figures, indicators
from .scope import UserAreaScope

FRESH_SECONDS = 60
KEEP_SECONDS = 15 * 60
KEY_PREFIX = "reports:live:v1"


def cache_key(scope, today) -> str:
    return f"{KEY_PREFIX}:{scope.key}:{today.isoformat()}"


def compute(scope, today) -> dict:
    figures = gather_figures(scope, today, detail=False)
    figures["computed_at"] = timezone.now().timestamp()
    cache.set(cache_key(scope, today), figures, KEEP_SECONDS)
    return figures


def live_figures(user) -> tuple[UserAreaScope, dict]:
    scope = UserAreaScope(user)
    today = timezone.localdate()
    key = cache_key(scope, today)
    figures = cache.get(key)
    if figures is None:
        return scope, compute(scope, today)
    if timezone.now().timestamp() - figures.get("computed_at", 0) > FRESH_SECONDS and cache.add(
        f"{key}:refreshing", 1, FRESH_SECONDS
    ):
        _refresh_later(user)
    return scope, figures


def _refresh_later(user) -> None:
    from .tasks import refresh_dashboard

    try:
        refresh_dashboard.apply_async(args=[user.pk], retry=False)
    except Exception:  # broker unreachable: the next view after FRESH_SECONDS tries again
        import logging

        logging.getLogger(__name__).warning("could not queue a dashboard refresh", exc_info=True)


def refresh(user_id: int) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        compute(UserAreaScope(user), timezone.localdate())


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
