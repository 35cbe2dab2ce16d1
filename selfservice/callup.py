"""What self-service uses of the call-up (the mobilization app), named in one place so that a reorganisation of
mobilization changes this file only. Nothing here is a copy: these are the township offices' own steps."""

from mobilization import rules
from mobilization.choices import Channel, PostponementKind
from mobilization.models import (
    CallUpOrder,
    DeliveryMessage,
    Exemption,
    ExemptionDocument,
    ExemptionGround,
    Notice,
    Postponement,
)
from mobilization.services import delivery, policy_for
from mobilization.services import notices as notice_steps
from mobilization.services.exemptions import request_exemption
from mobilization.services.issuing import normalise_code
from mobilization.services.notice_pdf import TITLES, render_notice_pdf

__all__ = [
    "TITLES",
    "CallUpOrder",
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
