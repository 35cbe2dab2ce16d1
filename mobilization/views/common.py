"""What the pages of the call-up share: a refusal shown with its articles, a safe `next`, 403/404 refusals."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme

from core.exceptions import TransitionRefused

from .. import rules


def refusal_of(exc: TransitionRefused) -> dict:
    """A refusal as the pages show it: the sentence, then each reason with its article (第31條 / Art. 31)."""
    return {
        "message": str(exc.message),
        "reasons": [
            {
                "label": rules.article_label(r) if r.get("article") else "",
                "message": str(r.get("message", "")),
                "field": r.get("field") or "",
                "code": r.get("code") or "",
            }
            for r in exc.reasons
        ],
    }


def refusal_text(exc: TransitionRefused) -> str:
    refusal = refusal_of(exc)
    reasons = [f"{r['label']} {r['message']}".strip() for r in refusal["reasons"] if r["message"] != refusal["message"]]
    return " ".join([refusal["message"], *reasons])


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def raise_if_forbidden(exc: TransitionRefused) -> None:
    """A page turns a refusal for want of permission into 403 and one outside the user's area into 404."""
    if exc.status_code == 403:
        raise PermissionDenied(str(exc.message))
    if exc.status_code == 404:
        raise Http404
