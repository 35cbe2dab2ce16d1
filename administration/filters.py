"""One filter for the account list page and /api/accounts/."""

from datetime import timedelta

import django_filters
from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.choices import OrganisationKind, Role
from core.filters import ScopedFilterSet
from core.models import Organisation, Region

from .choices import AccountState, GrantStatus
from .models import Account, PendingGrant, region_grantees


def _locked_usernames():
    from axes.models import AccessAttempt

    cooloff = settings.AXES_COOLOFF_TIME if isinstance(settings.AXES_COOLOFF_TIME, timedelta) else timedelta(0)
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=timezone.now() - cooloff
    ).values("username")


@extend_schema_field(OpenApiTypes.STR)
class CountyFilter(django_filters.ModelChoiceFilter):
    """A county by its code (TW-NWT)."""


class AccountFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices, field_name="groups__name")
    county = CountyFilter(
        label=_("County"), queryset=Region.objects.counties(), to_field_name="code", method="in_county"
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        to_field_name="code",
        field_name="profile__organisation",
    )
    state = django_filters.ChoiceFilter(label=_("State"), choices=AccountState.choices, method="in_state")
    two_factor = django_filters.BooleanFilter(label=_("Second factor"), method="with_two_factor")
    pending = django_filters.BooleanFilter(label=_("Grant waiting for approval"), method="with_pending")

    class Meta:
        model = Account
        fields = ["q", "role", "county", "organisation", "state", "two_factor", "pending"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(username__icontains=value) | Q(first_name__icontains=value) | Q(email__icontains=value)
        )

    def in_county(self, queryset, name, county):
        ids = [county.pk, *county.children.values_list("pk", flat=True)]
        return queryset.filter(pk__in=region_grantees(ids))

    def in_state(self, queryset, name, value):
        if value == AccountState.INACTIVE:
            return queryset.filter(is_active=False)
        locked = queryset.filter(username__in=_locked_usernames())
        return (
            locked.filter(is_active=True)
            if value == AccountState.LOCKED
            else queryset.filter(is_active=True).exclude(username__in=_locked_usernames())
        )

    def with_two_factor(self, queryset, name, value):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        has = Exists(TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True))
        return queryset.filter(has) if value else queryset.exclude(has)

    def with_pending(self, queryset, name, value):
        waiting = Exists(PendingGrant.objects.filter(user_id=OuterRef("pk"), status=GrantStatus.PENDING))
        return queryset.filter(waiting) if value else queryset.exclude(waiting)


class OrganisationFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrganisationKind.choices)
    county = CountyFilter(
        label=_("County"), queryset=Region.objects.counties(), to_field_name="code", method="in_county"
    )
    is_active = django_filters.BooleanFilter(label=_("In use"))

    class Meta:
        model = Organisation
        fields = ["q", "kind", "county", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value) | Q(code__icontains=value))

    def in_county(self, queryset, name, county):
        return queryset.filter(Q(region=county) | Q(region__parent=county))
