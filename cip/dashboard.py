from django.urls import reverse
from django.utils.translation import gettext as _

from core.dashboard import Figure, Panel, bounded

from . import metrics
from .choices import RiskLevel


def worklist_panel(user) -> Panel | None:
    """What waits for an operator (agency) or a county in critical infrastructure, each figure linking to exactly
    those rows: assessments past due and protection plans whose review date has come."""
    if not user.has_perm("cip.view_asset"):
        return None
    overdue_n, overdue = bounded(metrics.overdue_assessments(user))
    plans_n, plans = bounded(metrics.plans_to_review(user))
    figures = [
        Figure(_("Assessments due"), overdue, reverse("cip:overdue"), "warn" if overdue_n else "ok"),
        Figure(_("Protection plans to renew"), plans, reverse("cip:plans-to-review"), "warn" if plans_n else "ok"),
    ]
    return Panel(_("Critical infrastructure: waiting for you"), figures, order=3, extra={"worklist": True})


def panels(request) -> list[Panel]:
    """Critical infrastructure: assets in the user's area, the high-risk ones and overdue assessments."""
    user = request.user
    if not user.has_perm("cip.view_asset"):
        return []
    levels = metrics.risk_level_counts(user)
    total = sum(levels.values())
    severe = levels.get(RiskLevel.CRITICAL, 0) + levels.get(RiskLevel.HIGH, 0)
    overdue = metrics.overdue_count(user)
    url = reverse("cip:asset-list")
    work = worklist_panel(user) if user.has_perm("cip.change_asset") else None  # operators and counties act
    return ([work] if work else []) + [
        Panel(
            title=_("Critical infrastructure"),
            order=45,
            figures=[
                Figure(_("Assets"), total, url),
                Figure(
                    _("High or critical risk"),
                    severe,
                    reverse("cip:risk-matrix"),
                    "bad" if severe else "ok",
                ),
                Figure(
                    _("Assessments overdue"),
                    overdue,
                    reverse("cip:overdue"),
                    "warn" if overdue else "ok",
                ),
                Figure(_("Not assessed yet"), levels.get("", 0)),
            ],
        )
    ]
