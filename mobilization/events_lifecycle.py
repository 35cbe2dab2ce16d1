"""Named audit events of the end of the call-up (core/events.py): exemption, replacement, recall, correction,
closing and no-show cases."""

from django.utils.translation import gettext_lazy as _

from core.events import register

EXEMPTION_REQUESTED = register("mobilization.exemption.requested", _("Exemption from a call-up requested"))
EXEMPTION_APPROVED = register("mobilization.exemption.approved", _("Exemption from a call-up granted"))
EXEMPTION_REFUSED = register("mobilization.exemption.refused", _("Exemption from a call-up refused"))
EXEMPTION_DOCUMENT_DOWNLOADED = register(
    "mobilization.exemption.document_downloaded", _("Exemption document downloaded")
)
GROUND_SAVED = register("mobilization.exemption_ground.saved", _("Exemption ground saved"))
AREA_EXEMPTED = register("mobilization.order.area_exempted", _("Disaster area exempted from the call-up"))
NOTICE_RELEASED = register("mobilization.notice.released", _("Notice released and its place opened for replacement"))
NOTICE_REPLACED = register("mobilization.notice.replaced", _("Replacement notice issued (遞補)"))
ATTENDANCE_UNKNOWN = register("mobilization.notice.attendance_unknown", _("Attendance marked unknown"))
RECALL_PROPOSED = register("mobilization.order.recall_proposed", _("Recall of an issued order proposed"))
CORRECTION_PROPOSED = register("mobilization.order.correction_proposed", _("Correction of an issued order proposed"))
ORDER_RECALLED = register("mobilization.order.recalled", _("Recall of an issued order approved"))
ORDER_CORRECTED = register("mobilization.order.corrected", _("Correction of an issued order approved"))
CHANGE_REFUSED = register("mobilization.order.change_refused", _("Recall or correction refused"))
CHANGE_DONE = register("mobilization.order.change_done", _("Recall or correction carried out on every notice"))
ORDER_CLOSED = register("mobilization.order.closed", _("Call-up order closed and its yield frozen"))
NOSHOW_STEP = register("mobilization.noshow.step_recorded", _("No-show case step recorded"))
NOSHOW_EXPORTED = register("mobilization.noshow.exported", _("No-show cases exported"))
NOTICE_RELEASED_AUTO = register(
    "mobilization.notice.released_automatically",
    _("Notices released automatically: their person turned ineligible before report day"),
)
