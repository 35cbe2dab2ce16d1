from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")
    # Navigation entries this app adds to the base layout: (label, url name, permission or None).
    nav = [
        (_("Audit log"), "core:audit-list", "core.view_auditevent"),
        (_("Personal data access"), "core:pii-access", "core.view_auditevent"),
        (_("Regions"), "core:region-list", None),
    ]

    def ready(self):
        from . import audit, authz, roles

        authz.connect_signals()  # cached permissions and scope follow every grant change

        # Every migrate (including the test database's) installs audit triggers and the role permissions.
        post_migrate.connect(audit.install_triggers_on_migrate, dispatch_uid="core.audit.triggers")
        post_migrate.connect(roles.sync_roles_on_migrate, dispatch_uid="core.roles.sync")
