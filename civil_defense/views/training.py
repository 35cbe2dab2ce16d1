"""Stations (relief, distribution, first aid) and the training calendar with attendance."""

import calendar
import datetime

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.views import ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView

from ..choices import StationKind
from ..forms import AttendanceForm, StationForm, TrainingForm
from ..models import Station, TrainingAttendance, TrainingSession


class StationListView(ScopedListView):
    model = Station
    permission_required = "civil_defense.view_station"
    template_name = "civil_defense/station_list.html"
    paginate_by = 100

    def get_queryset(self):
        queryset = super().get_queryset().select_related("township__parent").prefetch_related("teams")
        kind = self.request.GET.get("kind")
        if kind in StationKind.values:
            queryset = queryset.filter(kind=kind)
        return queryset.order_by("township__code", "kind", "name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(kinds=StationKind.choices, selected_kind=self.request.GET.get("kind", ""))
        return context


class StationCreateView(ScopedCreateView):
    model = Station
    form_class = StationForm
    permission_required = "civil_defense.add_station"
    template_name = "civil_defense/form.html"
    extra_context = {"title": gettext_lazy("New station")}

    def get_success_url(self):
        return reverse("civil_defense:station-list")


class StationUpdateView(ScopedUpdateView):
    model = Station
    form_class = StationForm
    permission_required = "civil_defense.change_station"
    template_name = "civil_defense/form.html"
    extra_context = {"title": gettext_lazy("Edit station")}

    def get_success_url(self):
        return reverse("civil_defense:station-list")


def _month(request) -> datetime.date:
    value = request.GET.get("month", "")
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


class TrainingCalendarView(ScopedListView):
    """A month of sessions, as a calendar grid (weeks × days)."""

    model = TrainingSession
    permission_required = "civil_defense.view_trainingsession"
    template_name = "civil_defense/training_calendar.html"
    paginate_by = None

    def get_queryset(self):
        self.month = _month(self.request)
        last = calendar.monthrange(self.month.year, self.month.month)[1]
        return (
            super()
            .get_queryset()
            .filter(date__gte=self.month, date__lte=self.month.replace(day=last))
            .select_related("team")
            .order_by("date", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        by_day: dict = {}
        for session in context["object_list"]:
            by_day.setdefault(session.date, []).append(session)
        weeks = []
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(self.month.year, self.month.month):
            weeks.append([(day, day.month == self.month.month, by_day.get(day, [])) for day in week])
        previous = (self.month - datetime.timedelta(days=1)).replace(day=1)
        following = (self.month + datetime.timedelta(days=32)).replace(day=1)
        context.update(
            month=self.month,
            weeks=weeks,
            previous=previous.strftime("%Y-%m"),
            following=following.strftime("%Y-%m"),
            weekdays=[_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
        )
        return context


class TrainingCreateView(ScopedCreateView):
    model = TrainingSession
    form_class = TrainingForm
    permission_required = "civil_defense.add_trainingsession"
    template_name = "civil_defense/form.html"
    extra_context = {"title": gettext_lazy("New training session")}

    def get_success_url(self):
        return reverse("civil_defense:training-detail", args=[self.object.pk])


class TrainingDetailView(ScopedDetailView):
    """A session and its attendance (ticked on this page)."""

    model = TrainingSession
    permission_required = "civil_defense.view_trainingsession"
    template_name = "civil_defense/training_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("team")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attended = list(self.object.attendance.values_list("member_id", flat=True))
        context["form"] = kwargs.get("form") or AttendanceForm(
            session=self.object, user=self.request.user, initial={"members": attended}
        )
        context["attended_count"] = len(attended)
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perms(
            ["civil_defense.add_trainingattendance", "civil_defense.delete_trainingattendance"]
        ):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        self.object = self.get_object()
        form = AttendanceForm(request.POST, session=self.object, user=request.user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        chosen = {m.pk for m in form.cleaned_data["members"]}
        with transaction.atomic():
            TrainingAttendance.objects.filter(session=self.object).exclude(member_id__in=chosen).delete()
            TrainingAttendance.objects.bulk_create(
                [TrainingAttendance(session=self.object, member_id=pk) for pk in chosen], ignore_conflicts=True
            )
        messages.success(request, _("Attendance saved."))
        return redirect("civil_defense:training-detail", pk=self.object.pk)
