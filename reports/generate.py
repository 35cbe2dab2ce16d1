"""Gathering a report's figures and rendering its PDF body.

The figures are a JSON snapshot (numbers and codes, no translated text) stored on the report; the page,
the PDF and the next report's "change since" table all read that snapshot, so they always agree.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import jobs
from core.models import Region

from .choices import ReportStatus, ScopeKind
from .models import Report
from .scope import ReportScope
from .sections import SECTIONS

FIGURES_VERSION = 1

PDF_CSS = """
@page { margin: 16mm 14mm 20mm 14mm;
        @bottom-center { content: none; }
        @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #555; }
        @bottom-left { font-size: 7pt; color: #555; } }
html { font-size: 9.5pt; }
.cover { break-after: page; padding-top: 55mm; }
.cover h1 { font-size: 24pt; } .cover .meta { font-size: 11pt; margin-top: 12mm; }
.cover .qr { margin-top: 20mm; width: 32mm; }
.cover dt { font-weight: bold; margin-top: 2mm; color: #1f4e79; } .cover dd { margin-left: 6mm; }
section.summary { break-after: page; }
section.report-section { margin-top: 6mm; } section.report-section h2 { break-after: avoid; }
.kpis, figure, table.compact tr { break-inside: avoid; }
h2 { border-bottom: 1pt solid #1f4e79; padding-bottom: 1mm; color: #1f4e79; }
.kpis { display: flex; flex-wrap: wrap; gap: 3mm; margin: 2mm 0 4mm; }
.kpi { border: 0.5pt solid #bbb; border-radius: 2mm; padding: 2mm 3mm; min-width: 38mm; }
.kpi .value { font-size: 14pt; font-weight: bold; } .kpi .label { font-size: 8pt; color: #444; }
.lamp { display: inline-block; width: 3.2mm; height: 3.2mm; border-radius: 50%; margin-right: 1.5mm;
         background: #ccc; }
.lamp.ok { background: #1e7b34; } .lamp.warn { background: #d69e2e; } .lamp.bad { background: #b42318; }
table.summary td:nth-child(3) { white-space: nowrap; }
table.compact { font-size: 8.5pt; margin-bottom: 3mm; } table.compact td, table.compact th { padding: 0.8mm 1.5mm; }
.charts { display: flex; flex-wrap: wrap; gap: 4mm; } .charts > figure { margin: 0; width: 86mm; }
figure.wide { width: 100%; } figure.map { width: 62mm; } figure.matrix { width: 60mm; }
figure svg { width: 100%; height: auto; }
figcaption { font-size: 8pt; color: #444; margin-bottom: 1mm; }
.nodata { color: #666; border: 0.5pt dashed #999; padding: 3mm; }
.up { color: #1e7b34; } .down { color: #b42318; }
"""


def region_names(scope: ReportScope) -> dict[str, str]:
    """Codes to names in the active language: the counties, and the report county's townships."""
    rows = Region.objects.counties()
    if scope.kind == ScopeKind.COUNTY:
        rows = Region.objects.filter(parent=scope.county) | Region.objects.counties()
    return {r.code: r.name for r in rows}


def gather_figures(
    scope: ReportScope, as_of: datetime.date, progress: Callable[[str], None] | None = None, detail: bool = True
) -> dict:
    sections = {}
    for section in SECTIONS:
        if progress:
            progress(str(section.TITLE))
        sections[section.KEY] = section.gather(scope, as_of, detail=detail)
    figures = {"version": FIGURES_VERSION, "scope": scope.key, "as_of": as_of.isoformat(), "sections": sections}
    figures["indicators"] = {ind.key: ind.value for ind in indicators(figures)}
    return figures


def indicators(figures: dict):
    result = []
    for section in SECTIONS:
        for indicator in section.indicators(figures["sections"].get(section.KEY) or {"available": False}):
            indicator.section = str(section.TITLE)
            result.append(indicator)
    return result


def changes(figures: dict, previous: Report | None) -> list[dict]:
    """Each indicator now and in the previous report of the same scope."""
    if previous is None or not previous.figures:
        return []
    before = previous.figures.get("indicators", {})
    rows = []
    for indicator in indicators(figures):
        old = before.get(indicator.key)
        new = indicator.value
        delta = None if old is None or new is None else new - old
        is_share = isinstance(new, float) or isinstance(old, float)
        rows.append(
            {
                "label": indicator.label,
                "previous": _fmt(old, is_share),
                "current": _fmt(new, is_share),
                "delta": "" if delta is None else (("+" if delta > 0 else "") + _fmt(delta, is_share)),
                "direction": "" if not delta else ("up" if delta > 0 else "down"),
            }
        )
    return rows


def _fmt(value, share: bool) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f}%" if share else f"{value:,}"


def context(report: Report, figures: dict | None = None, previous: Report | None = None) -> dict:
    """Everything the page and the PDF templates show. Call inside translation.override(report.language)."""
    figures = figures if figures is not None else report.figures
    scope = ReportScope.of_report(report)
    names = region_names(scope)
    sections = []
    for section in SECTIONS:
        data = figures.get("sections", {}).get(section.KEY) or {"available": False, "reason": "no_model"}
        sections.append(
            {
                "key": section.KEY,
                "title": section.TITLE,
                "template": section.TEMPLATE,
                "figures": data,
                "charts": section.charts_for(data, scope, names) if data.get("available") else {},
                "indicators": section.indicators(data),
            }
        )
    verify_path = reverse("reports-public:verify", args=[report.verification_code])
    return {
        "report": report,
        "scope_label": scope.label,
        "figures": figures,
        "summary": indicators(figures),
        "sections": sections,
        "changes": changes(figures, previous if previous is not None else report.previous),
        "previous": previous if previous is not None else report.previous,
        "verify_url": settings.PORTAL_PUBLIC_URL.rstrip("/") + verify_path,
        "LANGUAGE_CODE": report.language,
        "region_names": names,
    }


def render_pdf(report: Report, figures: dict, previous: Report | None) -> bytes:
    from core.pdf import qr_svg_data_uri, render_template_pdf

    with translation.override(report.language):
        ctx = context(report, figures, previous)
        ctx["qr"] = qr_svg_data_uri(ctx["verify_url"])
        footer = _("Verification code %(code)s") % {"code": report.verification_code}
        safe = footer.replace("\\", "").replace('"', "")
        footer_css = f'@page {{ @bottom-left {{ content: "{safe}"; }} }}'
        return render_template_pdf("reports/pdf/report.html", ctx, extra_css=PDF_CSS + footer_css)


def page_count(pdf: bytes) -> int:
    from io import BytesIO

    from pypdf import PdfReader

    return len(PdfReader(BytesIO(pdf)).pages)


def previous_report(report: Report) -> Report | None:
    return Report.objects.of_scope(report.scope_key).ready().filter(pk__lt=report.pk).order_by("-as_of", "-pk").first()


def generate(report_id: int, progress: Callable[[str], None] | None = None) -> Report:
    """Gather, render and store one report. Idempotent: a report already generated is left as it is."""
    report = Report.objects.select_related("county", "organisation").get(pk=report_id)
    if report.status == ReportStatus.READY:
        return report
    scope = ReportScope.of_report(report)
    figures = gather_figures(scope, report.as_of, progress)
    previous = previous_report(report)
    if progress:
        progress(jobs.text(gettext_noop("Rendering the PDF")))
    body = render_pdf(report, figures, previous)
    pages = page_count(body)
    if progress:
        progress(jobs.text(gettext_noop("Storing the report")))
    name = f"report-{report.pk}-{scope.key.replace(':', '-')}-{report.as_of:%Y%m%d}.pdf"
    report.pdf.save(name, ContentFile(body), save=False)
    with transaction.atomic():
        changed = Report.objects.filter(pk=report.pk, status=ReportStatus.PENDING).update(
            status=ReportStatus.READY,
            figures=figures,
            pdf=report.pdf.name,
            pages=pages,
            previous=previous,
            generated_at=timezone.now(),
        )
    if changed != 1:  # generated meanwhile by a retried task: keep the first, drop our file
        report.pdf.storage.delete(report.pdf.name)
    report.refresh_from_db()
    return report
