from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReservistsConfig(AppConfig):
    name = "reservists"
    verbose_name = _("reservists")
    # Navigation entries: (label, url name, permission or None).
    nav: list = [
        (_("Reservists"), "reservists:list", "reservists.view_reservist"),
        (_("Residence moves"), "reservists:move-queue", "reservists.view_residencemove"),
    ]

    def ready(self):
        from . import events  # noqa: F401  (declares the app's named audit events)
