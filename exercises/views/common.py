from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from core.exceptions import TransitionRefused
from core.views import ScopedParentMixin, save_in_scope, show_refusal

from ..models import Exercise

# A refused step as a page message: once, in core.
refuse = show_refusal


class ExerciseChildFormView(ScopedParentMixin, FormView):
    """A form that adds something to one exercise within the user's scope (out of scope -> 404)."""

    template_name = "exercises/form.html"
    title = ""
    require_editable = True
    parent_model = Exercise  # self.exercise, from the user's scope (core.views.ScopedParentMixin)

    def get_exercise(self) -> Exercise:
        return self.get_parent()

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
