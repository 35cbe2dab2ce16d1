from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("reports")
    # Navigation entries: (label, url name, permission or None).
    nav: list = []
