"""Public verification of a call-up notice, without login: the code printed on the notice (and in its QR code)
is the key. The page says whether the notice is genuine and where it stands, with the name masked and never a
national ID; the reservist can confirm receipt there by giving their birth date.

A birth date is guessable, so besides the per-client rate limit each code accepts only a few wrong birth dates
an hour; a wrong one changes nothing.
"""

from __future__ import annotations

import datetime
import logging

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.dates import format_roc, parse_roc
from core.exceptions import TransitionRefused
from core.ratelimit import rate_limited

from ..models import Notice
from ..services import notices as actions
from ..services.issuing import normalise_code
from ..services.notice_pdf import TITLES, township_label

log = logging.getLogger(__name__)
TEMPLATE = "mobilization/notices/verify.html"
WRONG_BIRTH_DATES = 5  # per code and WRONG_WINDOW seconds
WRONG_WINDOW = 3600


def find(code: str) -> Notice | None:
    code = normalise_code(code)
    if not code:
        return None
    return (
        Notice.objects.filter(verification_code=code)
        .select_related("order", "reservist", "township__parent", "reserve_unit")
        .first()
    )


def summary(notice: Notice) -> dict:
    """What anyone holding the code may see: no national ID, the name masked."""
    return {
        "valid": True,
        "number": notice.number,
        "title": str(TITLES.get(notice.order.mobilization_type, "")),
        "mobilization_type": notice.order.mobilization_type,
        "status": notice.status,
        "status_label": str(notice.get_status_display()),
        "name": notice.masked_name,
        "township": township_label(notice.township),
        "report_date": notice.report_date.isoformat(),
        "report_date_roc": format_roc(notice.report_date),
        "report_time": notice.report_time.strftime("%H:%M"),
        "assembly_point": notice.assembly_point,
        "revision": notice.revision,
        # An exempted or withdrawn notice no longer binds the person (services/exemptions.py).
        "binding": notice.status not in ("exempted", "withdrawn"),
    }


class AcknowledgeForm(forms.Form):
    birth_date = forms.CharField(
        label=gettext_lazy("Your birth date"),
        max_length=20,
        help_text=gettext_lazy("As on your national ID card: 1990-05-31, or in the ROC calendar 79/05/31."),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
    )

    def clean_birth_date(self) -> datetime.date:
        value = self.cleaned_data["birth_date"].strip()
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
        try:
            return parse_roc(value)
        except ValueError:
            raise ValidationError(
                _("Enter the date as 1990-05-31, or in the ROC calendar as 79/05/31."), code="invalid"
            ) from None


def _wrong_key(notice: Notice) -> str:
    return f"notices:ack-wrong:{notice.pk}"


def _too_many_wrong(notice: Notice) -> bool:
    try:
        return (cache.get(_wrong_key(notice)) or 0) >= WRONG_BIRTH_DATES
    except Exception:  # cache down: fail open like core.ratelimit, the per-client limit still applies
        log.warning("acknowledgement lockout cache unavailable")
        return False


def _count_wrong(notice: Notice) -> None:
    try:
        if not cache.add(_wrong_key(notice), 1, timeout=WRONG_WINDOW):
            cache.incr(_wrong_key(notice))
    except Exception:
        log.warning("acknowledgement lockout cache unavailable")


def _acknowledge(notice: Notice, form: AcknowledgeForm | None) -> int:
    """Handle the receipt form; the HTTP status for the page (a success redirects instead, see verify_page)."""
    if form is None:
        return 409
    if _too_many_wrong(notice):
        form.add_error(None, _("Too many wrong birth dates were given for this notice. Try again in an hour."))
        return 429
    if not form.is_valid():
        return 400
    if form.cleaned_data["birth_date"] != notice.reservist.birth_date:
        _count_wrong(notice)
        form.add_error(
            "birth_date",
            _("This birth date is not the one of the person the notice is for. Nothing was recorded."),
        )
        return 400
    try:
        actions.acknowledge(user=None, notice=notice, via="verification_page")
    except TransitionRefused as exc:
        form.add_error(None, str(exc.message))
        return 409
    return 0


@require_http_methods(["GET", "POST"])
@never_cache
@rate_limited("verify")
def verify_page(request, code):
    notice = find(code)
    if notice is None:
        return render(request, TEMPLATE, {"notice": None, "code": normalise_code(code)}, status=404)
    can_acknowledge = notice.status in actions.ACKNOWLEDGEABLE
    form = AcknowledgeForm(request.POST or None) if can_acknowledge else None
    status = 200
    if request.method == "POST":
        status = _acknowledge(notice, form)
        if status == 0:
            messages.success(request, _("Thank you: your receipt of this notice is recorded."))
            return redirect(request.path)
    context = {"notice": notice, "info": summary(notice), "form": form, "code": notice.verification_code}
    return render(request, TEMPLATE, context, status=status)


@require_GET
@never_cache
@rate_limited("verify")
def verify_api(request, code):
    notice = find(code)
    if notice is None:
        return JsonResponse({"valid": False}, status=404)
    return JsonResponse(summary(notice))
