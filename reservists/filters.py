"""One FilterSet for the registry list page, its CSV export and GET /api/reservists/."""

import datetime
import re

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Region
from core.pii import normalise_national_id

from .choices import Branch, Category, ReservistStatus
from .models import PriorityGrant, Reservist

FULL_ID = re.compile(r"[A-Z][0-9]{9}")
ID_PREFIX = re.compile(r"[A-Z][0-9]{1,8}")


def _townships(request):
    queryset = Region.objects.townships().select_related("parent").order_by("code")
    return queryset if request is None else queryset.for_user(request.user)


_COUNTY_TOWNSHIPS: dict[str, list[int]] = {}


def county_township_ids(code: str) -> list[int]:
    """The township ids of a county (reference data: kept for the process's life)."""
    if code not in _COUNTY_TOWNSHIPS:
        _COUNTY_TOWNSHIPS[code] = list(
            Region.objects.filter(parent__code=code, level="township").values_list("id", flat=True)
        )
    return _COUNTY_TOWNSHIPS[code] or [0]


def years_ago(years: int) -> datetime.date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def grant_valid_today():
    today = timezone.localdate()
    return Exists(
        PriorityGrant.objects.filter(reservist=OuterRef("pk"), valid_from__lte=today).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=today)
        )
    )


class ReservistFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or national ID"), method="search")
    county = django_filters.CharFilter(label=_("County"), method="filter_county", help_text=_("e.g. TW-NWT"))
    township = django_filters.ModelChoiceFilter(label=_("Township"), queryset=_townships, to_field_name="code")
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    branch = django_filters.ChoiceFilter(label=_("Branch"), choices=Branch.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReservistStatus.choices)
    specialty = django_filters.CharFilter(label=_("Specialty"))
    retired_years_min = django_filters.NumberFilter(
        label=_("Retired at least (years)"), method="filter_retired_min", min_value=0
    )
    retired_years_max = django_filters.NumberFilter(
        label=_("Retired at most (years)"), method="filter_retired_max", min_value=0
    )
    has_grant = django_filters.BooleanFilter(label=_("Has a valid priority grant"), method="filter_has_grant")

    class Meta:
        model = Reservist
        fields = ["q", "county", "township", "category", "branch", "status", "specialty"]

    def search(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        upper = normalise_national_id(text)
        if FULL_ID.fullmatch(upper):
            return queryset.filter(national_id=upper)
        if ID_PREFIX.fullmatch(upper):
            return queryset.filter(national_id__startswith=upper)
        return queryset.filter(name__startswith=text)

    def filter_county(self, queryset, name, value: str):
        # The ids as constants, not a subquery: the planner then walks the id index and stops at the page's end.
        return queryset.filter(township_id__in=county_township_ids(value.strip().upper()))

    def filter_retired_min(self, queryset, name, value):
        return queryset.filter(retirement_date__lte=years_ago(int(value)))

    def filter_retired_max(self, queryset, name, value):
        return queryset.filter(retirement_date__gte=years_ago(int(value)))

    def filter_has_grant(self, queryset, name, value):
        return queryset.filter(grant_valid_today()) if value else queryset.filter(~grant_valid_today())
