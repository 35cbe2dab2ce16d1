"""The portal's FilterSet base and filters: one place where every filter of the pages and the API is made safe.

- A foreign-key filter (ModelChoiceFilter, also the ones `filterset_fields` generates) offers only the objects
  of the user's scope (`for_user`), so an out-of-scope id and an id that does not exist get the same answer:
  400 "Select a valid choice". Otherwise ?team=<their team> would answer an empty 200 and ?team=<nothing> a 400,
  telling the user which ids exist outside their area.
- A number filter takes only values a database column can hold: a larger value is a 400, never a 500.
"""

import django_filters
from django import forms
from django.db.models import QuerySet
from django_filters.filters import QuerySetRequestMixin
from django_filters.rest_framework import DjangoFilterBackend

from core.models import Region
from core.widgets import RegionPicker, RegionPickerMultiple, official_order

# PostgreSQL's bigint: no integer column of the portal holds more.
BIGINT_MAX = 2**63 - 1


class IntegerFilter(django_filters.NumberFilter):
    """A whole-number filter (django-filter's NumberFilter takes decimals, which date parts can't use)."""

    field_class = forms.IntegerField


def scoped_choices(queryset: QuerySet):
    """`queryset` restricted to the requesting user's scope (nothing without a request)."""

    def choices(request):
        if request is None:
            return queryset.none()
        return queryset.for_user(request.user)

    return choices


class ScopedFilterSet(django_filters.FilterSet):
    """Base of every FilterSet of the portal (and, through PortalFilterBackend, of every `filterset_fields`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for filter_ in self.filters.values():
            queryset = getattr(filter_, "queryset", None)
            scoped = isinstance(queryset, QuerySet) and hasattr(queryset, "for_user")
            if isinstance(filter_, QuerySetRequestMixin) and scoped and queryset.model is Region:
                # a region filter: a searchable picker, counties then their townships in the official order
                multiple = isinstance(filter_, django_filters.ModelMultipleChoiceFilter)
                filter_.extra.setdefault("widget", RegionPickerMultiple() if multiple else RegionPicker())
                queryset = official_order(queryset)
            if isinstance(filter_, QuerySetRequestMixin) and scoped:
                filter_.queryset = scoped_choices(queryset)
            if isinstance(filter_, django_filters.NumberFilter):
                filter_.extra.setdefault("max_value", BIGINT_MAX)
                filter_.extra.setdefault("min_value", -BIGINT_MAX)


class PortalFilterBackend(DjangoFilterBackend):
    """DRF's filter backend with ScopedFilterSet as the base of the filtersets it builds from `filterset_fields`."""

    filterset_base = ScopedFilterSet
