from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import FormView

from core.exceptions import TransitionRefused
from core.views import PortalPermissionMixin, save_in_scope, show_refusal

from ..models import Exercise

# A refused step as a page message: once, in core.
refuse = show_refusal


class ExerciseChildFormView(PortalPermissionMixin, FormView):
    """A form that adds something to one exercise within the user's scope (out of scope -> 404)."""

    template_name = "exercises/form.html"
    title = ""
    require_editable = True

    def get_exercise(self) -> Exercise:
        if not hasattr(self, "exercise"):
            self.exercise = get_object_or_404(Exercise.objects.for_user(self.request.user), pk=self.kwargs["pk"])
        return self.exercise

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(exercise=self.get_exercise(), title=self.title, cancel_url=self.get_success_url())
        return context

    def get_success_url(self):
        return self.get_exercise().get_absolute_url()

    def save(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            if save_in_scope(self.request.user, form, self.save) is None:
                return self.form_invalid(form)
        except TransitionRefused as exc:
            refuse(self.request, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return HttpResponseRedirect(self.get_success_url())
