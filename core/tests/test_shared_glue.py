"""Shared glue lives once in core: pages under a scoped parent, the import-job page, township code -> region, the
refusal of unknown API parameters and the decision fields. Behaviour of each shared piece, and a grep that the old
per-app copies are gone."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from django.views.generic import TemplateView

from core import regions
from core.models import DecisionRecord, Job, Region
from core.testing import COUNTY_A, COUNTY_B, logged_in
from core.views import ScopedParentMixin

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
APPS = ["administration", "cip", "civil_defense", "exercises", "materiel", "mobilization", "reports", "reservists"]
APPS += ["selfservice"]


def app_sources(*subdirs: str):
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts or path.name == "demo.py":
                continue
            if subdirs and not (parts[1] in subdirs or parts[1:] in [(name,) for name in subdirs]):
                continue
            yield path, path.read_text(encoding="utf-8")


# ----- township code -> region ------------------------------------------------------------------------------------


def test_township_code_resolves_once_per_process(django_assert_num_queries):
    banqiao = Region.objects.get(code="220")
    regions.clear_code_cache()
    assert regions.township_id("220") == banqiao.pk
    with django_assert_num_queries(0):
        assert regions.township_id(" 220 ") == banqiao.pk
        assert regions.township_id("999") is None and regions.township_id("") is None
        assert regions.township_ids()["220"] == banqiao.pk
    ntpc = Region.objects.get(code=COUNTY_A)
    assert sorted(regions.county_township_ids("tw-nwt")) == sorted(ntpc.children.values_list("pk", flat=True))
    assert regions.county_township_ids("TW-XXX") == [0]


def test_region_by_code_and_township_for():
    assert regions.region_by_code("tw-nwt").code == COUNTY_A
    assert regions.region_by_code("220").name_zh == "板橋區"
    assert regions.region_by_code("nowhere") is None
    banqiao = Region.objects.get(code="220")
    assert regions.township_for("220") == banqiao
    assert regions.township_for(str(banqiao.pk)) == banqiao  # the pages' filter also takes an id
    assert regions.township_for(str(banqiao.pk), by_id=False) is None
    assert regions.township_for(str(Region.objects.get(code=COUNTY_A).pk)) is None  # a county is no township


def test_no_app_resolves_township_codes_itself():
    pattern = re.compile(r"Region\.objects[^\n]*values_list\(\"code\", \"(id|pk)\"\)|Region\.objects\.get\(code=")
    copies = [str(path) for path, text in app_sources() if pattern.search(text)]
    assert copies == []


# ----- pages under a scoped parent --------------------------------------------------------------------------------


class RegionChildPage(ScopedParentMixin, TemplateView):
    permission_required = "core.view_region"
    parent_model = Region
    parent_context_name = "area"
    template_name = "core/region_list.html"
    refuse_counties = False

    def check_parent(self, parent):
        if self.refuse_counties and parent.level == "county":
            raise PermissionDenied


def _call(user, pk, **attrs):
    request = RequestFactory().get("/x/")
    request.user = user
    view = RegionChildPage(**attrs)
    view.setup(request, pk=pk)
    return view, view.dispatch(request, pk=pk)


def test_scoped_parent_is_loaded_in_scope_else_404(users):
    mine = Region.objects.get(code="220")
    theirs = Region.objects.get(code=COUNTY_B)
    view, response = _call(users.county_a, mine.pk)
    assert response.status_code == 200 and view.area == mine and response.context_data["area"] == mine
    with pytest.raises(Http404):
        _call(users.county_a, theirs.pk)
    with pytest.raises(Http404):
        _call(users.county_a, 10**9)


def test_permission_comes_before_the_parent_and_its_state(users):
    with pytest.raises(PermissionDenied):
        _call(users.nobody, 10**9)  # 403, never "does it exist?"
    with pytest.raises(PermissionDenied):
        _call(users.county_a, Region.objects.get(code=COUNTY_A).pk, refuse_counties=True)
    request = RequestFactory().get("/x/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    view = RegionChildPage()
    view.setup(request, pk=1)
    assert view.dispatch(request, pk=1).status_code == 302  # to the login page


def test_no_view_loads_its_parent_in_dispatch_by_hand():
    pattern = re.compile(r"def dispatch\(self[^\n]*\n(?:[^\n]*\n){0,3}[^\n]*(get_scoped_or_404|get_object_or_404)\(")
    copies = [str(path) for path, text in app_sources("views", "views.py") if pattern.search(text)]
    assert copies == []


# ----- the import-job page ----------------------------------------------------------------------------------------


def test_import_page_result_is_only_the_users_own_job_of_that_parent(users, django_capture_on_commit_callbacks):
    from civil_defense.tests.factories import make_team

    team, other_team = make_team(), make_team()
    client = logged_in(users.county_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("civil_defense:roster-import", args=[team.pk]),
            {"file": SimpleUploadedFile("r.csv", b"national_id,name,position,phone,availability\n")},
        )
    job = Job.objects.get(kind="civil_defense.roster")
    assert response.status_code == 302
    assert response["Location"] == reverse("civil_defense:roster-import-result", args=[team.pk, job.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200 and 'id="import-job"' in page.content.decode()
    assert client.get(reverse("civil_defense:roster-import-result", args=[other_team.pk, job.pk])).status_code == 404
    other = logged_in(users.township)
    assert other.get(reverse("civil_defense:roster-import-result", args=[team.pk, job.pk])).status_code == 404
    assert client.post(reverse("civil_defense:roster-import-result", args=[team.pk, job.pk])).status_code == 405
    refused = client.post(reverse("civil_defense:roster-import", args=[team.pk]), {})
    assert refused.status_code == 400 and Job.objects.count() == 1


def test_every_pinned_import_page_is_the_core_view():
    from civil_defense.views.importing import RosterImportView
    from core.views.importing import ScopedImportView
    from materiel.views.survey import SurveyImportView
    from mobilization.views.notices import AttendanceUploadView

    for view in (RosterImportView, AttendanceUploadView, SurveyImportView):
        assert issubclass(view, ScopedImportView)
    starts = [str(path) for path, text in app_sources("views", "views.py") if "start_import(" in text]
    # the registry's and the accounts' import pages choose among several importers and have no parent
    assert sorted(Path(p).relative_to(ROOT).as_posix() for p in starts) == [
        "administration/views/accounts.py",
        "reservists/views/imports.py",
    ]


# ----- unknown API parameters -------------------------------------------------------------------------------------


def test_one_refusal_of_unknown_parameters():
    pattern = re.compile(r"def refuse_unknown\(|class Strict\w*Mixin|set\(request\.query_params\) -")
    copies = [str(path) for path, text in app_sources() if pattern.search(text)]
    assert copies == []


# ----- decision fields --------------------------------------------------------------------------------------------

# Moved into the topic packages by another change; they join DecisionRecord when that lands.
PENDING: set[str] = set()


def test_decisions_share_one_abstract_model_whose_decider_is_protected():
    decided = []
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if {"decided_by", "decided_at", "decision_comment"} <= names:
            decided.append(model)
            if model._meta.label_lower in PENDING:
                continue
            assert issubclass(model, DecisionRecord), model
            field = model._meta.get_field("decided_by")
            assert field.remote_field.on_delete is models.PROTECT, model
            assert str(field.verbose_name) == str(DecisionRecord._meta.get_field("decided_by").verbose_name)
    labels = {m._meta.label_lower for m in decided}
    assert {"mobilization.calluporder", "mobilization.annualprogramme", "mobilization.postponement"} <= labels
    assert {"reservists.residencemove", "civil_defense.shelterreleaserequest"} <= labels
