"""Roster import pages: upload, then the job's result with every row error listed."""

from django.http import Http404

from core.importing import template_response
from core.views.importing import ScopedImportView

from ..forms import ImportForm
from ..importing import RosterImport
from ..models import Team
from .common import portal_view


class RosterImportView(ScopedImportView):
    """/teams/<pk>/import/ and its result page /teams/<pk>/import/<job_id>/ (core.views.importing)."""

    permission_required = ["civil_defense.view_team", "civil_defense.add_member"]
    importer = RosterImport
    parent_model = Team
    parent_param = "team"
    form_class = ImportForm
    template_name = "civil_defense/roster_import.html"
    result_url_name = "civil_defense:roster-import-result"


roster_import = RosterImportView.as_view()
roster_import_result = RosterImportView.as_view()


@portal_view("civil_defense.view_team", methods=("GET",))
def roster_template(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return template_response(RosterImport, fmt)
