"""One FilterSet for the registry list page, its CSV export and GET /api/reservists/."""

import datetime
import re

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import log_event
from core.choices import AuditAction
from core.dates import parse_date_input
from core.filters import ScopedFilterSet
from core.models import Region
from core.pii import can_see_full_id, mask_national_id, normalise_national_id
from core.regions import county_township_ids, township_id
from core.scope import UserScope, get_scope

from .choices import Branch, Category, ReservistStatus
from .models import PriorityGrant, Reservist

FULL_ID = re.compile(r"[A-Z][0-9]{9}")
ID_PREFIX = re.compile(r"[A-Z][0-9]{1,8}")
# What a masked ID shows (core.pii.mask_national_id: A12****789): the letter and two digits, and the last three.
VISIBLE_PREFIX = re.compile(r"[A-Z][0-9]{1,2}")
MASKED_ID = re.compile(r"([A-Z][0-9]{2})\*{4}([0-9]{3})")
LAST_DIGITS = re.compile(r"\**([0-9]{1,3})")
ALL_LAST_DIGITS = re.compile(r"\**([0-9]{1,9})")  # for roles that see every digit
# Anything else that looks like part of an ID: searching by it would reveal digits the mask hides.
ID_LIKE = re.compile(r"[A-Z]?[0-9*]+")


def _townships(request):
    queryset = Region.objects.townships().select_related("parent")
    return queryset if request is None else queryset.for_user(request.user)


# Region ids by code: once, in core.regions (kept for the process's life).


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


def birth_date_search(text: str) -> datetime.date | None:
    """The birth date a search box text names (79/05/31, 民國79年5月31日, 1990-05-31), None when it names none.
    Only separated forms: digits alone are the last digits of an ID."""
    if not re.search(r"[/.\-年]", text):
        return None
    try:
        return parse_date_input(text, compact=False)
    except ValueError:
        return None


def name_condition(text: str) -> Q:
    """Any part of a name, as clerks type it (issue 18): 王 (the family name), 小明 (the given name alone: the end
    of the name, or its start), 王小明 or 小明 of 歐陽小明 (anywhere). Each is an index search on 2 million rows:
    the prefix by the varchar_pattern_ops index, the end and the middle by the trigram index (which needs three
    characters with the end of the name counted as one, so a single character searches family names only)."""
    if len(text) == 1:
        return Q(name__startswith=text)
    if len(text) == 2:
        return Q(name__startswith=text) | Q(name__endswith=text)
    return Q(name__contains=text)


def id_search(text: str, full: bool) -> tuple[str, tuple] | None:
    """How `text` searches national IDs: (kind, arguments), or None when it is not an ID (a name, then).

    kinds: "exact" (a complete ID), "masked" (the visible parts as shown: A12****789), "last" (the last
    digits, 789 or ***789), "prefix" (a beginning: F19 for everyone; F194 only for roles that see full IDs).
    Raises ValidationError for an ID search that would reveal hidden digits to a role that may not see them:
    otherwise F194…, F195… searches recover a full ID digit by digit (issue 16, finding 4)."""
    upper = normalise_national_id(text)
    if FULL_ID.fullmatch(upper):
        return "exact", (upper,)
    if match := MASKED_ID.fullmatch(upper):
        return "masked", match.groups()
    if match := LAST_DIGITS.fullmatch(upper) or (full and ALL_LAST_DIGITS.fullmatch(upper)):
        return "last", (match.group(1),)
    if VISIBLE_PREFIX.fullmatch(upper) or (full and ID_PREFIX.fullmatch(upper)):
        return "prefix", (upper,)
    if ID_LIKE.fullmatch(upper):
        raise ValidationError(
            _(
                "Search by the complete national ID, or by the parts shown in the list: the letter and first two "
                "digits, the last three digits, or both as shown (A12****789)."
            ),
            code="hidden_digits",
        )
    return None


