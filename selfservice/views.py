"""The self-service pages under /my/: plain forms that work without JavaScript, on the same services as the API."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core import downloads
from core.exceptions import TransitionRefused
from core.pii import mask_national_id
from core.ratelimit import client_ip, hit

from . import events as ss_events
from . import services, signin
from .api.views import SENT, verify_challenge
from .auth import principal_for
from .callup import render_notice_pdf
from .choices import ContactField
from .forms import (
    AddressForm,
    CodeForm,
    EmailForm,
    ExemptForm,
    IdSignInForm,
    NoticeSignInForm,
    PhoneForm,
    PostponeForm,
)
from .sessions import CHALLENGE_COOKIE, COOKIE, end, idle_limit, set_cookie

CONFIRM_COOKIE = "my_confirm"


def signed_in(view):
    """The page needs a signed-in reservist: `request.principal`; otherwise to the sign-in page."""

    @functools.wraps(view)
    @never_cache
    def wrapped(request, *args, **kwargs):
        principal = principal_for(request.COOKIES.get(COOKIE))
        if principal is None:
            if request.COOKIES.get(COOKIE):
                messages.info(request, _("You were signed out after 30 minutes without activity."))
            response = redirect("my:sign-in")
            response.delete_cookie(COOKIE, path="/")
            return response
        request.principal = principal
        return view(request, *args, **kwargs)

    return wrapped


def page(request, template: str, context: dict | None = None, status: int = 200):
    principal = getattr(request, "principal", None)
    base = {}
    if principal is not None:
        base["person"] = principal.reservist
        base["masked_id"] = mask_national_id(principal.reservist.national_id)
    return render(request, f"selfservice/{template}", {**base, **(context or {})}, status=status)


# ----- sign-in -------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    if principal_for(request.COOKIES.get(COOKIE)) is not None:
        return redirect("my:home")
    which = request.POST.get("method") if request.method == "POST" else None
    id_form = IdSignInForm(request.POST if which == "id" else None, prefix="id")
    notice_form = NoticeSignInForm(request.POST if which == "notice" else None, prefix="notice")
    context = signin.SignInContext(client=client_ip(request))
    if which == "id" and id_form.is_valid():
        signin.backend("code", context).start(id_form.cleaned_data)
        messages.info(request, SENT)
        response = redirect("my:code")
        set_cookie(response, CHALLENGE_COOKIE, context.challenge, max_age=600)
        return response
    if which == "notice" and notice_form.is_valid():
        signin.backend("notice", context).start(notice_form.cleaned_data)
        allowed, _wait = hit("selfservice_verify", client_ip(request))
        try:
            if not allowed:
                raise signin.SignInFailed
            token, _principal = verify_challenge(
                request, context.challenge, notice_form.cleaned_data["verification_code"]
            )
        except signin.SignInFailed:
            notice_form.add_error(None, _("The code and birth date do not match a notice. Check both and try again."))
        else:
            return _signed_in_response(token)
    status = 400 if which else 200
    return page(request, "sign_in.html", {"id_form": id_form, "notice_form": notice_form}, status=status)


def _signed_in_response(token: str):
    response = redirect("my:home")
    set_cookie(response, COOKIE, token, max_age=12 * 3600)
    response.delete_cookie(CHALLENGE_COOKIE, path="/")
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def code(request):
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        allowed, _wait = hit("selfservice_verify", client_ip(request))
        if not allowed:
            form.add_error(None, _("Too many tries; please wait a moment."))
            status = 429
        else:
            try:
                token, _principal = verify_challenge(
                    request, request.COOKIES.get(CHALLENGE_COOKIE, ""), form.cleaned_data["code"]
                )
            except signin.SignInFailed as exc:
                form.add_error(
                    "code",
                    _("This code has expired, was used or was tried too often; ask for a new one.")
                    if exc.locked
                    else _("The code is not right."),
                )
                status = 400
            else:
                return _signed_in_response(token)
    elif request.method == "POST":
        status = 400
    return page(request, "code.html", {"form": form}, status=status)


@require_POST
@signed_in
def sign_out(request):
    end(request.principal.session)
    services.view_event(request.principal, ss_events.SIGNED_OUT, obj=request.principal.session)
    response = redirect("my:sign-in")
    response.delete_cookie(COOKIE, path="/")
    messages.success(request, _("You are signed out."))
    return response


# ----- what the person sees ------------------------------------------------------------------------


@signed_in
def home(request):
    person = request.principal.reservist
    rows = services.callups_of(person)
    services.view_event(request.principal, ss_events.CALLUPS_VIEWED, obj=person)
    return page(
        request,
        "home.html",
        {
            "upcoming": [r for r in rows if r["upcoming"]],
            "past": [r for r in rows if not r["upcoming"]],
            "service_record": services.service_record(person),
            "idle_minutes": int(idle_limit().total_seconds() // 60),
        },
    )


@signed_in
@require_http_methods(["GET", "POST"])
def notice(request, pk):
    person = request.principal.reservist
    obj = services.notice_of(person, pk)
    form = PostponeForm(request.POST if request.POST.get("action") == "postpone" else None, prefix="postpone")
    exempt_form = ExemptForm(request.POST if request.POST.get("action") == "exempt" else None, prefix="exempt")
    refusal = None
    refused_action = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "acknowledge":
                services.acknowledge(request.principal, obj)
                messages.success(request, _("Thank you: your receipt of this notice is recorded."))
                return redirect("my:notice", pk=obj.pk)
            if action == "postpone" and form.is_valid():
                services.postpone(
                    request.principal,
                    obj,
                    days=form.cleaned_data["days"],
                    kind=form.cleaned_data["kind"],
                    reason=form.cleaned_data["reason"],
                    files=request.FILES.getlist("documents"),
                )
                messages.success(request, _("Your postponement request was sent to the township office."))
                return redirect("my:requests")
            if action == "exempt" and exempt_form.is_valid():
                services.exempt(
                    request.principal,
                    obj,
                    ground=exempt_form.cleaned_data["ground"],
                    note=exempt_form.cleaned_data["note"],
                    files=request.FILES.getlist("exempt_documents"),
                )
                messages.success(request, _("Your exemption request was sent to the township office."))
                return redirect("my:requests")
            status = 400
        except TransitionRefused as exc:
            refusal = exc
            refused_action = action
            status = exc.status_code
        except ValidationError as exc:
            for field, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            status = 400
    services.view_event(request.principal, ss_events.NOTICE_VIEWED, obj=obj)
    return page(
        request,
        "notice.html",
        {
            "notice": obj,
            "callup": services.callup(obj),
            "form": form,
            "exempt_form": exempt_form,
            "refusal": refusal if refused_action == "postpone" else None,
            "exempt_refusal": refusal if refused_action == "exempt" else None,
        },
        status=status,
    )


@signed_in
def notice_pdf(request, pk):
    obj = services.notice_of(request.principal.reservist, pk)
    data = render_notice_pdf(obj)
    services.view_event(request.principal, ss_events.NOTICE_PDF_VIEWED, obj=obj)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="notice-{obj.number}.pdf"'
    return response


@signed_in
def requests_page(request):
    services.view_event(request.principal, ss_events.REQUESTS_VIEWED, obj=request.principal.reservist)
    return page(request, "requests.html", {"rows": services.requests_of(request.principal.reservist)})


@signed_in
def document(request, kind, pk):
    obj = services.document_of(request.principal.reservist, kind, pk)
    services.view_event(request.principal, ss_events.DOCUMENT_VIEWED, obj=obj, kind=kind)
    return downloads.serve(request, obj.file, as_attachment=False, content_type=obj.content_type)


# ----- contact details -----------------------------------------------------------------------------


@signed_in
@require_http_methods(["GET", "POST"])
def contact(request):
    principal = request.principal
    which = request.POST.get("action") if request.method == "POST" else None
    forms = {
        "phone": PhoneForm(request.POST if which == "phone" else None, prefix="phone"),
        "email": EmailForm(request.POST if which == "email" else None, prefix="email"),
        "address": AddressForm(request.POST if which == "address" else None, prefix="address"),
    }
    status = 200
    if which in forms:
        form = forms[which]
        if form.is_valid():
            try:
                if which == "address":
                    services.change_delivery_address(principal, form.cleaned_data["delivery_address"])
                    messages.success(request, _("Your delivery address is recorded for the next notices."))
                    return redirect("my:contact")
                field = ContactField.PHONE if which == "phone" else ContactField.EMAIL
                token = services.request_contact_change(principal, field, form.cleaned_data[which])
                response = redirect("my:contact-confirm")
                set_cookie(response, CONFIRM_COOKIE, token, max_age=600)
                messages.info(request, _("A code was sent to the new %(what)s.") % {"what": field.label})
                return response
            except ValidationError as exc:
                for errors in exc.message_dict.values():
                    for error in errors:
                        form.add_error(None, error)
            except TransitionRefused as exc:
                form.add_error(None, str(exc.message))
        status = 400
    else:
        services.view_event(principal, ss_events.CONTACT_VIEWED, obj=principal.reservist)
    return page(
        request,
        "contact.html",
        {"contact": services.contact_of(principal.reservist), **{f"{k}_form": v for k, v in forms.items()}},
        status=status,
    )


@signed_in
@require_http_methods(["GET", "POST"])
def contact_confirm(request):
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.confirm_contact_change(
                    request.principal, request.COOKIES.get(CONFIRM_COOKIE, ""), form.cleaned_data["code"]
                )
            except ValidationError as exc:
                for error in exc.message_dict.get("code", exc.messages):
                    form.add_error("code", error)
            else:
                messages.success(request, _("Your contact details are changed."))
                response = redirect("my:contact")
                response.delete_cookie(CONFIRM_COOKIE, path="/")
                return response
    return page(request, "contact_confirm.html", {"form": form}, status=status)


def root(request):
    return redirect(reverse("my:home"))
