"""The named audit events of the call-up (core/events.py): one stable name per workflow step.

An auditor asks for "every approval of a call-up order" with `AuditEvent.objects.filter(event=ORDER_APPROVED.name)`.
Before/after values are stored as data; the comment or reason the person typed is the event's message.
"""

from django.utils.translation import gettext_lazy as _

from core.events import register

# ----- the rule policy (Art. 33) -------------------------------------------------------------------
POLICY_PUBLISHED = register("mobilization.policy.published", _("Call-up rule policy version published"))

# ----- orders ------------------------------------------------------------------------------------
ORDER_EDITED = register("mobilization.order.edited", _("Call-up order edited (back to draft)"))
ORDER_SELECTION_STARTED = register("mobilization.order.selection_started", _("Candidate selection started"))
ORDER_SELECTED = register("mobilization.order.selected", _("Candidate selection finished"))
ORDER_SELECTION_FAILED = register("mobilization.order.selection_failed", _("Candidate selection failed"))
ORDER_SUBMITTED = register("mobilization.order.submitted", _("Call-up order submitted for approval"))
ORDER_APPROVED = register("mobilization.order.approved", _("Call-up order approved"))
ORDER_REJECTED = register("mobilization.order.rejected", _("Call-up order rejected"))
ORDER_CANCELLED = register("mobilization.order.cancelled", _("Call-up order cancelled"))
ORDER_ISSUE_STARTED = register("mobilization.order.issue_started", _("Issuing of the notices started"))
ORDER_ISSUED = register("mobilization.order.issued", _("Every notice of the order issued"))
ORDER_ISSUE_FAILED = register("mobilization.order.issue_failed", _("Issuing of the notices failed"))
ORDER_NOTICES_DELIVERED = register(
    "mobilization.order.notices_delivered", _("Notices of the order recorded as delivered in bulk")
)
ORDER_ATTENDANCE_UPLOADED = register("mobilization.order.attendance_uploaded", _("Attendance file uploaded"))
ORDER_NO_SHOWS_DOWNLOADED = register("mobilization.order.no_shows_downloaded", _("No-show list downloaded"))

# ----- candidates --------------------------------------------------------------------------------
CANDIDATE_EXCLUDED = register("mobilization.candidate.excluded", _("Candidate excluded from the order"))
CANDIDATE_INCLUDED = register("mobilization.candidate.included", _("Candidate included again"))
CANDIDATE_ADDED = register("mobilization.candidate.added", _("Candidate added to the order by hand"))

# ----- notices -----------------------------------------------------------------------------------
NOTICE_DELIVERED = register("mobilization.notice.delivered", _("Notice delivered"))
NOTICE_UNDELIVERABLE = register("mobilization.notice.undeliverable", _("Notice could not be delivered"))
NOTICE_ACKNOWLEDGED = register("mobilization.notice.acknowledged", _("Notice acknowledged by the reservist"))
NOTICE_ATTENDANCE_RECORDED = register("mobilization.notice.attendance_recorded", _("Report-day attendance recorded"))
NOTICE_POSTPONED = register("mobilization.notice.postponed", _("Postponement requested (Art. 31)"))
NOTICE_PDF_DOWNLOADED = register("mobilization.notice.pdf_downloaded", _("Notice PDF downloaded"))
BATCH_DOWNLOADED = register("mobilization.batch.downloaded", _("Township batch of notices downloaded"))

# ----- postponements (Art. 31) -------------------------------------------------------------------
POSTPONEMENT_APPROVED = register("mobilization.postponement.approved", _("Postponement approved (Art. 31)"))
POSTPONEMENT_REFUSED = register("mobilization.postponement.refused", _("Postponement refused (Art. 31)"))
