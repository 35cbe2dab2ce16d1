from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CivilDefenseConfig(AppConfig):
    name = "civil_defense"
    verbose_name = _("civil_defense")
    # Navigation entries: (label, url name, permission or None).
    nav: list = []
