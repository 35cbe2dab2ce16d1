from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View

from core import downloads
from core.exceptions import TransitionRefused
from core.views import PortalPermissionMixin, ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView

from .. import services
from ..actions import STEPS
from ..choices import NEXT_STATUS, ExerciseStatus, ExerciseType, ParticipantKind
from ..forms import EvaluationForm, ExerciseForm, ObjectiveForm, ParticipantForm
from ..models import CorrectiveAction, Evaluation, Exercise, HandoverTime, Objective
from .common import ExerciseChildFormView, refuse


class ExerciseListView(ScopedListView):
    model = Exercise
    permission_required = "exercises.view_exercise"
    template_name = "exercises/exercise_list.html"
    paginate_by = 50

    def get_queryset(self):
        queryset = (
            super()
            .get_queryset()
            .select_related("lead_organisation")
            .prefetch_related("regions")
            .order_by("-start_date", "-id")
        )
        kind = self.request.GET.get("type")
        if kind in ExerciseType.values:
            queryset = queryset.filter(exercise_type=kind)
        status = self.request.GET.get("status")
        if status in ExerciseStatus.values:
            queryset = queryset.filter(status=status)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(types=ExerciseType.choices, statuses=ExerciseStatus.choices)
        return context


class ExerciseDetailView(ScopedDetailView):
    model = Exercise
    permission_required = "exercises.view_exercise"
    template_name = "exercises/exercise_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("lead_organisation")
            .prefetch_related(
                "regions",
                "participants__organisation",
                "participants__reserve_unit",
                "participants__civil_defense_team",
                "participants__ci_asset",
                "participants__requisition",
                Prefetch(
                    "objectives",
                    queryset=Objective.objects.select_related("subject").prefetch_related(
                        Prefetch("evaluations", queryset=Evaluation.objects.order_by("id"))
                    ),
                ),
                Prefetch("corrective_actions", queryset=CorrectiveAction.objects.select_related("owner")),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        exercise = self.object
        next_status = NEXT_STATUS.get(exercise.status)
        # The step button is what the workflow's check() allows (the exercise came from for_user already).
        step = STEPS.get(next_status)
        can_advance = bool(step and step.check_available(self.request.user, exercise, known_in_scope=True))
        drills = [p for p in exercise.participants.all() if p.kind == ParticipantKind.REQUISITION]
        times = list(
            HandoverTime.objects.filter(exercise=exercise).order_by("participant_id", "planned_at", "notice_number")
        )
        for participant in drills:
            participant.times = [t for t in times if t.participant_id == participant.pk]
            due = [t for t in participant.times if t.due]
            participant.due = len(due)
            participant.handed_over = sum(1 for t in due if t.handed_over_at)
            participant.on_time = sum(1 for t in due if t.on_time)
        context.update(
            drill_orders=drills,
            can_time_handovers=self.request.user.has_perm("exercises.add_evaluation") and exercise.editable,
            next_status=next_status,
            can_advance=can_advance,
            next_status_label=ExerciseStatus(next_status).label if next_status else "",
            close_refusals=services.close_refusals(exercise) if next_status == ExerciseStatus.CLOSED else [],
            report_jobs=list(services.report_jobs(exercise)[:5]),
            can_plan=self.request.user.has_perm("exercises.change_exercise") and exercise.editable,
            can_evaluate=self.request.user.has_perm("exercises.add_evaluation") and exercise.editable,
            can_raise=self.request.user.has_perm("exercises.add_correctiveaction") and exercise.editable,
        )
        return context


class ExerciseCreateView(ScopedCreateView):
    model = Exercise
    form_class = ExerciseForm
    permission_required = "exercises.add_exercise"
    template_name = "exercises/form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Plan an exercise")
        return context

    def get_success_url(self):
        return self.object.get_absolute_url()


class ExerciseUpdateView(ScopedUpdateView):
    model = Exercise
    form_class = ExerciseForm
    permission_required = "exercises.change_exercise"
    template_name = "exercises/form.html"

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not obj.editable:
            raise Http404
        return obj

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=_("Edit the exercise"), cancel_url=self.object.get_absolute_url())
        return context

    def get_success_url(self):
        return self.object.get_absolute_url()


class ObjectiveCreateView(ExerciseChildFormView):
    permission_required = "exercises.add_objective"
    form_class = ObjectiveForm

    @property
    def title(self):
        return _("Add an objective")

    def save(self, form):
        services.ensure_exercise_editable(self.get_exercise())
        form.instance.exercise = self.get_exercise()
        return form.save()


class ParticipantCreateView(ExerciseChildFormView):
    permission_required = "exercises.add_participant"
    form_class = ParticipantForm

    @property
    def title(self):
        return _("Add a participant")

    def save(self, form):
        services.ensure_exercise_editable(self.get_exercise())
        participant = form.save(commit=False)
        participant.exercise = self.get_exercise()
        participant.full_clean()
        participant.save()
        return participant


class EvaluationCreateView(ExerciseChildFormView):
    permission_required = "exercises.add_evaluation"
    form_class = EvaluationForm

    def get_objective(self) -> Objective:
        return get_object_or_404(self.get_exercise().objectives.select_related("subject"), pk=self.kwargs["objective"])

    @property
    def title(self):
        return _("Rate: %(objective)s") % {"objective": self.get_objective()}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["objective"] = self.get_objective()
        return kwargs

    def save(self, form):
        return services.record_evaluation(user=self.request.user, evaluation=form.save(commit=False))


class RecordHandoversView(PortalPermissionMixin, View):
    """Record in the evaluation the handover times of a participating drill requisition order."""

    permission_required = "exercises.add_evaluation"

    def post(self, request, pk, participant):
        exercise = get_object_or_404(Exercise.objects.for_user(request.user), pk=pk)
        try:
            rows = services.record_handover_times(
                user=request.user, exercise_id=exercise.pk, participant_id=participant
            )
        except TransitionRefused as exc:
            refuse(request, exc)
        else:
            messages.success(request, _("Handover times of %(n)s requisition notices recorded.") % {"n": len(rows)})
        return HttpResponseRedirect(exercise.get_absolute_url() + "#handovers")


class TransitionView(PortalPermissionMixin, View):
    permission_required = "exercises.change_exercise"

    def post(self, request, pk):
        exercise = get_object_or_404(Exercise.objects.for_user(request.user), pk=pk)
        try:
            services.advance_exercise(
                user=request.user, exercise_id=exercise.pk, to_status=request.POST.get("status", "")
            )
        except TransitionRefused as exc:
            refuse(request, exc)
        except ValueError:
            messages.error(request, _("Unknown status."))
        else:
            messages.success(request, _("Status changed."))
        return HttpResponseRedirect(exercise.get_absolute_url())


class ReportRequestView(PortalPermissionMixin, View):
    permission_required = "exercises.view_exercise"

    def post(self, request, pk):
        exercise = get_object_or_404(Exercise.objects.for_user(request.user), pk=pk)
        job = services.request_report(user=request.user, exercise_id=exercise.pk)
        messages.success(request, _("The after-action report is being prepared (job #%(id)s).") % {"id": job.pk})
        return HttpResponseRedirect(exercise.get_absolute_url() + "#reports")


class ReportDownloadView(PortalPermissionMixin, View):
    """Anyone who can see the exercise can download its reports (not only whoever asked for them)."""

    permission_required = "exercises.view_exercise"

    def get(self, request, pk, job):
        exercise = get_object_or_404(Exercise.objects.for_user(request.user), pk=pk)
        report = get_object_or_404(services.report_jobs(exercise), pk=job)
        return downloads.serve(request, report.result_file, content_type="application/pdf")
