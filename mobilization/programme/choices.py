from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeStatus(models.TextChoices):
    """The life of one version of a year's programme. These exact values are the API's `status`."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Superseded by an amendment")
