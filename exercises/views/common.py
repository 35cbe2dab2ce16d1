from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import FormView

from core.exceptions import TransitionRefused
from core.scope import OutOfScope, ensure_in_scope
from core.views import PortalPermissionMixin

from ..models import Exercise


def refuse(request, exc: TransitionRefused) -> None:
    messages.error(request, " ".join([str(exc.message), *[str(r.get("message", "")) for r in exc.reasons]]))


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
            with transaction.atomic():
                obj = self.save(form)
                ensure_in_scope(self.request.user, obj)
        except TransitionRefused as exc:
            refuse(self.request, exc)
            return self.form_invalid(form)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
            return self.form_invalid(form)
        except OutOfScope:
            form.add_error(None, _("This change would put the record outside your area; nothing was saved."))
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return HttpResponseRedirect(self.get_success_url())
