"""The page of an import under one parent (a team's roster, an order's attendance, a county's survey): upload a file,
start the all-or-nothing `core.importing` job, then show its progress and every row problem. One view for every app;
an app sets its importer, parent and template:

    class RosterImportView(ScopedImportView):
        importer = RosterImport            # core.importing.Importer: kind, columns, permission
        parent_model = Team                # from the user's scope (else 404), see ScopedParentMixin
        parent_param = "team"              # the job's params key holding the parent's id
        form_class = ImportForm            # one `file` field
        template_name = "civil_defense/roster_import.html"   # includes "core/_import_job.html"
        result_url_name = "civil_defense:roster-import-result"   # (parent pk, job pk)

GET `<parent>/import/` shows the form; POST checks it (400 with the form's errors) and starts the job, then redirects
to the result URL; GET `<parent>/import/<job_id>/` shows the job: only the user's own job of this importer and this
parent, else 404. The template gets `form`, `columns`, the parent under its name and, on the result page, `job`,
`errors` (the first problems) and `error_count`.
"""

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.importing import start_import
from core.models import Job

from .base import ScopedParentMixin


class ScopedImportView(ScopedParentMixin, TemplateView):
    importer = None
    parent_param: str = ""
    form_class = None
    result_url_name: str = ""
    job_url_kwarg = "job_id"
    success_message = None  # shown once the job has succeeded (default: the job's own message)
    started_message = None  # shown after the upload when the next page does not show the job itself
    invalid_status = 400  # the form's answer when the upload is refused

    def get_form(self, data=None, files=None):
        return self.form_class(data, files)

    def import_params(self) -> dict:
        return {self.parent_param: self.get_parent().pk}

    def get_job(self) -> Job | None:
        job_id = self.kwargs.get(self.job_url_kwarg)
        if job_id is None:
            return None
        lookup = {f"params__{key}": value for key, value in self.import_params().items()}
        job = Job.objects.filter(pk=job_id, created_by=self.request.user, kind=self.importer.kind, **lookup).first()
        if job is None:
            raise Http404
        return job

    def get_success_url(self, job) -> str:
        return reverse(self.result_url_name, args=[self.get_parent().pk, job.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.get_form())
        context["columns"] = self.importer.columns
        job = self.get_job()
        if job is not None:
            result = job.result or {}
            context.update(job=job, errors=result.get("errors", []), error_count=result.get("error_count", 0))
        return context

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        job = context.get("job")
        if job is not None and job.status == "succeeded" and self.success_message is not False:
            messages.success(request, self.success_message or job.message or _("Imported."))
        return self.render_to_response(context)

    def post(self, request, *args, **kwargs):
        if self.kwargs.get(self.job_url_kwarg) is not None:
            return HttpResponseNotAllowed(["GET"])
        form = self.get_form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=self.invalid_status)
        job = start_import(self.importer, request.user, form.cleaned_data["file"], params=self.import_params())
        if self.started_message:
            messages.info(request, self.started_message)
        return HttpResponseRedirect(self.get_success_url(job))
