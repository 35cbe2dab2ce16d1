from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CivilDefenseConfig(AppConfig):
    name = "civil_defense"
    verbose_name = _("Civil defense")
    # Navigation entries: (label, url name, permission or None).
    nav: list = [
        (_("Civil-defense teams"), "civil_defense:team-list", "civil_defense.view_team"),
        (_("Shelters"), "civil_defense:shelter-list", "civil_defense.view_shelter"),
    ]

    def ready(self):
        from . import events  # noqa: F401  (declares the app's named audit events)
