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
CANCELLABLE_STATUSES = {
    OrderStatus.DRAFT,
    OrderStatus.SELECTED,
    OrderStatus.SUBMITTED,
    OrderStatus.APPROVED,
    OrderStatus.REJECTED,
    OrderStatus.FAILED,
}
