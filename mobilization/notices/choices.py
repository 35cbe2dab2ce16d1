from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeStatus(models.TextChoices):
    """Where a notice is on its way to the person. These exact values are the API's `status`."""

    ISSUED = "issued", _("Issued")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    UNDELIVERABLE = "undeliverable", _("Undeliverable")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    EXEMPTED = "exempted", _("Exempted (no longer binding)")
    WITHDRAWN = "withdrawn", _("Withdrawn (no longer binding)")


class Attendance(models.TextChoices):
    PRESENT = "present", _("Reported")
    ABSENT = "absent", _("Did not report")
    UNKNOWN = "unknown", _("Unknown")


class PostponementKind(models.TextChoices):
    """Art. 31: illness, or a major event the person must handle in person."""

    ILLNESS = "illness", _("Illness")
    MAJOR_EVENT = "major_event", _("Major personal event")


class PostponementStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class BatchStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Channel(models.TextChoices):
    POST = "post", _("Post")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    HAND = "hand", _("Hand delivery")


# Art. 31: at most three days, and not for Roll-Call Mobilization.
POSTPONEMENT_MAX_DAYS = 3
# Pages per merged township PDF: large documents slow WeasyPrint down and take a lot of memory.
BATCH_PAGES = 300
