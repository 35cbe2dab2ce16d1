from django.db import models
from django.utils.translation import gettext_lazy as _

from reservists.choices import MobilizationType  # noqa: F401  (re-exported: one list of the five types)


class OrderStatus(models.TextChoices):
    """The life of a call-up order. These exact values are the API's `status`."""

    DRAFT = "draft", _("Draft")
    SELECTING = "selecting", _("Selecting")
    SELECTED = "selected", _("Selected")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ISSUING = "issuing", _("Issuing notices")
    ISSUED = "issued", _("Issued")
    CLOSED = "closed", _("Closed")
    RECALLED = "recalled", _("Recalled")
    CANCELLED = "cancelled", _("Cancelled")
    FAILED = "failed", _("Failed")


class Decision(models.TextChoices):
    """The engine's answer for one person, in order of precedence (ineligible wins)."""

    INELIGIBLE = "ineligible", _("Ineligible")
    SUCCESSIVE = "successive", _("Called successively (Art. 29)")
    LATER = "later", _("Called later (Art. 30)")
    ELIGIBLE = "eligible", _("Eligible")


# Statuses in which the order's content may still be edited (editing a selected one sends it back to draft).
EDITABLE_STATUSES = {OrderStatus.DRAFT, OrderStatus.SELECTED, OrderStatus.REJECTED, OrderStatus.FAILED}
SELECTABLE_STATUSES = {OrderStatus.DRAFT, OrderStatus.SELECTED, OrderStatus.REJECTED, OrderStatus.FAILED}
# Orders whose call-up is over or void: their notices bind no one any more (the reports and the civil-defense
# conflict flag import this name instead of copying status strings).
CLOSED_ORDER_STATUSES = frozenset({OrderStatus.CLOSED, OrderStatus.CANCELLED})
# Orders whose notices are out and being worked on (delivery, report day).
LIVE_ORDER_STATUSES = frozenset({OrderStatus.ISSUING, OrderStatus.ISSUED})
CANCELLABLE_STATUSES = {
    OrderStatus.DRAFT,
    OrderStatus.SELECTED,
    OrderStatus.SUBMITTED,
    OrderStatus.APPROVED,
    OrderStatus.REJECTED,
    OrderStatus.FAILED,
}


# ----- notices ------------------------------------------------------------------------------------
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


class ProgrammeStatus(models.TextChoices):
    """The life of one version of a year's programme. These exact values are the API's `status`."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Superseded by an amendment")
