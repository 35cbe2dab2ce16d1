from django.db import models
from django.utils.translation import gettext_lazy as _


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
