import django_filters
from django import forms


class IntegerFilter(django_filters.NumberFilter):
    """A whole-number filter (django-filter's NumberFilter takes decimals, which date parts can't use)."""

    field_class = forms.IntegerField
