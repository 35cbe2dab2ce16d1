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


# ----- the end of the call-up: exemption, replacement (遞補), recall and correction, no-show cases -----


class ExemptionStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Exempted")
    REFUSED = "refused", _("Refused")


class GapReason(models.TextChoices):
    """Why a place in the call opened (遞補 fills it)."""

    EXEMPTED = "exempted", _("Exempted from the call-up")
    UNDELIVERABLE = "undeliverable", _("Notice could not be delivered")
    INELIGIBLE = "ineligible", _("No longer eligible")
    MOVED = "moved", _("Moved out of the target area")


class GapStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a replacement")
    FILLED = "filled", _("Replaced")
    SHORT = "short", _("Nobody left to call")
    WAIVED = "waived", _("Not replaced")


class ChangeKind(models.TextChoices):
    RECALL = "recall", _("Recall (withdraw the notices)")
    CORRECT = "correct", _("Correction (new revision of the notices)")


class ChangeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for approval")
    APPROVED = "approved", _("Approved, running")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    JUSTIFIED = "justified", _("Justified (closed)")
    REFERRED = "referred", _("Referred for prosecution")
    PUBLIC_NOTICE = "public_notice", _("Served by public notice (公示送達)")


class CaseStep(models.TextChoices):
    """The steps of a no-show case; the last three end it."""

    CONTACT_ATTEMPTED = "contact_attempted", _("Contact attempted")
    EXPLANATION_RECEIVED = "explanation_received", _("Explanation received")
    JUSTIFIED = "justified", _("Justified: case closed")
    UNJUSTIFIED = "unjustified", _("Unjustified: referred for prosecution")
    UNREACHABLE = "unreachable", _("Unreachable: served by public notice")


STEP_OUTCOME = {
    CaseStep.JUSTIFIED: CaseStatus.JUSTIFIED,
    CaseStep.UNJUSTIFIED: CaseStatus.REFERRED,
    CaseStep.UNREACHABLE: CaseStatus.PUBLIC_NOTICE,
}
