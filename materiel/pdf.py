"""The requisition notice PDF (徵用通知書 / 徵購通知書), in the look of an official notice.

Built on core's shared PDF helpers (core.pdf.PdfRenderer with one stylesheet parsed per thread, and the QR code
as a small PNG), in the same page language as the call-up notice: a double frame, the agency and title, one
row per item, the verification code with its QR code, the issuing authority and its red stamp, and a receipt
to cut off. The call-up notice's own rendering is bound to the call-up Notice model, so it is not reused as is.

Printed in the default language (zh-Hant): the notice is an official document. The owner appears masked (name
and national ID); dates are in the ROC calendar.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.dates import format_roc
from core.pdf import PdfRenderer, qr_png_data_uri

from .choices import RequisitionKind

QR_MASK = 2

NOTICE_CSS = """
@page { size: A4; margin: 12mm 14mm 10mm; }
html { font-family: "Noto Sans CJK TC", sans-serif; font-size: 10.5pt; line-height: 1.4; color: #111; }
h1, h2 { font-weight: normal; margin: 0; }
.frame { border: 2.4pt double #111; padding: 4mm 6mm 6mm; position: relative; }
.top { display: flex; justify-content: space-between; font-size: 9pt; }
.agency { text-align: center; font-size: 11.5pt; letter-spacing: 1pt; margin-top: 2mm; }
h1 { text-align: center; font-size: 26pt; letter-spacing: 10pt; margin: 2mm 0 4mm; }
.row { display: flex; border-top: 0.5pt solid #888; padding: 1.2mm 0; }
.row.first { border-top: 1.2pt solid #111; }
.row .k { width: 34mm; color: #444; flex: none; }
.row .v { flex: 1; }
.big { font-size: 13pt; }
.end { border-top: 1.2pt solid #111; margin-bottom: 3mm; }
.notes { font-size: 9pt; }
.notes ol { margin: 1mm 0 0; padding-left: 5mm; }
.verify { border: 0.8pt solid #111; margin-top: 4mm; padding: 3mm 4mm; display: flex; justify-content: space-between; }
.verify .code { font-size: 19pt; letter-spacing: 1.5pt; }
.verify .url { font-size: 8.5pt; }
.qr { width: 27mm; height: 27mm; image-rendering: pixelated; }
.sign { display: flex; justify-content: space-between; margin-top: 6mm; align-items: flex-end; }
.authority { font-size: 13pt; }
.stamp { width: 25mm; height: 22mm; border: 1.8pt solid #c8102e; color: #c8102e; text-align: center;
         font-size: 11.5pt; line-height: 1.3; padding-top: 3mm; }
.cut { border-top: 0.8pt dashed #555; text-align: center; font-size: 8pt; color: #555; margin-top: 8mm; }
.receipt { border: 0.8pt solid #111; margin-top: 4mm; padding: 2mm 5mm; }
.receipt h2 { text-align: center; font-size: 11pt; letter-spacing: 3pt; }
.receipt .line { border-bottom: 0.5pt solid #888; padding: 2.5mm 0 1mm; font-size: 9.5pt; }
"""
RENDERER = PdfRenderer(NOTICE_CSS, base=False)

TITLES = {RequisitionKind.USE: "徵用通知書", RequisitionKind.PURCHASE: "徵購通知書"}


def verify_url(code: str) -> str:
    return settings.PORTAL_PUBLIC_URL.rstrip("/") + reverse("materiel-public:verify", args=[code])


def grouped(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def notice_context(notice) -> dict:
    requisition = notice.requisition
    resource = notice.resource
    township = resource.township
    county = township.parent
    handover = timezone.localtime(notice.handover_at)
    url = verify_url(notice.verification_code)
    return {
        "title": TITLES.get(requisition.kind, TITLES[RequisitionKind.USE]),
        "number": notice.number,
        "order_number": requisition.number,
        "owner": notice.owner_label,
        "resource": f"{resource.kind.name_zh} {resource.registration}",
        "capacity": "、".join(f"{label} {value}" for label, value in resource.capacity_rows()),
        "location": f"{county.name_zh if county else ''}{township.name_zh}",
        "period": _("%(start)s to %(end)s")
        % {"start": format_roc(notice.starts_on), "end": format_roc(notice.ends_on)},
        "handover_point": notice.handover_point,
        "handover_at": f"{format_roc(handover.date())} {handover:%H:%M}",
        "legal_basis": requisition.legal_basis,
        "purpose": requisition.get_purpose_display(),
        "code": grouped(notice.verification_code),
        "verify_url": url,
        "qr": qr_png_data_uri(url, mask=QR_MASK),
        "issued_on": format_roc(timezone.localdate(requisition.issued_at or notice.created_at)),
        "replaces": notice.replaces.number if notice.replaces_id else "",
    }


def render_notice_pdf(notice) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("materiel/notice_pdf.html", notice_context(notice))
        return RENDERER.render(html)[0]
