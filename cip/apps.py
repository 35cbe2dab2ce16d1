from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CipConfig(AppConfig):
    name = "cip"
    verbose_name = _("Critical infrastructure")
    # Navigation entries: (label, url name, permission or None).
    nav: list = [
        (_("Critical infrastructure"), "cip:asset-list", "cip.view_asset"),
    ]