class NationalIdSearchField(django_filters.fields.forms.CharField):
    """The search box: refuses, for roles that see masked IDs, an ID search by digits the mask hides.
    `full` is set per form (ReservistFilter.form) from the requesting user."""

    full = False

    def clean(self, value):
        value = super().clean(value)
        if value and value.strip() and birth_date_search(value.strip()) is None:
            id_search(value.strip(), self.full)
        return value


class NationalIdField(django_filters.fields.forms.CharField):
    """`national_id=`: a complete ID, matched exactly (issue 18)."""

    def clean(self, value):
        value = normalise_national_id(super().clean(value))
        if value and not FULL_ID.fullmatch(value):
            raise ValidationError(_("Give the complete national ID: a letter and nine digits."), code="national_id")
        return value


class NationalIdSearchFilter(django_filters.CharFilter):
    field_class = NationalIdSearchField


class NationalIdFilter(django_filters.CharFilter):
    field_class = NationalIdField


def log_id_search(user, kind: str, text: str) -> None:
    """A search by national ID is an access to personal data: one event on /audit/personal-data/. The message
    shows the query masked; the typed value is kept under `national_id`, which the audit pages mask too."""
    if user is None or not user.is_authenticated:
        return
    typed = normalise_national_id(text)
    shown = mask_national_id(typed) if kind == "exact" else typed
    event = Reservist(pk=None)
    log_event(
        user,
        event,
        _("National ID search (%(kind)s): %(query)s") % {"kind": kind, "query": shown},
        action=AuditAction.VIEW_PII,
        after={"national_id": typed, "kind": kind},
    )


MAX_YEARS = 150  # retired longer ago than anyone alive; more is a 400, not a date before year 1


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


class ReservistFilter(ScopedFilterSet):
    q = NationalIdSearchFilter(label=_("Name, national ID or birth date"), method="search")
    national_id = NationalIdFilter(label=_("National ID (complete)"), method="filter_national_id")
    county = django_filters.CharFilter(label=_("County"), method="filter_county", help_text=_("e.g. TW-NWT"))
    township = TownshipFilter(label=_("Township"), queryset=_townships, to_field_name="code")
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    branch = django_filters.ChoiceFilter(label=_("Branch"), choices=Branch.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReservistStatus.choices)
    specialty = django_filters.CharFilter(label=_("Specialty"))
    retired_years_min = django_filters.NumberFilter(
        label=_("Retired at least (years)"), method="filter_retired_min", min_value=0, max_value=MAX_YEARS
    )
    retired_years_max = django_filters.NumberFilter(
        label=_("Retired at most (years)"), method="filter_retired_max", min_value=0, max_value=MAX_YEARS
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
            form.fields["q"].full = self.request is not None and can_see_full_id(self.request.user)
        return self._form

    def _user(self):
        return getattr(self.request, "user", None)

    def search(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        if (born := birth_date_search(text)) is not None:
            return queryset.filter(birth_date=born)
        search = id_search(text, can_see_full_id(self._user()))  # the form has refused what it must refuse
        if search is None:
            return queryset.filter(name_condition(text))
        kind, args = search
        log_id_search(self._user(), kind, text)
        if kind == "exact":
            return queryset.filter(national_id=args[0])
        if kind == "masked":
            return queryset.filter(national_id__startswith=args[0], national_id__endswith=args[1])
        if kind == "last":
            return queryset.filter(national_id__endswith=args[0])
        return queryset.filter(national_id__startswith=args[0])

    def filter_national_id(self, queryset, name, value):
        if not value:
            return queryset
        log_id_search(self._user(), "exact", value)
        return queryset.filter(national_id=value)

    def filter_county(self, queryset, name, value: str):
        # The ids as constants, not a subquery: the planner then walks the id index and stops at the page's end.
        return queryset.filter(township_id__in=county_township_ids(value.strip().upper()))

    def filter_retired_min(self, queryset, name, value):
        return queryset.filter(retirement_date__lte=years_ago(int(value)))

    def filter_retired_max(self, queryset, name, value):
        return queryset.filter(retirement_date__gte=years_ago(int(value)))

    def filter_has_grant(self, queryset, name, value):
        return queryset.filter(grant_valid_today()) if value else queryset.filter(~grant_valid_today())
