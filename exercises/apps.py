from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExercisesConfig(AppConfig):
    name = "exercises"
    verbose_name = _("exercises")
    # Navigation entries: (label, url name, permission or None).
    nav: list = [
        (_("Exercises"), "exercises:list", "exercises.view_exercise"),
        (_("Corrective actions"), "exercises:action-list", "exercises.view_correctiveaction"),
    ]

    def ready(self):
        from . import events  # noqa: F401  (declares the app's named audit events)
