"""The named audit events of self-service: every sign-in, every view and every request or change."""

from django.utils.translation import gettext_lazy as _

from core.events import register

SIGNIN_REQUESTED = register("selfservice.signin.requested", _("Self-service: sign-in code requested"))
SIGNIN_FAILED = register("selfservice.signin.failed", _("Self-service: wrong or expired sign-in code"))
SIGNIN_LOCKED = register("selfservice.signin.locked", _("Self-service: sign-in code locked after wrong tries"))
SIGNED_IN = register("selfservice.signin.signed_in", _("Self-service: signed in"))
SIGNED_OUT = register("selfservice.signin.signed_out", _("Self-service: signed out"))
CALLUPS_VIEWED = register("selfservice.callups.viewed", _("Self-service: call-ups viewed"))
NOTICE_VIEWED = register("selfservice.notice.viewed", _("Self-service: notice viewed"))
NOTICE_PDF_VIEWED = register("selfservice.notice.pdf_viewed", _("Self-service: notice PDF downloaded"))
NOTICE_ACKNOWLEDGED = register("selfservice.notice.acknowledged", _("Self-service: notice acknowledged"))
POSTPONEMENT_REQUESTED = register(
    "selfservice.postponement.requested", _("Self-service: Art. 31 postponement requested")
)
POSTPONEMENT_REFUSED = register(
    "selfservice.postponement.refused", _("Self-service: Art. 31 postponement refused on submission")
)
EXEMPTION_REQUESTED = register("selfservice.exemption.requested", _("Self-service: exemption requested"))
REQUESTS_VIEWED = register("selfservice.requests.viewed", _("Self-service: requests viewed"))
CONTACT_VIEWED = register("selfservice.contact.viewed", _("Self-service: contact details viewed"))
CONTACT_REQUESTED = register("selfservice.contact.requested", _("Self-service: contact change awaiting its code"))
CONTACT_CHANGED = register("selfservice.contact.changed", _("Self-service: contact details changed"))
DOCUMENT_VIEWED = register("selfservice.document.viewed", _("Self-service: supporting document opened"))
HOUSEKEEPING_PURGED = register(
    "selfservice.housekeeping.purged", _("Self-service: expired sign-in codes and idle sessions deleted")
)
