"""How a request proves it is a signed-in reservist: `Authorization: Bearer <token>` (API clients) or the
`my_session` cookie (pages; with the cookie, unsafe API methods need Django's CSRF token too)."""

from __future__ import annotations

from django.middleware.csrf import CsrfViewMiddleware
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .sessions import COOKIE, ReservistPrincipal, load


def principal_for(token: str | None) -> ReservistPrincipal | None:
    session = load(token)
    return ReservistPrincipal(session) if session is not None else None


class _CSRFCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        return reason


class ReservistAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if header and header[0].lower() == self.keyword.lower().encode():
            if len(header) != 2:
                raise exceptions.AuthenticationFailed("Invalid bearer header.")
            principal = principal_for(header[1].decode("ascii", "ignore"))
            if principal is None:
                raise exceptions.AuthenticationFailed("Signed out or expired; sign in again.")
            return principal, principal.session
        cookie = request._request.COOKIES.get(COOKIE)
        if not cookie:
            return None
        principal = principal_for(cookie)
        if principal is None:
            return None
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            check = _CSRFCheck(lambda r: None)
            check.process_request(request._request)
            reason = check.process_view(request._request, None, (), {})
            if reason:
                raise exceptions.PermissionDenied(f"CSRF Failed: {reason}")
        return principal, principal.session

    def authenticate_header(self, request):
        return self.keyword


try:
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    class ReservistAuthenticationScheme(OpenApiAuthenticationExtension):
        target_class = "selfservice.auth.ReservistAuthentication"
        name = "reservistBearer"

        def get_security_definition(self, auto_schema):
            return {
                "type": "http",
                "scheme": "bearer",
                "description": "The token from POST /api/my/verify/ (a reservist's self-service session).",
            }
except ImportError:  # pragma: no cover - drf-spectacular is a dependency; this only keeps the module importable
    pass
