"""Roster import pages: upload, then the job's result with every row error listed."""

from django.http import Http404

from core.importing import template_response
from core.views.importing import ScopedImportView

from ..forms import ImportForm
from ..importing import RosterImport
from ..models import Team
from .common import portal_view


def positions_of(team) -> list[str]:
    return list(team.positions.order_by("position").values_list("position", flat=True))


class RosterImportView(ScopedImportView):
    """/teams/<pk>/import/ and its result page /teams/<pk>/import/<job_id>/ (core.views.importing)."""

    permission_required = ["civil_defense.view_team", "civil_defense.add_member"]
    importer = RosterImport
    parent_model = Team
    parent_param = "team"
    form_class = ImportForm
    template_name = "civil_defense/roster_import.html"
    result_url_name = "civil_defense:roster-import-result"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["positions"] = positions_of(self.get_parent())  # the establishment a row's position must name
        return context


roster_import = RosterImportView.as_view()
roster_import_result = RosterImportView.as_view()


@portal_view("civil_defense.view_team", methods=("GET",))
def roster_template(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return template_response(RosterImport, fmt)
