"""The public verification of a printed or downloaded report: no login, the code is the key."""

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.ratelimit import rate_limited

from .choices import ReportStatus
from .models import Report


def find(code: str) -> Report | None:
    if not code or len(code) > 64:
        return None
    return (
        Report.objects.filter(verification_code=code, status=ReportStatus.READY)
        .select_related("county", "organisation")
        .first()
    )


@require_GET
@never_cache
@rate_limited("verify")
def verify_page(request, code):
    report = find(code)
    return render(request, "reports/verify.html", {"report": report, "code": code}, status=200 if report else 404)


@require_GET
@never_cache
@rate_limited("verify")
def verify_api(request, code):
    report = find(code)
    if report is None:
        return JsonResponse({"genuine": False, "code": code}, status=404)
    return JsonResponse(
        {
            "genuine": True,
            "code": code,
            "scope": report.scope_key,
            "scope_name": report.scope_label,
            "as_of": report.as_of.isoformat(),
            "generated_at": report.generated_at.isoformat() if report.generated_at else None,
            "pages": report.pages,
        }
    )
