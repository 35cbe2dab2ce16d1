"""Shared page helpers: run a workflow action from a form and come back with its message."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.views.generic import View

from core.actions import ActionRefused
from core.exceptions import TransitionRefused
from core.scope import get_scoped_or_404
from core.views.base import PortalPermissionMixin


def run_action(request, action, obj, success: str, **params) -> bool:
    """Execute `action`; a refusal becomes an error message (the page shows why), never a server error."""
    try:
        action.execute(request.user, obj, **params)
    except ActionRefused as exc:
        if exc.check.status == 404:
            raise Http404 from exc
        if exc.check.status == 403:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied from exc
        messages.error(request, str(exc.message))
        return False
    except TransitionRefused as exc:
        messages.error(request, str(exc.message))
        return False
    messages.success(request, success)
    return True


class StepView(PortalPermissionMixin, View):
    """POST /<object>/<pk>/<step>/: one action of `actions` on the object within the user's scope."""

    model = None
    actions: dict = {}
    http_method_names = ["post"]

    def get_permission_required(self):
        return [f"{self.model._meta.app_label}.view_{self.model._meta.model_name}"]

    def post(self, request, pk, step):
        obj = get_scoped_or_404(self.model.objects, request.user, pk=pk)
        action = self.actions.get(step)
        if action is None:
            raise Http404
        params = self.params(request, step)
        if params is None:
            return HttpResponseRedirect(self.success_url(obj))
        run_action(request, action, obj, str(action.label), **params)
        return HttpResponseRedirect(self.success_url(obj))

    def params(self, request, step) -> dict | None:
        return {"note": request.POST.get("note", "")}

    def success_url(self, obj) -> str:
        return obj.get_absolute_url()
