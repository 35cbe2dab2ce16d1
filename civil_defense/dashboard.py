from django.urls import reverse
from django.utils.translation import gettext as _

from core.dashboard import Figure, Panel, bounded

from . import metrics, worklist


def worklist_panel(user) -> Panel | None:
    """What waits for a county or township official in civil defense, each figure linking to exactly those rows
    (civil_defense/worklist.py defines both): rosters with lapsed training, shelter release requests to decide."""
    figures = []
    if user.has_perm("civil_defense.view_team"):
        n, shown = bounded(worklist.teams_with_lapsed_training(user))
        url = reverse("civil_defense:team-list") + "?training=lapsed"
        figures.append(Figure(_("Rosters with lapsed training"), shown, url, "warn" if n else "ok"))
    if user.has_perm("civil_defense.approve_shelterreleaserequest"):
        n, shown = bounded(worklist.release_requests_waiting(user))
        url = reverse("civil_defense:shelter-list") + "?release=pending"
        figures.append(Figure(_("Shelter release requests to decide"), shown, url, "warn" if n else "ok"))
    if not figures:
        return None
    return Panel(_("Civil defense: waiting for you"), figures, order=2, extra={"worklist": True})


def panels(request) -> list[Panel]:
    user = request.user
    if not user.has_perm("civil_defense.view_team"):
        return []
    work = worklist_panel(user)
    total = metrics.totals(metrics.county_readiness(user))
    staffing = total.staffing_rate
    trained = total.trained_share
    fill = total.shelter_fill

    def light(value, good, fair):
        if value is None:
            return ""
        return "ok" if value >= good else "warn" if value >= fair else "bad"

    def percent(value):
        return "—" if value is None else f"{round(value * 100)}%"

    url = reverse("civil_defense:readiness")
    return ([work] if work else []) + [
        Panel(
            title=_("Civil defense"),
            order=40,
            figures=[
                Figure(_("Teams"), total.teams, reverse("civil_defense:team-list")),
                Figure(
                    _("Strength / establishment"),
                    f"{total.strength} / {total.establishment}",
                    url,
                    light(staffing, 0.9, 0.7),
                ),
                Figure(_("Trained share"), percent(trained), url, light(trained, 0.8, 0.5)),
                Figure(
                    _("Shelter places assigned"),
                    f"{total.shelter_assigned} / {total.shelter_capacity}",
                    reverse("civil_defense:shelter-list"),
                    "" if fill is None else ("bad" if fill > 1 else "ok"),
                ),
            ],
        )
    ]
