from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdministrationConfig(AppConfig):
    name = "administration"
    verbose_name = _("Account administration")
    # Navigation entries: (label, url name, permission or None). County account administrators hold
    # administration.manage_county_accounts instead of view_account; the list page admits both.
    nav: list = [
        (_("Accounts"), "administration:account-list", "administration.view_account"),
        (_("My county's accounts"), "administration:account-list", "administration.manage_county_accounts"),
        (_("Organisations"), "administration:organisation-list", "administration.view_account"),
        (_("Access review"), "administration:review", "administration.review_access"),
    ]

    def ready(self):
        from . import events  # noqa: F401  (declares the named audit events)
