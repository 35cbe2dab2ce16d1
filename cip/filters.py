"""One filterset for the asset registry page and the assets API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import ScopedFilterSet
from core.models import Region

from .choices import AssetLevel, AssetStatus, RiskLevel
from .models import Asset, Sector, SubSector

ALL = _("All")


class AssetFilter(ScopedFilterSet):
    """Every choice starts at "All" (not "---------"), and "assessment overdue" reads all / overdue / not overdue
    (not "unknown")."""

    q = django_filters.CharFilter(label=_("Name contains"), method="filter_q")
    sector = django_filters.ModelChoiceFilter(
        label=_("Sector"), queryset=Sector.objects.all(), to_field_name="code", field_name="sector", empty_label=ALL
    )
    subsector = django_filters.ModelChoiceFilter(
        label=_("Sub-sector"),
        queryset=SubSector.objects.all(),
        to_field_name="code",
        field_name="subsector",
        empty_label=ALL,
    )
    level = django_filters.ChoiceFilter(label=_("Control level"), choices=AssetLevel.choices, empty_label=ALL)
    county = django_filters.ModelChoiceFilter(
        label=_("County"),
        queryset=Region.objects.counties(),
        to_field_name="code",
        field_name="township__parent",
        empty_label=ALL,
    )
    risk_level = django_filters.ChoiceFilter(label=_("Risk level"), choices=RiskLevel.choices, empty_label=ALL)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AssetStatus.choices, empty_label=ALL)
    likelihood = django_filters.NumberFilter(label=_("Likelihood"))
    impact = django_filters.NumberFilter(label=_("Impact"))
    operator = django_filters.NumberFilter(label=_("Operator"), field_name="operator_id")
    overdue = django_filters.BooleanFilter(
        label=_("Assessment overdue"),
        method="filter_overdue",
        widget=forms.Select(choices=[("", ALL), ("true", _("Overdue only")), ("false", _("Not overdue"))]),
    )

    class Meta:
        model = Asset
        fields = ["q", "sector", "subsector", "level", "county", "risk_level", "status", "likelihood", "impact"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value)) if value else queryset

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        return queryset.overdue(today) if value else queryset.exclude(assessment_due_on__lt=today)
