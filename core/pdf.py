"""PDF rendering with WeasyPrint, shared by notices, after-action reports and readiness reports.

Chinese text is set in Noto Sans CJK TC (Debian's fonts-noto-cjk, installed by `make install`). Fonts are
subset with HarfBuzz (Debian's libharfbuzz-subset0); without it WeasyPrint falls back to fontTools and a
one-page notice takes seconds instead of ~0.1 s, so a test fails if that fallback is ever logged.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.template.loader import render_to_string

BASE_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm;
        @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; color: #555; } }
html { font-family: "Noto Sans CJK TC", "Noto Sans TC", sans-serif; font-size: 10.5pt; line-height: 1.45; color: #111; }
h1 { font-size: 17pt; margin: 0 0 6mm; } h2 { font-size: 13pt; margin: 6mm 0 3mm; } h3 { font-size: 11pt; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5pt solid #888; padding: 1.5mm 2mm; text-align: left; }
thead th { background: #eef2f6; } td.num, th.num { text-align: right; }
.muted { color: #555; } .page-break { break-before: page; }
"""


def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_html_pdf(html: str, *, extra_css: str = "", base_url: str | None = None) -> bytes:
    from weasyprint import CSS, HTML

    font_config = _font_config()
    stylesheets = [CSS(string=BASE_CSS + extra_css, font_config=font_config)]
    return HTML(string=html, base_url=base_url or str(settings.BASE_DIR)).write_pdf(
        stylesheets=stylesheets, font_config=font_config
    )


class PdfRenderer:
    """A stylesheet parsed once per thread with its font configuration, for documents rendered over and over.

    Loading the font configuration and parsing the CSS take a good share of a one-page document's time, so a
    module that renders the same kind of document many times (call-up notices) keeps one of these. Per thread,
    because a Pango font map is not meant to be shared between threads.
    """

    def __init__(self, extra_css: str = "", *, base: bool = True):
        # base=False: a self-contained stylesheet (BASE_CSS's page footer costs every page its margin boxes)
        self.css = (BASE_CSS if base else "") + extra_css
        self._local = threading.local()

    def _prepared(self):
        local = self._local
        if not hasattr(local, "stylesheet"):
            from weasyprint import CSS

            local.font_config = _font_config()
            local.stylesheet = CSS(string=self.css, font_config=local.font_config)
        return local.font_config, local.stylesheet

    def render(self, html: str, *, sheets: int = 0, sheet_of: list[int] | None = None) -> tuple[bytes, int]:
        """The PDF and its number of pages.

        With `sheets`, the document is printed on stationery: its first `sheets` pages are not pages but
        pre-printed forms, and each later page i is drawn over form `sheet_of[i]`. A batch of a few hundred
        letters that differ in a few lines (notices) then lays out and draws the common part once instead of
        once a page, which is most of WeasyPrint's time per page. Each form is kept once in the file, as a
        form XObject that its pages refer to, in the same document so that it shares the subset fonts.
        """
        from weasyprint import HTML

        font_config, stylesheet = self._prepared()
        document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(
            stylesheets=[stylesheet], font_config=font_config
        )
        if not sheets:
            return document.write_pdf(), len(document.pages)
        if len(document.pages) != sheets + len(sheet_of or ()):
            raise ValueError(f"{len(document.pages)} pages for {sheets} sheets and {len(sheet_of or ())} pages")
        return document.write_pdf(finisher=_stationery(sheets, sheet_of)), len(document.pages) - sheets


def _object_number(reference: bytes | str) -> int:
    return int(reference.split()[0])


def _stationery(sheets: int, sheet_of: list[int]):
    """A WeasyPrint finisher: the first `sheets` pages become form XObjects drawn under the pages that use them.

    WeasyPrint gives every page the same resources dictionary, so a form's fonts and images are already
    reachable from every page; only the page tree and the content streams change.
    """

    def finish(document, pdf):
        kids = pdf.pages["Kids"]
        numbers = list(kids[::3])
        first = pdf.objects[numbers[0]]
        resources = pdf.objects[_object_number(first["Resources"])]
        for index, number in enumerate(numbers[:sheets]):
            page = pdf.objects[number]
            form = pdf.objects[_object_number(page["Contents"])]
            form.extra.update(
                {"Type": "/XObject", "Subtype": "/Form", "BBox": page["MediaBox"], "Resources": page["Resources"]}
            )
            resources["XObject"][f"Sheet{index}"] = form.reference
        for number, sheet in zip(numbers[sheets:], sheet_of, strict=True):
            stream = pdf.objects[_object_number(pdf.objects[number]["Contents"])]
            stream.stream[:0] = [b"q", f"/Sheet{sheet} Do".encode(), b"Q"]
        del kids[: 3 * sheets]
        pdf.pages["Count"] -= sheets

    return finish


def render_template_pdf(template_name: str, context: dict, *, extra_css: str = "") -> bytes:
    """Render a Django template to PDF. Templates should extend `core/pdf_base.html`."""
    return render_html_pdf(render_to_string(template_name, context), extra_css=extra_css)


def qr_svg_data_uri(text: str, scale: int = 3) -> str:
    """A QR code as an SVG data URI, for <img src=...> in pages and PDFs (segno, no network)."""
    import segno

    return segno.make(text, error="m").svg_data_uri(scale=scale, border=2)


def qr_png_data_uri(text: str, *, mask: int | None = None) -> str:
    """A QR code as a PNG of one pixel per module (no quiet zone), for PDFs printed many times over.

    Print it with CSS `image-rendering: pixelated` and a white margin: the PDF scales it without blurring.
    WeasyPrint draws this several times faster than the SVG, which matters at a hundred pages a second.
    A fixed `mask` (0-7) skips segno's scoring of the eight masks, most of the time it takes to make a code;
    any mask decodes, the scoring only picks the one with the fewest confusing patterns.
    """
    import segno

    return segno.make(text, error="m", mask=mask).png_data_uri(scale=1, border=0)
