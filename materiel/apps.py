from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_reference_data(sender, using="default", **kwargs):
    """The kinds come with migration 0002; this restores them after a flush (transactional tests, `flush`)."""
    if sender.name != "materiel":
        return
    from .kind_data import load
    from .models import Kind

    if not Kind.objects.using(using).exists():
        load(Kind)


class MaterielConfig(AppConfig):
    name = "materiel"
    verbose_name = _("Materiel mobilization")
    nav: list = [
        (_("Materiel"), "materiel:resource-list", "materiel.view_resource"),
    ]

    def ready(self):
        from . import events  # noqa: F401  (declares the named audit events)

        post_migrate.connect(ensure_reference_data, sender=self, dispatch_uid="materiel-reference-data")
