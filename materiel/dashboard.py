from django.urls import reverse
from django.utils.translation import gettext as _

from core.dashboard import Figure, Panel

from . import metrics
from .models import Resource


def panels(request) -> list[Panel]:
    """Materiel mobilization: registered resources, the gap against requirements, and the survey.

    The handover rate of the last drill is in the exercises panel: the drill's evaluation records it."""
    user = request.user
    if not user.has_perm("materiel.view_resource"):
        return []
    figures = [
        Figure(
            _("Registered resources"),
            Resource.objects.for_user(user).filter(is_active=True).count(),
            reverse("materiel:resource-list"),
        ),
    ]
    if user.has_perm("materiel.view_requirement"):
        gap = sum(row["gap"] for row in metrics.registered_vs_required(user))
        figures.append(
            Figure(_("Required but not registered"), gap, reverse("materiel:requirement-list"), "bad" if gap else "ok")
        )
    if user.has_perm("materiel.view_countysurvey"):
        survey = metrics.survey_completion(user)
        if survey["total"]:
            figures.append(
                Figure(
                    _("Capacity survey %(year)s submitted") % {"year": survey["year"]},
                    f"{survey['done']}/{survey['total']}",
                    reverse("materiel:survey-list"),
                    "ok" if survey["done"] == survey["total"] else "warn",
                )
            )
    return [Panel(title=_("Materiel mobilization"), order=47, figures=figures)]
