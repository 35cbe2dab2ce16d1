from django.urls import reverse
from django.utils.translation import gettext as _

from core.dashboard import Figure, Panel

from . import metrics


def panels(request) -> list[Panel]:
    user = request.user
    if not user.has_perm("civil_defense.view_team"):
        return []
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
    return [
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
