"""Public (no login) verification of a requisition notice: the code printed on it (and in its QR code) is the key.
The page says whether the notice is genuine and where it stands, with the owner masked and never a national ID."""

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.dates import format_roc
from core.ratelimit import rate_limited

from .models import RequisitionNotice
from .services import normalise_code

TEMPLATE = "materiel/verify.html"


def find(code: str):
    code = normalise_code(code)
    if not code:
        return None
    return (
        RequisitionNotice.objects.filter(verification_code=code).select_related("requisition", "resource__kind").first()
    )


def summary(notice) -> dict:
    return {
        "valid": True,
        "number": notice.number,
        "order": notice.requisition.number,
        "kind": notice.requisition.kind,
        "status": notice.status,
        "status_label": str(notice.get_status_display()),
        "owner": notice.owner_label,
        "resource": f"{notice.resource.kind.name} {notice.resource.registration}",
        "starts_on": notice.starts_on.isoformat(),
        "ends_on": notice.ends_on.isoformat(),
        "starts_on_roc": format_roc(notice.starts_on),
        "ends_on_roc": format_roc(notice.ends_on),
        "handover_point": notice.handover_point,
        "handover_at": notice.handover_at.isoformat(),
    }


@require_GET
@never_cache
@rate_limited("verify")
def verify_page(request, code):
    notice = find(code)
    if notice is None:
        return render(request, TEMPLATE, {"notice": None, "code": normalise_code(code)}, status=404)
    return render(request, TEMPLATE, {"notice": notice, "info": summary(notice), "code": notice.verification_code})


@require_GET
@never_cache
@rate_limited("verify")
def verify_api(request, code):
    notice = find(code)
    if notice is None:
        return JsonResponse({"valid": False}, status=404)
    return JsonResponse(summary(notice))
