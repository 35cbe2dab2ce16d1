"""Roster import pages: upload, then the job's result with every row error listed."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.importing import start_import, template_response
from core.models import Job

from ..forms import ImportForm
from ..importing import RosterImport
from ..models import Team
from .common import portal_view, scoped


def positions_of(team) -> list[str]:
    return list(team.positions.order_by("position").values_list("position", flat=True))


@portal_view("civil_defense.view_team", "civil_defense.add_member")
def roster_import(request, pk):
    team = scoped(Team, request, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = start_import(RosterImport, request.user, form.cleaned_data["file"], params={"team": team.pk})
        return redirect("civil_defense:roster-import-result", pk=team.pk, job_id=job.pk)
    return render(
        request,
        "civil_defense/roster_import.html",
        {"team": team, "form": form, "columns": RosterImport.columns, "positions": positions_of(team)},
        status=400 if request.method == "POST" else 200,
    )


@portal_view("civil_defense.view_team", "civil_defense.add_member", methods=("GET",))
def roster_import_result(request, pk, job_id):
    team = scoped(Team, request, pk)
    job = Job.objects.filter(pk=job_id, created_by=request.user, kind=RosterImport.kind, params__team=team.pk).first()
    if job is None:
        raise Http404
    if job.status == "succeeded":
        messages.success(request, job.message or _("Imported."))
    return render(
        request,
        "civil_defense/roster_import.html",
        {
            "team": team,
            "form": ImportForm(),
            "columns": RosterImport.columns,
            "positions": positions_of(team),
            "job": job,
            "errors": (job.result or {}).get("errors", []),
            "error_count": (job.result or {}).get("error_count", 0),
        },
    )


@portal_view("civil_defense.view_team", methods=("GET",))
def roster_template(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return template_response(RosterImport, fmt)
