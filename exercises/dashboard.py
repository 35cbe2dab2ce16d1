from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.dashboard import Figure, Panel

from . import metrics


def panels(request) -> list[Panel]:
    user = request.user
    if not (user.has_perm("exercises.view_exercise") or user.has_perm("exercises.view_correctiveaction")):
        return []
    figures = []
    if user.has_perm("exercises.view_exercise"):
        counts = metrics.exercise_counts(user)
        url = reverse("exercises:list")
        figures += [
            Figure(_("Exercises not yet closed"), counts["open"], url),
            Figure(_("Exercises being evaluated"), counts["evaluating"], f"{url}?status=evaluating"),
        ]
    if user.has_perm("exercises.view_correctiveaction"):
        actions = metrics.action_counts(user)
        url = reverse("exercises:action-list")
        figures += [
            Figure(_("Open corrective actions"), actions["open"], url),
            Figure(
                _("Overdue corrective actions"),
                actions["overdue"],
                f"{url}?overdue=on",
                "bad" if actions["overdue"] else "ok",
            ),
        ]
    if user.has_perm("exercises.view_exercise"):
        drill = metrics.last_drill_handover(user)
        if drill["exercise"]:
            rate = drill["rate"]
            figures.append(
                Figure(
                    _("Materiel handed over in the last drill"),
                    f"{rate}% ({drill['handed_over']}/{drill['due']})" if rate is not None else "—",
                    reverse("exercises:detail", args=[drill["exercise_id"]]) + "#handovers",
                    "ok" if (rate or 0) >= 90 else ("warn" if (rate or 0) >= 75 else "bad"),
                )
            )
    return [Panel(title=_("Exercises and drills"), figures=figures, order=60)]
