"""The import page: upload a CSV or XLSX file, follow the background job, download a template."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import FormView

from core.importing import start_import, template_response
from core.views import PortalPermissionMixin

from ..forms import ImportForm
from ..imports import IMPORTERS


class ImportView(PortalPermissionMixin, FormView):
    permission_required = "reservists.view_reservist"
    form_class = ImportForm
    template_name = "reservists/import.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not any(user.has_perm(cls.permission) for cls in IMPORTERS.values()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["importers"] = [
            (key, cls) for key, cls in IMPORTERS.items() if self.request.user.has_perm(cls.permission)
        ]
        return context

    def form_valid(self, form):
        importer = IMPORTERS[form.cleaned_data["kind"]]
        job = start_import(importer, self.request.user, form.cleaned_data["file"])
        return redirect("reservists:import-job", pk=job.pk)


def import_template(request, kind: str, fmt: str):
    importer = IMPORTERS.get(kind)
    if importer is None or fmt not in ("csv", "xlsx"):
        raise Http404
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm(importer.permission):
        raise PermissionDenied
    return template_response(importer, fmt)


def import_job(request, pk: int):
    """The import's progress bar, then its result: the row/column problems or the number of rows imported."""
    from django.contrib.auth.views import redirect_to_login
    from django.shortcuts import get_object_or_404, render

    from core.api.views import visible_jobs

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    kinds = [cls.kind for cls in IMPORTERS.values()]
    job = get_object_or_404(visible_jobs(request.user).filter(kind__in=kinds), pk=pk)
    return render(request, "reservists/import_job.html", {"job": job, "errors": (job.result or {}).get("errors", [])})
