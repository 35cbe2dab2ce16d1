"""PDF rendering with WeasyPrint, shared by notices, after-action reports and readiness reports.

Chinese text is set in Noto Sans CJK TC (Debian's fonts-noto-cjk, installed by `make install`). Fonts are
subset with HarfBuzz (Debian's libharfbuzz-subset0); without it WeasyPrint falls back to fontTools and a
one-page notice takes seconds instead of ~0.1 s, so a test fails if that fallback is ever logged.
"""

from __future__ import annotations

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


def render_template_pdf(template_name: str, context: dict, *, extra_css: str = "") -> bytes:
    """Render a Django template to PDF. Templates should extend `core/pdf_base.html`."""
    return render_html_pdf(render_to_string(template_name, context), extra_css=extra_css)


def qr_svg_data_uri(text: str, scale: int = 3) -> str:
    """A QR code as an SVG data URI, for <img src=...> in pages and PDFs (segno, no network)."""
    import segno

    return segno.make(text, error="m").svg_data_uri(scale=scale, border=2)
