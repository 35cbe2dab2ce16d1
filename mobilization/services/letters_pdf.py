"""Letters of the end of the call-up: the referral of an unjustified no-show for prosecution, and a township's
withdrawal letters after a recall (one page per withdrawn notice, for the post)."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.dates import format_roc
from core.pdf import PdfRenderer
from core.pii import mask_national_id

from .notice_pdf import TITLES, township_label, verify_url

CSS = """
@page { size: A4; margin: 20mm 18mm; }
html { font-family: "Noto Sans CJK TC", sans-serif; font-size: 11pt; line-height: 1.5; }
h1 { font-size: 16pt; font-weight: normal; text-align: center; }
dt { float: left; width: 9em; color: #444; } dd { margin-left: 9.5em; }
.letter { break-after: page; }
"""
RENDERER = PdfRenderer(CSS, base=False)


def render_referral(case) -> bytes:
    """The referral letter of a no-show case (unjustified absence) to the prosecutor, in zh-Hant."""
    notice = case.notice
    step = case.steps.filter(step="unjustified").order_by("-at").first()
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "mobilization/lifecycle/referral_pdf.html",
            {
                "case": case,
                "notice": notice,
                "title": str(TITLES.get(notice.order.mobilization_type, "")),
                "name": notice.reservist.name,
                "national_id": mask_national_id(notice.reservist.national_id),
                "township": township_label(notice.township),
                "report_date": format_roc(notice.report_date),
                "today": format_roc(timezone.localdate()),
                "reason": step.note if step else "",
            },
        )
        return RENDERER.render(html)[0]


def render_withdrawals(notices) -> bytes:
    """One withdrawal letter per notice (a township's letters of one recall), for the post."""
    with translation.override(settings.LANGUAGE_CODE):
        pages = [
            {
                "notice": n,
                "name": n.reservist.name,
                "title": str(TITLES.get(n.order.mobilization_type, "")),
                "township": township_label(n.township),
                "report_date": format_roc(n.report_date),
                "url": verify_url(n.verification_code),
            }
            for n in notices
        ]
        html = render_to_string("mobilization/lifecycle/withdrawal_pdf.html", {"pages": pages})
        return RENDERER.render(html)[0]
