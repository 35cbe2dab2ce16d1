"""Searchable region pickers: counties then their townships in the official order, named (新北市板橋區, never
"220"), filtered as one types ("板橋").

The widget is Tom Select, served from an installed package (django-tomselect ships it under
django_tomselect/vendor, with its own bundle django_tomselect/js/django-tomselect.min.js that defines
window.TomSelect): no CDN, and nothing inline, so the page's CSP (script-src 'self') allows it. The <select> stays
a plain <select> (it works, and submits, without JavaScript); core/js/widgets.js loads Tom Select only on pages
that have one and turns each `data-region-picker` select into a searchable one.
"""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Region

TOMSELECT_JS = "django_tomselect/js/django-tomselect.min.js"
TOMSELECT_CSS = "django_tomselect/vendor/tom-select/css/tom-select.default.min.css"


def region_label(region: Region) -> str:
    """新北市 for a county, 新北市板橋區 for a township (its county must be loaded: select_related("parent"))."""
    return str(region)


def official_order(queryset: QuerySet) -> QuerySet:
    """Regions with their counties loaded, in the official order (core.regions: each county, then its townships)."""
    return queryset.select_related("parent").order_by("position", "code")


def picker_attrs(attrs) -> dict:
    """The attributes that make a <select> a picker, with the widget's own words in the reader's language (Tom
    Select's buttons and messages are English otherwise)."""
    return {
        **(attrs or {}),
        "data-region-picker": "1",
        "data-no-results": _("No region matches."),
        "data-clear-title": _("Clear"),
        "data-remove-title": _("Remove"),
    }


class RegionPicker(forms.Select):
    """One region, searchable."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(picker_attrs(attrs), choices)


class RegionPickerMultiple(forms.SelectMultiple):
    """Several regions, searchable, each removable: no Ctrl-click."""

    def __init__(self, attrs=None, choices=()):
        attrs = picker_attrs(attrs)
        attrs.pop("size", None)
        super().__init__(attrs, choices)


def is_region_field(field) -> bool:
    queryset = getattr(field, "queryset", None)
    return isinstance(queryset, QuerySet) and queryset.model is Region


def region_pickers(form) -> None:
    """Every region choice of `form` becomes a picker in the official order with names for labels."""
    for field in form.fields.values():
        if not is_region_field(field):
            continue
        multiple = isinstance(field, forms.ModelMultipleChoiceField)
        if not isinstance(field.widget, (RegionPicker, RegionPickerMultiple, forms.HiddenInput)):
            attrs = {k: v for k, v in field.widget.attrs.items() if k != "size"}
            field.widget = RegionPickerMultiple(attrs) if multiple else RegionPicker(attrs)
        field.queryset = official_order(field.queryset)
        field.label_from_instance = region_label
