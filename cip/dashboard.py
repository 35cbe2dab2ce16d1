from django.urls import reverse
from django.utils.translation import gettext as _

from core.dashboard import Figure, Panel

from . import metrics
from .choices import RiskLevel


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
    return [
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
