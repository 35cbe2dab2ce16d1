from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_reference_data(sender, using="default", **kwargs):
    """Sectors and the default matrix come with migration 0002; this restores them after a flush
    (transactional tests, `flush`), as core restores its regions."""
    if sender.name != "cip":
        return
    from .models import RiskMatrix, Sector, SubSector
    from .sector_data import load

    if not Sector.objects.using(using).exists():
        load(Sector, SubSector)
    if not RiskMatrix.objects.using(using).filter(is_active=True).exists():
        RiskMatrix.objects.using(using).create(name="5x5", is_active=True)


class CipConfig(AppConfig):
    name = "cip"
    verbose_name = _("Critical infrastructure")
    # Navigation entries: (label, url name, permission or None).
    nav: list = [
        (_("Critical infrastructure"), "cip:asset-list", "cip.view_asset"),
    ]

    def ready(self):
        from . import events  # noqa: F401  (declares the app's named audit events)

        post_migrate.connect(ensure_reference_data, sender=self, dispatch_uid="cip-reference-data")
