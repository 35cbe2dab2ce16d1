"""/api/accounts/, /api/accounts/grants/ and /api/organisations/. Every write is an Action: without the authority
403, out of the administrator's scope 404, refused by a rule 409 (or 400 about the input)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from core.api.params import StrictQueryMixin
from core.api.viewsets import ScopedCreateListRetrieveUpdateViewSet, ScopedQuerysetMixin
from core.models import Organisation

from ..actions import (
    ACCOUNT_ACTIONS,
    ApproveGrant,
    CreateAccount,
    DeactivateOrganisation,
    ReactivateOrganisation,
    change_access,
    save_organisation,
)
from ..choices import GrantStatus
from ..filters import AccountFilter, OrganisationFilter
from ..models import Account, PendingGrant
from ..services import AccountFacts
from ..views.base import can_open_accounts
from .serializers import (
    AccessResultSerializer,
    AccessSerializer,
    AccountCreateSerializer,
    AccountSerializer,
    AdministrationNoteSerializer,
    OrganisationSerializer,
    PendingGrantSerializer,
)


class CanOpenAccounts(BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and can_open_accounts(request.user))


class AccountViewSet(StrictQueryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Portal accounts within the administrator's reach: every account for MND administrators and auditors, the
    accounts of their county for county account administrators."""

    queryset = Account.objects.order_by("username")
    serializer_class = AccountSerializer
    filterset_class = AccountFilter
    permission_classes = [IsAuthenticated, CanOpenAccounts]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return Account.objects.for_user(self.request.user).order_by("username")

    def _data(self, accounts, many=False):
        facts = AccountFacts(accounts if many else [accounts])
        return AccountSerializer(accounts, many=many, context={**self.get_serializer_context(), "facts": facts}).data

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self._data(page, many=True))

    def retrieve(self, request, *args, **kwargs):
        return Response(self._data(self.get_object()))

    @extend_schema(request=AccountCreateSerializer, responses={201: AccessResultSerializer})
    def create(self, request, *args, **kwargs):
        """Create an account; a link to set its password goes to its e-mail. A powerful grant waits for approval
        (`outcome: pending`)."""
        data = AccountCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        account, pending = CreateAccount().execute(
            request.user,
            username=values["username"],
            access=data.access(),
            full_name=values["name"],
            email=values["email"],
            phone=values["phone"],
            note=values["note"],
        )
        body = {
            "outcome": "pending" if pending else "applied",
            "grant": pending.pk if pending else None,
            "account": self._data(account),
        }
        return Response(body, status=status.HTTP_201_CREATED)

    def _step(self, request, name):
        note = AdministrationNoteSerializer(data=request.data)
        note.is_valid(raise_exception=True)
        account = self.get_object()
        ACCOUNT_ACTIONS[name].execute(request.user, account, note=note.validated_data["note"])
        account.refresh_from_db()
        return Response(self._data(account))

    @extend_schema(request=AdministrationNoteSerializer, responses=AccountSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """Deactivate the account and end its API tokens."""
        return self._step(request, "deactivate")

    @extend_schema(request=AdministrationNoteSerializer, responses=AccountSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        return self._step(request, "reactivate")

    @extend_schema(request=AdministrationNoteSerializer, responses=AccountSerializer)
    @action(detail=True, methods=["post"])
    def unlock(self, request, pk=None):
        """End a lockout after failed log-ins."""
        return self._step(request, "unlock")

    @extend_schema(request=AdministrationNoteSerializer, responses=AccountSerializer)
    @action(detail=True, methods=["post"], url_path="reset-2fa")
    def reset_2fa(self, request, pk=None):
        """Remove the second factor: the person enrols again at the next log-in."""
        return self._step(request, "reset-2fa")

    @extend_schema(request=AdministrationNoteSerializer, responses=AccountSerializer)
    @action(detail=True, methods=["post"], url_path="password-reset")
    def password_reset(self, request, pk=None):
        """E-mail a single-use link to set a new password (valid ACCOUNT_LINK_MINUTES); ends the API tokens."""
        return self._step(request, "password-reset")

    @extend_schema(request=AccessSerializer, responses=AccessResultSerializer)
    @action(detail=True, methods=["post"])
    def access(self, request, pk=None):
        """Change role, scope and extra permissions. A powerful grant waits for approval (`outcome: pending`)."""
        data = AccessSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        account = self.get_object()
        outcome, result = change_access(request.user, account, data.access(), data.validated_data["note"])
        account.refresh_from_db()
        grant = result.pk if outcome == "pending" else None
        return Response({"outcome": outcome, "grant": grant, "account": self._data(account)})


class PendingGrantViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Powerful grants (an MND role, the auditor role, nationwide scope, full national IDs). The list shows those
    waiting for approval unless `status` says otherwise."""

    queryset = PendingGrant.objects.select_related("user", "organisation").order_by("-id")
    serializer_class = PendingGrantSerializer
    extra_query_params = ("status",)
    filterset_class = None

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            wanted = self.request.query_params.get("status") or GrantStatus.PENDING
            if wanted not in GrantStatus.values:
                raise serializers.ValidationError(
                    {"status": [_("One of: %(values)s") % {"values": ", ".join(GrantStatus.values)}]}
                )
            queryset = queryset.filter(status=wanted)
        return queryset

    def get_permissions(self):
        if self.action in ("approve", "reject"):
            return [IsAuthenticated()]
        return super().get_permissions()

    def _decide(self, request, step):
        note = AdministrationNoteSerializer(data=request.data)
        note.is_valid(raise_exception=True)
        grant = self.get_object()
        step.execute(request.user, grant, note=note.validated_data["note"])
        grant.refresh_from_db()
        return Response(PendingGrantSerializer(grant).data)

    @extend_schema(request=AdministrationNoteSerializer, responses=PendingGrantSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """A second MND administrator (not the one who asked, not the account's holder) puts the grant in effect."""
        return self._decide(request, ApproveGrant())

    @extend_schema(request=AdministrationNoteSerializer, responses=PendingGrantSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        from ..actions import RejectGrant

        return self._decide(request, RejectGrant())


class OrganisationViewSet(ScopedCreateListRetrieveUpdateViewSet):
    """Organisations: MND units, county governments, township offices, agencies and operators, enterprises."""

    queryset = Organisation.objects.select_related("region", "parent").order_by("name", "id")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter

    def perform_create(self, serializer):
        save_organisation(self.request.user, serializer)

    def perform_update(self, serializer):
        save_organisation(self.request.user, serializer)

    def _step(self, request, step):
        note = AdministrationNoteSerializer(data=request.data)
        note.is_valid(raise_exception=True)
        org = self.get_object()
        step.execute(request.user, org, note=note.validated_data["note"])
        org.refresh_from_db()
        return Response(OrganisationSerializer(org).data)

    def get_permissions(self):
        if self.action in ("deactivate", "reactivate"):
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(request=AdministrationNoteSerializer, responses=OrganisationSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """Deactivate the organisation and every account working for it."""
        return self._step(request, DeactivateOrganisation())

    @extend_schema(request=AdministrationNoteSerializer, responses=OrganisationSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        """Reactivate the organisation (its accounts are reactivated one by one)."""
        return self._step(request, ReactivateOrganisation())
