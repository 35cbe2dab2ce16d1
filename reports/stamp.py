"""The per-download footer: who downloaded the report, when, and its verification code.

The report body is rendered once and stored. A download renders one transparent A4 page holding only the
footer line (about 0.1 s with HarfBuzz subsetting) and overlays it on every page of the stored body with
pypdf, so a download costs a fraction of a second however long the report is, and the body stays the
document that was generated.
"""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

STAMP_CSS = """
@page { size: A4; margin: 0; @bottom-center { content: none; } }
html, body { margin: 0; background: transparent; }
.stamp { position: absolute; top: 289mm; left: 14mm; right: 14mm; font-size: 6.8pt; color: #333; }
"""


def footer_text(report, user, when=None) -> str:
    when = timezone.localtime(when or timezone.now())
    with translation.override(report.language):
        return _("Downloaded by %(user)s at %(time)s · verification code %(code)s") % {
            "user": user.get_full_name() or user.get_username(),
            "time": when.strftime("%Y-%m-%d %H:%M:%S (UTC%z)"),
            "code": report.verification_code,
        }


def stamp_pdf(body: bytes, text: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    from core.pdf import render_html_pdf

    overlay_pdf = render_html_pdf(f'<div class="stamp">{escape(text)}</div>', extra_css=STAMP_CSS)
    overlay = PdfReader(BytesIO(overlay_pdf)).pages[0]
    writer = PdfWriter(clone_from=PdfReader(BytesIO(body)))
    for page in writer.pages:
        page.merge_page(overlay, over=True)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def stamped_download(report, user) -> tuple[bytes, str]:
    """The stored body with this download's footer, and the footer text (for the audit log)."""
    with report.pdf.open("rb") as fh:
        body = fh.read()
    text = footer_text(report, user)
    return stamp_pdf(body, text), text
