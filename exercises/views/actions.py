from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import FormView

from core.exceptions import TransitionRefused
from core.views import PortalPermissionMixin, ScopedDetailView, ScopedListView, ScopedUpdateView

from .. import metrics, services
from ..actions import CompleteAction
from ..choices import ActionStatus
from ..forms import ActionFilterForm, CompleteActionForm, CorrectiveActionEditForm, CorrectiveActionForm
from ..models import CorrectiveAction, Evaluation
from .common import ExerciseChildFormView, refuse


class ActionListView(ScopedListView):
    """The improvement plan across exercises; overdue actions stay here until closed with evidence."""

    model = CorrectiveAction
    permission_required = "exercises.view_correctiveaction"
    template_name = "exercises/action_list.html"
    paginate_by = 50

    def get_queryset(self):
        queryset = super().get_queryset().select_related("owner", "exercise").order_by("due_date", "id")
        self.filter_form = ActionFilterForm(self.request.GET or None)
        if self.filter_form.is_valid():
            data = self.filter_form.cleaned_data
            if data["status"]:
                queryset = queryset.filter(status=data["status"])
            if data["overdue"]:
                queryset = queryset.overdue()
        owner = self.request.GET.get("owner")
        if owner and owner.isdigit():
            queryset = queryset.filter(owner_id=int(owner))
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            filter_form=self.filter_form,
            overdue_by_organisation=metrics.overdue_by_organisation(user),
            overdue_by_county=metrics.overdue_by_county(user),
        )
        return context


class ActionDetailView(ScopedDetailView):
    model = CorrectiveAction
    permission_required = "exercises.view_correctiveaction"
    template_name = "exercises/action_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("owner", "exercise", "evaluation__objective__subject")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        # The form is offered when the workflow's check() allows closing (the action came from for_user).
        if CompleteAction().check_available(user, self.object, known_in_scope=True):
            context["complete_form"] = CompleteActionForm()
        context["can_edit"] = (
            user.has_perm("exercises.add_correctiveaction") and self.object.status != ActionStatus.COMPLETED
        )
        return context


class ActionCreateView(ExerciseChildFormView):
    """Raise a corrective action, usually from an evaluation's area for improvement (`?evaluation=<id>`)."""

    permission_required = "exercises.add_correctiveaction"
    form_class = CorrectiveActionForm

    @property
    def title(self):
        return _("Raise a corrective action")

    def get_evaluation(self):
        value = self.request.POST.get("evaluation") or self.request.GET.get("evaluation")
        if not value or not str(value).isdigit():
            return None
        return get_object_or_404(
            Evaluation.objects.filter(objective__exercise=self.get_exercise()).select_related("objective__subject"),
            pk=int(value),
        )

    def get_initial(self):
        initial = super().get_initial()
        evaluation = self.get_evaluation()
        if evaluation is not None:
            initial["description"] = evaluation.areas_for_improvement
        lead = self.get_exercise().lead_organisation_id
        if lead:
            initial.setdefault("owner", lead)
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["evaluation"] = self.get_evaluation()
        return context

    def save(self, form):
        services.ensure_exercise_editable(self.get_exercise())
        action = form.save(commit=False)
        action.exercise = self.get_exercise()
        action.evaluation = self.get_evaluation()
        action.full_clean()
        action.save()
        return action


class ActionUpdateView(ScopedUpdateView):
    model = CorrectiveAction
    form_class = CorrectiveActionEditForm
    permission_required = "exercises.add_correctiveaction"
    template_name = "exercises/form.html"

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if obj.status == ActionStatus.COMPLETED:
            raise Http404
        return obj

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=_("Edit the corrective action"), cancel_url=self.object.get_absolute_url())
        return context

    def get_success_url(self):
        return self.object.get_absolute_url()


class ActionCompleteView(PortalPermissionMixin, FormView):
    permission_required = "exercises.change_correctiveaction"
    form_class = CompleteActionForm
    template_name = "exercises/form.html"

    def get_action(self):
        return get_object_or_404(CorrectiveAction.objects.for_user(self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        action = self.get_action()
        context.update(title=_("Close the corrective action"), cancel_url=action.get_absolute_url(), object=action)
        return context

    def form_valid(self, form):
        action = self.get_action()
        try:
            services.complete_action(
                user=self.request.user, action_id=action.pk, evidence=form.cleaned_data["evidence"]
            )
        except ValidationError as exc:
            form.add_error("evidence", exc.messages)
            return self.form_invalid(form)
        except TransitionRefused as exc:
            refuse(self.request, exc)
            return HttpResponseRedirect(action.get_absolute_url())
        messages.success(self.request, _("The corrective action is closed."))
        return HttpResponseRedirect(action.get_absolute_url())
