"""One FilterSet for the registry list page, its CSV export and GET /api/reservists/."""

import datetime
import re

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.memo import ProcessMemo
from core.models import Region
from core.pii import normalise_national_id
from core.scope import UserScope, get_scope

from .choices import Branch, Category, ReservistStatus
from .models import PriorityGrant, Reservist

FULL_ID = re.compile(r"[A-Z][0-9]{9}")
ID_PREFIX = re.compile(r"[A-Z][0-9]{1,8}")


def _townships(request):
    queryset = Region.objects.townships().select_related("parent").order_by("code")
    return queryset if request is None else queryset.for_user(request.user)


# Region ids by code: reference data, kept for the process's life (core.memo).
_REGION_IDS = ProcessMemo()


def county_township_ids(code: str) -> list[int]:
    """The township ids of a county ([0], matching nothing, for an unknown county)."""
    ids = _REGION_IDS.get(
        ("county-townships", code),
        lambda: list(Region.objects.filter(parent__code=code, level="township").values_list("id", flat=True)),
    )
    return ids or [0]


def township_id(code: str) -> int | None:
    """A township's id by its code, None for an unknown code."""
    ids = _REGION_IDS.get("township-ids", lambda: dict(Region.objects.townships().values_list("code", "id")))
    return ids.get(code)


class TownshipCodeField(django_filters.fields.ModelChoiceField):
    """The township filter's field: the same choices as its scoped queryset (a township of the user's area), but
    checked against the user's cached scope and the township ids kept per process, so `?township=220` costs no
    query of its own. `scope` is set by TownshipFilter (None: no request, every township)."""

    scope = None

    def to_python(self, value):
        if value in self.empty_values:
            return None
        code = str(value).strip()
        pk = township_id(code)
        if pk is None or (self.scope is not None and not self.scope.nation and pk not in self.scope.region_ids):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return Region(pk=pk, code=code, level="township")


class TownshipFilter(django_filters.ModelChoiceFilter):
    field_class = TownshipCodeField

    @property
    def field(self):
        field = super().field
        request = self.get_request()
        field.scope = get_scope(request.user) if request is not None else None
        return field

    def filter(self, qs, value):
        return qs if value in ([], (), {}, "", None) else qs.filter(township_id=value.pk)


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
    township = TownshipFilter(label=_("Township"), queryset=_townships, to_field_name="code")
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

    def get_form_class(self):
        """Built once per process: django-filter makes a new form class (ten fields through the form metaclass)
        per request otherwise, a third of a filtered page's filtering cost. The fields are the same for every
        request but the township's scope and choices, which `form` sets on each form's own copy; the shared
        class's township field accepts no township at all, should that ever be skipped."""
        cls = type(self)
        form_class = cls.__dict__.get("_shared_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            township = form_class.base_fields["township"]
            township.scope, township.queryset = UserScope(), Region.objects.none()
            cls._shared_form_class = form_class
        return form_class

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            township = form.fields["township"]  # a deep copy per form (Django forms copy their base fields)
            township.scope = get_scope(self.request.user) if self.request is not None else None
            township.queryset = _townships(self.request)
        return self._form

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
