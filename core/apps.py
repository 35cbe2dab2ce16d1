from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
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
        from django.contrib.auth.signals import user_logged_out

        from . import audit, authz, roles, tokens
        from .api import schema  # noqa: F401  (registers the OpenAPI scheme of the portal's session authentication)

        authz.connect_signals()  # cached permissions and scope follow every grant change
        # Logging out ends the account's API tokens too (the database revokes them on every other change).
        user_logged_out.connect(tokens.revoke_on_logout, dispatch_uid="core.tokens.logout")

        # Every migrate (including the test database's) installs audit triggers and the role permissions.
        post_migrate.connect(audit.install_triggers_on_migrate, dispatch_uid="core.audit.triggers")
        post_migrate.connect(roles.sync_roles_on_migrate, dispatch_uid="core.roles.sync")


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin with core.admin_site.PortalAdminSite: superusers only."""

    default = False  # named in INSTALLED_APPS; CoreConfig stays this module's default
    default_site = "core.admin_site.PortalAdminSite"
