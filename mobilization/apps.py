from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilizationConfig(AppConfig):
    name = "mobilization"
    verbose_name = _("mobilization")
    # Navigation entries: (label, url name, permission or None).
    nav: list = [
        (_("Call-up orders"), "mobilization:order-list", "mobilization.view_calluporder"),
        (_("Call-up rules"), "mobilization:policy", "mobilization.add_rulepolicy"),
    ]
