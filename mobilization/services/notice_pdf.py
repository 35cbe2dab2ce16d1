"""Call-up notice PDFs (召集令): one person's on demand, and a township's print batch with one page per notice.

Both use the same page template, so a reprint looks exactly like the notice the township office delivered.
A batch is rendered at about a hundred pages a second per core, so the page is kept cheap: a block layout (no
table that could split across pages), a small stylesheet parsed once per process (core.pdf.PdfRenderer), one
font in one weight (every embedded face is subset again for each document), and the QR code as a tiny PNG
with a fixed mask (several times faster than SVG for WeasyPrint to draw, and than segno to choose a mask).

Notices are printed in the portal's default language (zh-Hant): the notice is an official document for the
reservist, the same whoever downloads it. Only the masked national ID is printed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import format_roc
from core.pdf import PdfRenderer, qr_png_data_uri
from core.pii import mask_national_id
from reservists.choices import MobilizationType

from ..models import Notice

# What a page reads besides the notice row: pass querysets with these, or let render_batch_pdf add them.
NOTICE_RELATED = ("order", "reservist", "township__parent", "reserve_unit")

TITLES = {
    MobilizationType.GENERAL: gettext_lazy("General Mobilization Call-up Notice"),
    MobilizationType.TEMPORARY: gettext_lazy("Temporary Mobilization Call-up Notice"),
    MobilizationType.EDUCATIONAL: gettext_lazy("Educational Mobilization Call-up Notice"),
    MobilizationType.DUTY: gettext_lazy("Duty Mobilization Call-up Notice"),
    MobilizationType.ROLL_CALL: gettext_lazy("Roll-Call Mobilization Notice"),
}
# Art. 31 postponement is for these; a Roll-Call Mobilization has none.
POSTPONABLE = {
    MobilizationType.GENERAL,
    MobilizationType.TEMPORARY,
    MobilizationType.EDUCATIONAL,
    MobilizationType.DUTY,
}
QR_MASK = 2  # any fixed mask decodes; fixing it saves segno ~3 ms a code (see core.pdf.qr_png_data_uri)

NOTICE_CSS = """
@page { size: A4; margin: 10mm 14mm 8mm; }
/* One face only: every face in a document is subset again for each PDF (~50 ms), so no bold. */
html { font-family: "Noto Sans CJK TC", sans-serif; font-size: 10.5pt; line-height: 1.35; color: #111; }
h1, h3 { font-weight: normal; }
body { margin: 0; }
.notice { position: relative; height: 277mm; break-after: page; }
.notice > * { position: absolute; box-sizing: border-box; margin: 0; }
.frame { top: 0; left: 0; width: 182mm; height: 222mm; border: 2.4pt double #111; }
.no { top: 3mm; left: 6mm; width: 120mm; font-size: 9pt; }
.rev { top: 3mm; left: 156mm; width: 20mm; text-align: center; font-size: 9pt;
       border: 0.8pt solid #111; }
.agency { top: 9mm; left: 0; width: 182mm; text-align: center; font-size: 11.5pt; letter-spacing: 1pt; }
h1 { top: 14.5mm; left: 0; width: 182mm; text-align: center; font-size: 28pt; letter-spacing: 12pt; line-height: 13mm; }
.row { left: 6mm; width: 170mm; height: 8mm; border-top: 0.5pt solid #888; color: #444; }
.row, .val { padding-top: 1mm; line-height: 6mm; }
.val { left: 40mm; width: 136mm; }
.first { border-top: 1.2pt solid #111; }
.two { height: 13mm; line-height: 5.5mm; }
.r1 { top: 31mm; } .r2 { top: 39mm; } .r3 { top: 47mm; } .r4 { top: 55mm; } .r5 { top: 63mm; }
.r6 { top: 71mm; } .r7 { top: 84mm; } .r8 { top: 92mm; } .r9 { top: 100mm; } .r10 { top: 113mm; }
.end { top: 121mm; left: 6mm; width: 170mm; border-top: 1.2pt solid #111; }
.big { font-size: 14pt; }
.notes { top: 123mm; left: 6mm; width: 170mm; font-size: 9.2pt; }
.notes h3 { font-size: 10pt; margin: 0; bookmark-level: none; }
.notes ol { margin: 0; padding-left: 5mm; }
.box { top: 155mm; left: 6mm; width: 170mm; height: 32mm; border: 0.8pt solid #111; }
.label { top: 158mm; left: 10mm; font-size: 9pt; }
.code { top: 163mm; left: 10mm; width: 130mm; font-size: 21pt; letter-spacing: 1.5pt; }
.url { top: 177mm; left: 10mm; width: 130mm; font-size: 8.5pt; }
.qr { top: 156.5mm; left: 145.5mm; width: 29mm; height: 29mm; image-rendering: pixelated; }
.authority { top: 196mm; left: 6mm; width: 140mm; font-size: 13pt; }
.issued { top: 204mm; left: 6mm; width: 140mm; }
.addr { top: 212mm; left: 6mm; width: 142mm; font-size: 9pt; }
.stamp { top: 192mm; left: 151mm; width: 25mm; height: 24mm; border: 1.8pt solid #c8102e; color: #c8102e;
         text-align: center; font-size: 12pt; line-height: 1.3; padding-top: 4.5mm; }
.cut { top: 226mm; left: 0; width: 182mm; border-top: 0.8pt dashed #555; text-align: center; font-size: 8pt;
       color: #555; }
.receipt { top: 233mm; left: 0; width: 182mm; height: 44mm; border: 0.8pt solid #111; }
.receipt-title { top: 234.5mm; left: 0; width: 182mm; text-align: center; font-size: 11pt;
                 letter-spacing: 3pt; }
.line { left: 5mm; width: 172mm; height: 8mm; border-bottom: 0.5pt solid #888; }
.l1 { top: 241mm; } .l2 { top: 250mm; } .l3 { top: 259mm; }
.left, .right { width: 86mm; font-size: 9.5pt; }
.left { left: 5mm; } .right { left: 91mm; }
.t1 { top: 243.5mm; } .t2 { top: 252.5mm; } .t3 { top: 261.5mm; }
"""
RENDERER = PdfRenderer(NOTICE_CSS, base=False)


def verify_url(code: str) -> str:
    """The public verification page of a code, as printed under the QR code."""
    if not code.isalnum():  # never the case for a code we issue; reverse() quotes whatever it is given
        return settings.PORTAL_PUBLIC_URL.rstrip("/") + reverse("notices-public:verify", args=[code])
    return verify_link()(code)


_LINKS: dict = {}
_MARKER = "0VERIFYCODE0"


def verify_link():
    """code -> its verification URL. reverse() runs once per URL configuration and script prefix, not once per
    notice: a recall of 100,000 notices spent most of its Python time reversing the same pattern."""
    key = (settings.PORTAL_PUBLIC_URL, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    link = _LINKS.get(key)
    if link is None:
        url = settings.PORTAL_PUBLIC_URL.rstrip("/") + reverse("notices-public:verify", args=[_MARKER])
        head, _sep, tail = url.partition(_MARKER)
        link = _LINKS[key] = lambda code: f"{head}{code}{tail}"
    return link


def grouped(code: str) -> str:
    """ABCDEFGHJKMNPQRS -> ABCD-EFGH-JKMN-PQRS, easier to read aloud and to type (the lookup drops the dashes)."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def township_label(township) -> str:
    """新北市板橋區 (New Taipei City Banqiao District)."""
    county = township.parent
    if county is None:
        return township.name
    return _("%(county)s %(township)s") % {"county": county.name, "township": township.name}


def _clock(value: datetime.time) -> str:
    return _("%(hour)02d:%(minute)02d") % {"hour": value.hour, "minute": value.minute}


def _order_context(order) -> dict:
    """What every notice of one order shares: computed once per batch, not once per page."""
    return {
        "title": str(TITLES.get(order.mobilization_type, gettext_lazy("Call-up Notice"))),
        "legal_basis": order.legal_basis,
        "order_reference": order.order_reference,
        "days": order.days,
        "postponable": order.mobilization_type in POSTPONABLE,
    }


def sheet_context(notice: Notice, order_context: dict | None = None) -> dict:
    """What a page prints that is not the person's own: the same for many notices of a township batch."""
    order = notice.order
    township = notice.township
    county = township.parent
    unit = notice.reserve_unit
    last_day = notice.report_date + datetime.timedelta(days=order.days - 1)
    issued_on = timezone.localdate(notice.created_at) if notice.created_at else timezone.localdate()
    return {
        **(order_context or _order_context(order)),
        "revision": notice.revision,
        "township": township_label(township),
        "report_date": format_roc(notice.report_date),
        "report_weekday": str(WEEKDAYS[notice.report_date.weekday()]),
        "report_time": _clock(notice.report_time),
        "last_day": format_roc(last_day),
        "assembly_point": notice.assembly_point,
        "unit": _("%(name)s (%(code)s)") % {"name": unit.name, "code": unit.code} if unit else "",
        "authority": _("%(county)s Reserve Command") % {"county": county.name if county else township.name},
        "stamp": (county.name if county else township.name, _("Reserve Command")),
        "issued_on": format_roc(issued_on),
    }


def fill_context(notice: Notice) -> dict:
    """The person's own lines. Only the masked national ID ever reaches the template."""
    url = verify_url(notice.verification_code)
    return {
        "number": notice.number,
        "name": notice.reservist.name,
        "national_id": mask_national_id(notice.reservist.national_id),
        # Read when the page is rendered: a delivery address the person changed through self-service is on every
        # notice printed or downloaded after the change.
        "delivery_address": notice.reservist.notice_address,
        "code": grouped(notice.verification_code),
        "verify_url": url,
        "qr": qr_png_data_uri(url, mask=QR_MASK),
    }


def _html(pages: list[dict]) -> str:
    return render_to_string("mobilization/notices/notice_pdf.html", {"pages": pages})


def render_notice_pdf(notice: Notice) -> bytes:
    """One person's notice, on demand: the same page as in the township's batch, laid out in one piece."""
    with translation.override(settings.LANGUAGE_CODE):
        page = {**sheet_context(notice), **fill_context(notice), "sheet": True, "fill": True}
        return RENDERER.render(_html([page]))[0]


def render_batch_pdf(notices: Iterable[Notice]) -> tuple[bytes, int]:
    """Many notices, already in delivery order, one page each, in one document: (PDF, number of pages).

    The part of a page that many notices share (everything but the person's name, ID, number and code) is laid
    out once as a form and each page only adds the person's lines over it (core.pdf.PdfRenderer, `sheets`).
    Keep it to choices.BATCH_PAGES notices: WeasyPrint slows down and takes a lot of memory on larger documents.
    """
    if isinstance(notices, QuerySet):
        notices = notices.select_related(*NOTICE_RELATED)
    with translation.override(settings.LANGUAGE_CODE):
        orders: dict[int, dict] = {}
        sheets: dict[tuple, int] = {}
        sheet_pages, fill_pages, sheet_of = [], [], []
        for notice in notices:
            if notice.order_id not in orders:
                orders[notice.order_id] = _order_context(notice.order)
            sheet = sheet_context(notice, orders[notice.order_id])
            key = tuple(sheet.items())
            if key not in sheets:
                sheets[key] = len(sheet_pages)
                sheet_pages.append({**sheet, "sheet": True, "fill": False})
            sheet_of.append(sheets[key])
            fill_pages.append({**fill_context(notice), "sheet": False, "fill": True})
        if not fill_pages:
            raise ValueError("no notices to render")
        return RENDERER.render(_html(sheet_pages + fill_pages), sheets=len(sheet_pages), sheet_of=sheet_of)
