from django.db import models
from django.utils.translation import gettext_lazy as _


class GrantStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class GrantKind(models.TextChoices):
    """What one line of an account's access is."""

    ROLE = "role", _("Role")
    NATION = "nation", _("Nationwide scope")
    REGION = "region", _("Region")
    ORGANISATION = "organisation", _("Organisation")
    PERMISSION = "permission", _("Permission")


class LinkPurpose(models.TextChoices):
    WELCOME = "welcome", _("First password")
    RESET = "reset", _("Password reset")


class AccountState(models.TextChoices):
    """For the list's filter: what the account can do now."""

    ACTIVE = "active", _("In use")
    LOCKED = "locked", _("Locked out")
    INACTIVE = "inactive", _("Deactivated")
