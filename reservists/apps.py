from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReservistsConfig(AppConfig):
    name = "reservists"
    verbose_name = _("reservists")
    # Navigation entries: (label, url name, permission or None).
    nav: list = []
