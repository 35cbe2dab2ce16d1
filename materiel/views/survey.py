"""The annual capacity survey: the status of every county, one county's survey with its import and the change
since last year, and the steps submit / accept / return."""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from core.actions import available
from core.importing import template_response
from core.models import Job
from core.views import ScopedDetailView, ScopedListView
from core.views.base import PortalPermissionMixin
from core.views.importing import ScopedImportView

from .. import services
from ..choices import SurveyStatus
from ..filters import SurveyFilter
from ..forms import CycleForm, ImportForm, NoteForm
from ..importing import SurveyImport
from ..models import CountySurvey
from .base import StepView


class SurveyListView(ScopedListView):
    model = CountySurvey
    permission_required = "materiel.view_countysurvey"
    filterset_class = SurveyFilter
    template_name = "materiel/survey_list.html"
    paginate_by = 100

    def get_queryset(self):
        return super().get_queryset().select_related("cycle", "county").order_by("-cycle__year", "county__code")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(
            CountySurvey.objects.for_user(self.request.user)
            .filter(cycle__year=timezone.localdate().year)
            .values("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        context["status_counts"] = [(label, counts.get(value, 0)) for value, label in SurveyStatus.choices]
        context["can_open"] = self.request.user.has_perm("materiel.add_surveycycle")
        return context


class SurveyDetailView(ScopedDetailView):
    model = CountySurvey
    permission_required = "materiel.view_countysurvey"
    template_name = "materiel/survey_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("cycle", "county", "submitted_by", "accepted_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        survey, user = self.object, self.request.user
        context["changes"] = services.changes_since_last_year(survey)
        context["steps"] = {k: c for k, c in available(user, survey, services.SURVEY_ACTIONS).items() if c.allowed}
        editable = survey.status in (SurveyStatus.NOT_STARTED, SurveyStatus.IN_PROGRESS)
        context["can_import"] = editable and user.has_perm(SurveyImport.permission)
        context["import_form"] = ImportForm() if context["can_import"] else None
        context["note_form"] = NoteForm()
        context["last_import"] = (
            Job.objects.filter(kind=SurveyImport.kind, params__survey=survey.pk).order_by("-id").first()
        )
        return context


class SurveyImportView(ScopedImportView):
    """Upload a county's survey file; the job's result is shown on the survey's page (core.views.importing)."""

    permission_required = SurveyImport.permission
    template_name = "materiel/form.html"
    importer = SurveyImport
    parent_model = CountySurvey
    parent_context_name = "survey"
    parent_param = "survey"
    form_class = ImportForm
    invalid_status = 200  # as the page's other forms
    started_message = gettext_lazy("The file is being checked; nothing is written unless every row is right.")

    def get_success_url(self, job):
        return reverse("materiel:survey-detail", args=[self.survey.pk])


def survey_template(request, fmt):
    from django.core.exceptions import PermissionDenied

    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("materiel.view_countysurvey"):
        raise PermissionDenied
    return template_response(SurveyImport, "xlsx" if fmt == "xlsx" else "csv")


class SurveyStepView(StepView):
    model = CountySurvey
    actions = services.SURVEY_ACTIONS

    def success_url(self, obj):
        return reverse("materiel:survey-detail", args=[obj.pk])


class CycleCreateView(PortalPermissionMixin, FormView):
    permission_required = "materiel.add_surveycycle"
    form_class = CycleForm
    template_name = "materiel/form.html"

    def get_initial(self):
        year = timezone.localdate().year
        return {"year": year, "opens_on": f"{year}-03-01", "closes_on": f"{year}-06-30"}

    def form_valid(self, form):
        services.open_cycle(user=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The survey is open for every county."))
        return HttpResponseRedirect(reverse("materiel:survey-list"))
