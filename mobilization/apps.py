from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilizationConfig(AppConfig):
    name = "mobilization"
    verbose_name = _("mobilization")
    # Navigation entries: (label, url name, permission or None).
    nav: list = []
