"""Two-factor authentication (TOTP with recovery codes, django-otp).

Required for every MND account and every auditor (settings.PORTAL_REQUIRE_2FA, on in production) and offered
to everyone. Until such a user has verified a second factor in this session, pages send them to set one up
or to enter a code, and the API refuses their session; the token endpoint asks them for `otp_token`.

What authenticated the request decides, never a header: a page is judged by its session, whatever
`Authorization` header comes with it. Only DRF views are left to DRF, whose session authentication refuses
the same unverified sessions and whose token authentication accepts, for such an account, only a token that
was issued after a second factor (core/api/authentication.py, core/tokens.py).

A session that has not verified the account's existing factor cannot enrol a new one: /2fa/setup/ sends it
to /2fa/verify/ first. Every device change is a named audit event and the owner gets an e-mail.
"""

from __future__ import annotations

import logging
import secrets

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
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

from .audit import log_event
from .choices import Role
from .pdf import qr_svg_data_uri

logger = logging.getLogger(__name__)

REQUIRED_ROLES = {Role.MND_ADMIN, Role.MND_STAFF, Role.MND_APPROVER, Role.AUDITOR}
RECOVERY_CODES = 10
EXEMPT_PREFIXES = ("/2fa/", "/logout/", "/static/", "/i18n/", "/login/", "/verify/", "/api/verify/", "/api/auth/token/")


def needs_2fa_role(user) -> bool:
    """Is this a superuser, MND or auditor account (whether or not 2FA is switched on)?"""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    from .authz import roles

    return any(role.value in roles(user) for role in REQUIRED_ROLES)


def requires_2fa(user) -> bool:
    return bool(getattr(settings, "PORTAL_REQUIRE_2FA", True)) and needs_2fa_role(user)


def held(user) -> bool:
    """A signed-in account that needs a second factor and has not verified one in this session."""
    return (
        user is not None
        and user.is_authenticated
        and not (getattr(user, "is_verified", None) and user.is_verified())
        and requires_2fa(user)
    )


def is_drf_view(view_func) -> bool:
    from rest_framework.views import APIView

    cls = getattr(view_func, "cls", None)
    return isinstance(cls, type) and issubclass(cls, APIView)


class RequireTwoFactorMiddleware:
    """After django_otp's OTPMiddleware: hold MND and auditor sessions until a second factor is verified.

    Judged per resolved view: a page by its session, whatever headers come with it. A DRF view sent an
    `Authorization` header is left to DRF's authentication classes, which accept a token only if it was issued
    after a second factor and refuse an unverified session as this does."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if request.path.startswith(EXEMPT_PREFIXES) or not held(user):
            return None
        if is_drf_view(view_func) and "HTTP_AUTHORIZATION" in request.META:
            return None
        if request.path.startswith("/api/") or is_drf_view(view_func):
            return JsonResponse({"detail": _("Two-factor authentication is required for this account.")}, status=403)
        target = "core:2fa-verify" if user_has_device(user) else "core:2fa-setup"
        return redirect(f"{reverse(target)}?next={request.get_full_path()}")


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


def new_recovery_codes(user, *, actor=None) -> list[str]:
    """Replace the user's recovery codes with fresh ones; each works once."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery")
    device.confirmed = True
    device.save()
    device.token_set.all().delete()
    codes = [secrets.token_hex(4) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    device_changed(actor or user, user, device, "core.2fa.recovery_codes_regenerated", {"codes": RECOVERY_CODES})
    return codes


DEVICE_CHANGE_TEXT = {
    "core.2fa.device_enrolled": gettext_lazy("A new authenticator was enrolled for your account."),
    "core.2fa.device_deleted": gettext_lazy("An authenticator was removed from your account."),
    "core.2fa.recovery_codes_regenerated": gettext_lazy("New recovery codes were issued for your account."),
}


def device_changed(actor, owner, device, event: str, after: dict | None = None) -> None:
    """A named audit event for a change to `owner`'s second factor, and an e-mail telling the owner.

    The owner is told by e-mail through Django's mail settings: the notice delivery channels
    (mobilization.services.delivery) belong to an app that core must not import."""
    log_event(actor, device, event, after={"device": device.name, "owner": owner.pk, **(after or {})})
    if owner.email:
        subject = _("Two-factor authentication changed")
        body = _("%(what)s If this was not you, contact your account administrator at once.") % {
            "what": DEVICE_CHANGE_TEXT[event]
        }

        def tell():
            try:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [owner.email])
            except Exception:  # the change stands; the log says the owner was not told
                logger.exception("could not tell %s about %s", owner.pk, event)

        transaction.on_commit(tell)


def may_enrol(request) -> bool:
    """A new authenticator only after the existing factor was verified in this session (or if there is none)."""
    return request.user.is_verified() or not user_has_device(request.user)


@login_required
def setup(request):
    """Show a fresh TOTP secret as a QR code; confirm it with a code; then show recovery codes once.

    An account that already has a confirmed factor must verify it (a code or a recovery code) first."""
    if not may_enrol(request):
        messages.info(request, _("Enter a code from your current authenticator or a recovery code first."))
        return redirect(f"{reverse('core:2fa-verify')}?next={reverse('core:2fa-setup')}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            with transaction.atomic():
                replaced = list(TOTPDevice.objects.filter(user=request.user, confirmed=True).exclude(pk=device.pk))
                for old in replaced:
                    old_pk = old.pk
                    old.delete()
                    old.pk = old_pk
                    device_changed(request.user, request.user, old, "core.2fa.device_deleted")
                device.confirmed = True
                device.save()
                device_changed(request.user, request.user, device, "core.2fa.device_enrolled")
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


def verify_for_token(user, code: str | None) -> tuple[bool, bool]:
    """For the API token endpoint: (may have a token, a second factor was verified).

    Accounts that need 2FA must send a valid `otp_token`; anyone may, and then their token carries it."""
    verified = bool(code) and user_has_device(user) and match_token(user, code.strip()) is not None
    return (verified or not requires_2fa(user)), verified
