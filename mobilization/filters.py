"""The filters of the call-up's lists, one place for the pages and the API.

Each FilterSet validates its parameters (a wrong value is a field error, which the API answers with 400 and a
page shows in its form) and filters a queryset the caller has already scoped with `for_user`.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.regions import township_for  # noqa: F401  (a township by code or id: once, in core)

from .choices import Attendance, Decision, MobilizationType, NoticeStatus, OrderStatus
from .models import CallUpOrder, Candidate, Notice

NOT_RECORDED = "none"


class TownshipField(forms.CharField):
    def clean(self, value):
        value = (super().clean(value) or "").strip()
        if not value:
            return None
        region = township_for(value)
        if region is None:
            raise ValidationError(_("No township has the code %(c)s.") % {"c": value})
        return region


class TownshipFilter(django_filters.Filter):
    field_class = TownshipField


def validated(filterset: django_filters.FilterSet):
    """The filtered queryset, or ValidationError with the field errors (400 in the API)."""
    if not filterset.is_valid():
        raise ValidationError({name: list(errors) for name, errors in filterset.errors.items()})
    return filterset.qs


class OrderFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices, label=gettext_lazy("Status"))
    mobilization_type = django_filters.ChoiceFilter(
        choices=MobilizationType.choices, label=gettext_lazy("mobilization type")
    )
    # Orders with a recall or correction of their notices waiting for an approver (the approver's worklist).
    change_waiting = django_filters.BooleanFilter(
        method="by_change_waiting", label=gettext_lazy("A recall or correction waits for a decision")
    )

    class Meta:
        model = CallUpOrder
        fields = ["status", "mobilization_type"]

    def by_change_waiting(self, queryset, name, value):
        from django.db.models import Exists, OuterRef

        from .models import OrderChange
        from .worklist import ChangeStatus

        waiting = Exists(OrderChange.objects.filter(order_id=OuterRef("pk"), status=ChangeStatus.PROPOSED))
        return queryset.filter(waiting) if value else queryset.exclude(waiting)


class CandidateFilterSet(django_filters.FilterSet):
    decision = django_filters.ChoiceFilter(choices=Decision.choices, method="by_decision")
    excluded = django_filters.BooleanFilter()

    class Meta:
        model = Candidate
        fields = ["decision", "excluded"]

    def by_decision(self, queryset, name, value):
        # Ordered as the (order, decision, id) index is, so the planner walks it instead of (order, id).
        return queryset.filter(decision=value).order_by("decision", "id")


class NoticeFilterSet(django_filters.FilterSet):
    township = TownshipFilter(field_name="township", label=gettext_lazy("Township"))
    status = django_filters.ChoiceFilter(choices=NoticeStatus.choices, label=gettext_lazy("Status"))
    attendance = django_filters.ChoiceFilter(
        choices=[*Attendance.choices, (NOT_RECORDED, gettext_lazy("Not recorded"))],
        method="by_attendance",
        label=gettext_lazy("Attendance"),
    )

    class Meta:
        model = Notice
        fields = ["township", "status", "attendance"]

    def by_attendance(self, queryset, name, value):
        if value == NOT_RECORDED:
            return queryset.filter(attendance__isnull=True)
        return queryset.filter(attendance=value)


def filter_notices(queryset, params):
    """The order's or the area's notices filtered by township, status and attendance (pages and API)."""
    return validated(NoticeFilterSet(params, queryset=queryset))


def filter_candidates(queryset, params):
    return validated(CandidateFilterSet(params, queryset=queryset))
