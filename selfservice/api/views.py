"""The self-service API under /api/my/: sign-in in two steps, then the person's own call-ups, notices,
requests and contact details. Every view takes the person from the session, never from the URL."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core import downloads, rawsql
from core.api.params import StrictQueryMixin, refuse_unknown
from core.pii import mask_national_id
from core.ratelimit import client_ip, hit

from .. import events as ss_events
from .. import services, signin
from ..auth import ReservistAuthentication
from ..callup import render_notice_pdf
from ..choices import ContactField
from ..forms import parse_birth_date
from ..models import Challenge
from ..sessions import CHALLENGE_COOKIE, COOKIE, ReservistPrincipal, end, idle_limit, set_cookie, start

SENT = _("If the details match our records, a code was sent. It is valid for 5 minutes.")
OBJECT = OpenApiTypes.OBJECT
BINARY = OpenApiTypes.BINARY
CHALLENGE = inline_serializer(
    "MySignInAnswer", {"detail": serializers.CharField(), "challenge": serializers.CharField()}
)
VERIFY = inline_serializer(
    "MyVerifyRequest", {"code": serializers.CharField(), "challenge": serializers.CharField(required=False)}
)
SESSION = inline_serializer(
    "MySession",
    {
        "token": serializers.CharField(),
        "token_type": serializers.CharField(),
        "idle_minutes": serializers.IntegerField(),
    },
)
POSTPONE = inline_serializer(
    "MyPostponeRequest",
    {
        "days": serializers.IntegerField(),
        "kind": serializers.ChoiceField(choices=["illness", "major_event"]),
        "reason": serializers.CharField(),
        "documents": serializers.ListField(child=serializers.FileField(), required=False),
    },
)
EXEMPT = inline_serializer(
    "MyExemptRequest",
    {
        "ground": serializers.CharField(),
        "note": serializers.CharField(),
        "documents": serializers.ListField(child=serializers.FileField(), required=False),
    },
)
CONTACT = inline_serializer(
    "MyContactChange",
    {
        "phone": serializers.CharField(required=False),
        "email": serializers.CharField(required=False),
        "delivery_address": serializers.CharField(required=False),
        "challenge": serializers.CharField(required=False),
        "code": serializers.CharField(required=False),
    },
)
FILES = {(200, "application/pdf"): BINARY, (200, "image/png"): BINARY, (200, "image/jpeg"): BINARY}


class IsReservist(BasePermission):
    """Only a reservist's own session: a staff account (even an administrator) is not a reservist here."""

    def has_permission(self, request, view):
        return isinstance(request.user, ReservistPrincipal)


class SelfServiceView(StrictQueryMixin, APIView):
    """A signed-in reservist only; `request.user.reservist` is the person."""

    authentication_classes = [ReservistAuthentication]
    permission_classes = [IsAuthenticated, IsReservist]
    parser_classes = [JSONParser]

    @property
    def person(self):
        return self.request.user.reservist


