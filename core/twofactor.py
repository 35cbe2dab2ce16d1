"""Two-factor authentication (TOTP with recovery codes, django-otp).

Required for every MND account and every auditor (settings.PORTAL_REQUIRE_2FA, on in production) and offered
to everyone. Until such a user has verified a second factor in this session, pages send them to set one up
or to enter a code, and the API refuses their session; the token endpoint asks them for `otp_token`.
"""

from __future__ import annotations

import secrets

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .choices import Role
from .pdf import qr_svg_data_uri

REQUIRED_ROLES = {Role.MND_ADMIN, Role.MND_STAFF, Role.MND_APPROVER, Role.AUDITOR}
RECOVERY_CODES = 10
EXEMPT_PREFIXES = ("/2fa/", "/logout/", "/static/", "/i18n/", "/login/", "/verify/", "/api/verify/", "/api/auth/token/")


def requires_2fa(user) -> bool:
    if not getattr(settings, "PORTAL_REQUIRE_2FA", True) or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    from .authz import roles

    return any(role.value in roles(user) for role in REQUIRED_ROLES)


class RequireTwoFactorMiddleware:
    """After django_otp's OTPMiddleware: hold MND and auditor sessions until a second factor is verified.

    Token-authenticated API calls are not held here: their token was only issued with a valid code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not request.headers.get("Authorization", "").startswith("Token ")
            and not user.is_verified()
            and requires_2fa(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Two-factor authentication is required for this account.")}, status=403
                )
            target = "core:2fa-verify" if user_has_device(user) else "core:2fa-setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("dashboard")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return reverse("dashboard")
    return target


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with fresh ones; each works once."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery")
    device.confirmed = True
    device.save()
    device.token_set.all().delete()
    codes = [secrets.token_hex(4) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@login_required
def setup(request):
    """Show a fresh TOTP secret as a QR code; confirm it with a code; then show recovery codes once."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=request.user, confirmed=True).exclude(pk=device.pk).delete()
                device.confirmed = True
                device.save()
                codes = new_recovery_codes(request.user)
            otp_login(request, device)
            return render(request, "core/2fa_codes.html", {"codes": codes, "next": _safe_next(request)})
        form.add_error("code", _("The code is not correct. Check the time on your phone and try again."))
    return render(
        request,
        "core/2fa_setup.html",
        {
            "form": form,
            "qr": qr_svg_data_uri(device.config_url, scale=4),
            "secret": device.key,
            "next": _safe_next(request),
            "required": requires_2fa(request.user),
        },
    )


@login_required
def verify(request):
    """Enter a code from the authenticator app, or one recovery code."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"].strip())
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = StaticToken.objects.filter(device=device).count()
                messages.warning(request, _("Recovery code used; %(n)d left.") % {"n": left})
            return redirect(_safe_next(request))
        form.add_error("code", _("The code is not correct."))
    return render(request, "core/2fa_verify.html", {"form": form, "next": _safe_next(request)})


def verify_for_token(user, code: str | None) -> bool:
    """For the API token endpoint: accounts that need 2FA must send a valid `otp_token`."""
    if not requires_2fa(user):
        return True
    return bool(code) and match_token(user, code.strip()) is not None
