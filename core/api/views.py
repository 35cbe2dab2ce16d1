import django_filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.filters import ScopedFilterSet
from core.models import Job, Region

from .params import StrictQueryMixin
from .serializers import JobSerializer, RegionSerializer
from .viewsets import ScopedReadOnlyViewSet


class RegionFilter(ScopedFilterSet):
    level = django_filters.ChoiceFilter(choices=[("county", "county"), ("township", "township")])
    parent = django_filters.NumberFilter(field_name="parent_id")
    code = django_filters.CharFilter()

    class Meta:
        model = Region
        fields = ["level", "parent", "code"]


class RegionViewSet(ScopedReadOnlyViewSet):
    """Counties (ISO 3166-2:TW codes) and townships (zipcodes) within the user's scope."""

    queryset = Region.objects.all().order_by("code")
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    pagination_class = None


class JobViewSet(StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    """Background jobs: a user sees the jobs they started; nationwide roles with view permission see all."""

    serializer_class = JobSerializer
    permission_classes = [IsAuthenticated]
    queryset = Job.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Job.objects.none()
        return visible_jobs(self.request.user)


def visible_jobs(user):
    from core.scope import get_scope

    queryset = Job.objects.all()
    if user.is_superuser or (get_scope(user).nation and user.has_perm("core.view_job")):
        return queryset
    return queryset.filter(Q(created_by=user))


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp_token = serializers.CharField(required=False, help_text="Two-factor code (MND and auditor accounts).")


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (`Authorization: Token <token>`); DELETE revokes it.

    A token expires (8 hours for MND and auditor accounts, 30 days for others, by default) and is revoked on
    logout, on a password, role or scope change and on deactivation (core/tokens.py)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_scope = "token"

    def get_authenticators(self):
        if self.request is not None and self.request.method == "DELETE":
            from core.api.authentication import TokenAuthentication

            return [TokenAuthentication()]
        return []

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
    def post(self, request):
        from django.contrib.auth import authenticate

        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request, username=data.validated_data["username"], password=data.validated_data["password"]
        )
        if user is None or not user.is_active:
            from django.utils.translation import gettext as _

            return Response(
                {"non_field_errors": [_("Unable to log in with the credentials provided.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        from core.tokens import issue_token
        from core.twofactor import verify_for_token

        allowed, two_factor = verify_for_token(user, data.validated_data.get("otp_token"))
        if not allowed:
            from django.utils.translation import gettext as _

            return Response(
                {"otp_token": [_("A valid two-factor code is required for this account.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token = issue_token(user, two_factor=two_factor)
        return Response({"token": token.key, "expires_at": token.state.expires_at})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        from core.tokens import revoke_tokens

        if not isinstance(request.auth, Token):
            from rest_framework.exceptions import NotAuthenticated

            raise NotAuthenticated()
        revoke_tokens(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
