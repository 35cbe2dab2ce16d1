"""What self-service uses of the call-up (the mobilization app), named in one place so that a reorganisation of
mobilization changes this file only. Nothing here is a copy: these are the township offices' own steps."""

from mobilization import rules
from mobilization.lifecycle.exemptions import request_exemption
from mobilization.lifecycle.models import Exemption, ExemptionDocument, ExemptionGround
from mobilization.models import DeliveryMessage, Notice, Postponement
from mobilization.notices import actions as notice_steps
from mobilization.notices import delivery
from mobilization.notices.choices import Channel, PostponementKind
from mobilization.notices.issuing import normalise_code
from mobilization.notices.pdf import TITLES, render_notice_pdf
from mobilization.services import policy_for

__all__ = [
    "TITLES",
    "Channel",
    "DeliveryMessage",
    "Exemption",
    "ExemptionDocument",
    "ExemptionGround",
    "Notice",
    "Postponement",
    "PostponementKind",
    "delivery",
    "normalise_code",
    "notice_steps",
    "policy_for",
    "render_notice_pdf",
    "request_exemption",
    "rules",
]