class SignInRequest(serializers.Serializer):
    national_id = serializers.CharField(required=False, max_length=20)
    verification_code = serializers.CharField(required=False, max_length=64)
    birth_date = serializers.CharField(max_length=20)

    def validate_birth_date(self, value):
        try:
            return parse_birth_date(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None

    def validate(self, data):
        if bool(data.get("national_id")) == bool(data.get("verification_code")):
            raise serializers.ValidationError(
                _("Give either your national ID or the verification code printed on your notice, with your birth date.")
            )
        return data


class SignInView(StrictQueryMixin, APIView):
    """Step 1. Always 202 with the same body whether or not the details match anyone: `challenge` goes with the
    code to step 2 (it is also set as a cookie)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(request=SignInRequest, responses={202: CHALLENGE}, auth=[])
    def post(self, request):
        refuse_unknown(request.data, {"national_id", "verification_code", "birth_date"})
        form = SignInRequest(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        name = "notice" if data.get("verification_code") else "code"
        context = signin.SignInContext(client=client_ip(request))
        signin.backend(name, context).start(dict(data))
        response = Response({"detail": SENT, "challenge": context.challenge}, status=status.HTTP_202_ACCEPTED)
        set_cookie(response, CHALLENGE_COOKIE, context.challenge, max_age=600)
        return response


def verify_challenge(request, token: str, code: str):
    """(session token, principal) or raises SignInFailed."""
    from ..codes import token_hash

    found = rawsql.fetch(
        f"SELECT backend FROM {Challenge._meta.db_table} WHERE token_hash = %s", [token_hash(token or "")]
    )
    backend_name = (found[0][0] if found else "") or "code"
    context = signin.SignInContext(client=client_ip(request), challenge=token)
    reservist = signin.backend(backend_name, context).verify(code)
    session_token, session = start(reservist, backend_name)
    principal = ReservistPrincipal(session)
    services.view_event(principal, ss_events.SIGNED_IN, obj=session, backend=backend_name)
    return session_token, principal


class VerifyView(StrictQueryMixin, APIView):
    """Step 2: the code (or, for the notice backend, the printed verification code). 200 with a bearer token
    (also set as the `my_session` cookie); 400 for a wrong, used, expired or locked code."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(request=VERIFY, responses={200: SESSION}, auth=[])
    def post(self, request):
        refuse_unknown(request.data, {"code", "challenge"})
        allowed, wait = hit("selfservice_verify", client_ip(request))
        if not allowed:
            response = Response({"detail": _("Too many tries; please wait a moment.")}, status=429)
            response["Retry-After"] = str(wait)
            return response
        code = str(request.data.get("code") or "")
        token = str(request.data.get("challenge") or request.COOKIES.get(CHALLENGE_COOKIE) or "")
        if not code:
            return Response({"code": [_("Enter the code.")]}, status=400)
        try:
            session_token, _principal = verify_challenge(request, token, code)
        except signin.SignInFailed as exc:
            message = (
                _("This code has expired, was used or was tried too often; ask for a new one.")
                if exc.locked
                else _("The code is not right.")
            )
            return Response({"code": [message]}, status=400)
        minutes = int(idle_limit().total_seconds() // 60)
        response = Response({"token": session_token, "token_type": "Bearer", "idle_minutes": minutes})
        set_cookie(response, COOKIE, session_token, max_age=12 * 3600)
        response.delete_cookie(CHALLENGE_COOKIE, path="/")
        return response


class SignOutView(SelfServiceView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        end(request.auth)
        services.view_event(request.user, ss_events.SIGNED_OUT, obj=request.auth)
        response = Response(status=204)
        response.delete_cookie(COOKIE, path="/")
        return response


class CallUpsView(SelfServiceView):
    """The person's call-ups, upcoming and past, and their service record against the law's limits."""

    @extend_schema(responses={200: OBJECT})
    def get(self, request):
        person = self.person
        rows = services.callups_of(person)
        services.view_event(request.user, ss_events.CALLUPS_VIEWED, obj=person)
        return Response(
            {
                "person": {"name": person.name, "national_id": mask_national_id(person.national_id)},
                "upcoming": [r for r in rows if r["upcoming"]],
                "past": [r for r in rows if not r["upcoming"]],
                "service_record": services.service_record(person),
            }
        )


class NoticePdfView(SelfServiceView):
    @extend_schema(responses={(200, "application/pdf"): BINARY})
    def get(self, request, pk):
        notice = services.notice_of(self.person, pk)
        data = render_notice_pdf(notice)
        services.view_event(request.user, ss_events.NOTICE_PDF_VIEWED, obj=notice)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="notice-{notice.number}.pdf"'
        return response


class AcknowledgeView(SelfServiceView):
    @extend_schema(request=None, responses={200: OBJECT})
    def post(self, request, pk):
        refuse_unknown(request.data, set())
        notice = services.notice_of(self.person, pk)
        services.acknowledge(request.user, notice)
        return Response(services.callup(notice))


class PostponeView(SelfServiceView):
    """Art. 31: `days` (1-3), `kind` (illness | major_event), `reason`, `documents` (PDF or images). 201 with
    the request, or 400 with the refusals and the article (e.g. more than 3 days, or a Roll-Call)."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(request={"multipart/form-data": POSTPONE}, responses={201: OBJECT})
    def post(self, request, pk):
        refuse_unknown(request.data, {"days", "kind", "reason", "documents"})
        notice = services.notice_of(self.person, pk)
        try:
            days = int(request.data.get("days"))
        except (TypeError, ValueError):
            return Response({"days": [_("Give the number of days asked for (1 to 3).")]}, status=400)
        files = request.FILES.getlist("documents") if hasattr(request.FILES, "getlist") else []
        try:
            postponement = services.postpone(
                request.user,
                notice,
                days=days,
                kind=str(request.data.get("kind") or ""),
                reason=str(request.data.get("reason") or ""),
                files=files,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                return Response({k: [str(m) for m in v] for k, v in exc.message_dict.items()}, status=400)
            return Response({"documents": exc.messages}, status=400)
        row = next(r for r in services.requests_of(self.person) if r["id"] == postponement.pk)
        return Response(row, status=201)


class ExemptView(SelfServiceView):
    """An exemption from this call-up: `ground` (a code from `grounds`), `note`, `documents` (PDF or images).
    201 with the request; 400 or 409 with the refusals."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses={200: OBJECT})
    def get(self, request, pk):
        services.notice_of(self.person, pk)
        return Response({"grounds": [{"code": g.code, "name": g.name} for g in services.grounds()]})

    @extend_schema(request={"multipart/form-data": EXEMPT}, responses={201: OBJECT})
    def post(self, request, pk):
        refuse_unknown(request.data, {"ground", "note", "documents"})
        notice = services.notice_of(self.person, pk)
        files = request.FILES.getlist("documents") if hasattr(request.FILES, "getlist") else []
        try:
            exemption = services.exempt(
                request.user,
                notice,
                ground=str(request.data.get("ground") or ""),
                note=str(request.data.get("note") or ""),
                files=files,
            )
        except ValidationError as exc:
            return Response({"documents": exc.messages}, status=400)
        row = next(r for r in services.exemptions_of(self.person) if r["id"] == exemption.pk)
        return Response(row, status=201)


class RequestsView(SelfServiceView):
    @extend_schema(responses={200: OBJECT})
    def get(self, request):
        services.view_event(request.user, ss_events.REQUESTS_VIEWED, obj=self.person)
        return Response({"results": services.requests_of(self.person)})


class ContactView(SelfServiceView):
    """GET: phone, e-mail, delivery address. PATCH `phone` or `email`: a code goes to the new one and the answer
    (202) carries `challenge`; PATCH `challenge` + `code` confirms it. PATCH `delivery_address`: in effect at once
    for the next notices."""

    @extend_schema(responses={200: OBJECT})
    def get(self, request):
        services.view_event(request.user, ss_events.CONTACT_VIEWED, obj=self.person)
        return Response(services.contact_of(self.person))

    @extend_schema(request=CONTACT, responses={200: OBJECT, 202: OBJECT})
    def patch(self, request):
        refuse_unknown(request.data, {"phone", "email", "delivery_address", "challenge", "code"})
        data = request.data
        try:
            if "code" in data or "challenge" in data:
                if set(data) - {"code", "challenge"}:
                    raise ParseError(_("Confirm a code on its own, without other changes."))
                services.confirm_contact_change(
                    request.user, str(data.get("challenge") or ""), str(data.get("code") or "")
                )
                return Response(services.contact_of(self.person))
            pending = []
            if "delivery_address" in data:
                services.change_delivery_address(request.user, data["delivery_address"])
            for field in (ContactField.PHONE, ContactField.EMAIL):
                if field in data:
                    token = services.request_contact_change(request.user, field, data[field])
                    pending.append({"field": field, "challenge": token})
        except ValidationError as exc:
            return Response(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}, status=400)
        if not pending and "delivery_address" not in data:
            return Response({"detail": _("Give the phone, e-mail or delivery address to change.")}, status=400)
        body = {**services.contact_of(self.person), "pending": pending}
        return Response(body, status=202 if pending else 200)


class DocumentView(SelfServiceView):
    """One of the person's own documents (`kind`: postponement or exemption); anyone else's is 404."""

    @extend_schema(responses=FILES)
    def get(self, request, kind, pk):
        document = services.document_of(self.person, kind, pk)
        services.view_event(request.user, ss_events.DOCUMENT_VIEWED, obj=document, kind=kind)
        return downloads.serve(request, document.file, as_attachment=False, content_type=document.content_type)
