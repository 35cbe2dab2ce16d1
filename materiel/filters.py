"""One filterset per list, for the pages and the API alike."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import ScopedFilterSet
from core.models import Region

from .choices import Condition, RequirementStatus, RequisitionStatus, Sector, SurveyStatus
from .models import CountySurvey, Kind, Requirement, Requisition, RequisitionNotice, Resource


class CountyFilter(django_filters.ModelChoiceFilter):
    def __init__(self, field_name, **kwargs):
        super().__init__(
            label=_("County"),
            queryset=Region.objects.counties(),
            to_field_name="code",
            field_name=field_name,
            **kwargs,
        )


class ResourceFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Registration or description"), method="filter_q")
    sector = django_filters.ChoiceFilter(label=_("Sector"), choices=Sector.choices, field_name="kind__sector")
    kind = django_filters.ModelChoiceFilter(label=_("Kind"), queryset=Kind.objects.all(), to_field_name="code")
    county = CountyFilter("township__parent")
    township = django_filters.CharFilter(label=_("Township (zipcode)"), field_name="township__code")
    condition = django_filters.ChoiceFilter(label=_("Condition"), choices=Condition.choices)
    owner_organisation = django_filters.NumberFilter(label=_("Owner organisation"), field_name="owner_organisation_id")
    active = django_filters.BooleanFilter(label=_("In the registry"), field_name="is_active")

    class Meta:
        model = Resource
        fields = ["q", "sector", "kind", "county", "township", "condition", "owner_organisation", "active"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(registration=value.upper()) | Q(name__icontains=value))


class SurveyFilter(ScopedFilterSet):
    year = django_filters.NumberFilter(label=_("Year"), field_name="cycle__year")
    county = CountyFilter("county")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SurveyStatus.choices)

    class Meta:
        model = CountySurvey
        fields = ["year", "county", "status"]


class RequirementFilter(ScopedFilterSet):
    kind = django_filters.ModelChoiceFilter(label=_("Kind"), queryset=Kind.objects.all(), to_field_name="code")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RequirementStatus.choices)

    class Meta:
        model = Requirement
        fields = ["kind", "status"]


class RequisitionFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RequisitionStatus.choices)
    requirement = django_filters.NumberFilter(label=_("Requirement"), field_name="requirement_id")

    class Meta:
        model = Requisition
        fields = ["status", "requirement"]


class NoticeFilter(ScopedFilterSet):
    requisition = django_filters.NumberFilter(label=_("Requisition order"), field_name="requisition_id")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RequisitionNotice._meta.get_field("status").choices)

    class Meta:
        model = RequisitionNotice
        fields = ["requisition", "status"]
