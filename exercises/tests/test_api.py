import datetime

import pytest
from django.urls import reverse

from core.models import AuditEvent
from core.testing import ScopedAPIContract, api_client, organisation

from ..choices import ActionStatus, ExerciseStatus
from ..models import CorrectiveAction, Evaluation, Exercise, Objective, Subject
from .factories import county_government, make_action, make_evaluation, make_exercise, make_objective

pytestmark = pytest.mark.django_db

SUBJECT_CODES = {
    "command-control",
    "alert-issuing",
    "evacuation-shelter",
    "war-damage-rescue",
    "relief-station",
    "distribution-station",
    "first-aid-station",
    "essential-supplies",
    "emergency-production",
    "database-update",
}


class TestExerciseAPI(ScopedAPIContract):
    list_url = "/api/exercises/"

    def make_object(self, county):
        return make_exercise(county)

    def detail_url(self, obj):
        return f"/api/exercises/{obj.pk}/"


class TestCorrectiveActionAPI(ScopedAPIContract):
    list_url = "/api/exercises/corrective-actions/"

    def make_object(self, county):
        return make_action(make_exercise(county), owner=county_government(county.code))

    def detail_url(self, obj):
        return f"/api/exercises/corrective-actions/{obj.pk}/"


def test_exercise_fields_and_region_codes(users):
    exercise = make_exercise("TW-NWT", name="漢光")
    data = api_client(users.staff).get(f"/api/exercises/{exercise.pk}/").json()
    assert {"id", "name", "exercise_type", "start_date", "end_date", "regions", "status"} <= set(data)
    assert data["regions"] == ["TW-NWT"]
    assert data["status"] == "planning"


def test_create_exercise_with_region_codes(users):
    client = api_client(users.county_a)
    payload = {
        "name": "新北市城鎮韌性演習",
        "exercise_type": "urban_resilience",
        "start_date": "2026-04-16",
        "end_date": "2026-04-17",
        "regions": ["TW-NWT", "220"],
    }
    response = client.post("/api/exercises/", payload, format="json")
    assert response.status_code == 201, response.content
    assert sorted(response.json()["regions"]) == ["220", "TW-NWT"]
    # Another county's region is not a choice for a county official.
    response = client.post("/api/exercises/", {**payload, "regions": ["TW-TPE"]}, format="json")
    assert response.status_code == 400
    assert "regions" in response.json()
    assert Exercise.objects.count() == 1


def test_subjects_are_shipped_and_not_taken_for_an_exercise_id(users):
    response = api_client(users.county_a).get("/api/exercises/subjects/")
    assert response.status_code == 200
    rows = response.json()
    assert {row["code"] for row in rows} >= SUBJECT_CODES
    assert {"id", "code", "name"} <= set(rows[0])
    names = {row["code"]: row["name"] for row in rows}
    assert names["relief-station"] == "救濟站開設"
    assert api_client(users.county_a).get("/api/exercises/corrective-actions/").status_code == 200


def test_custom_subject_by_staff_only(users):
    payload = {"code": "cyber-resilience", "name_zh": "資通韌性", "name_en": "Cyber resilience"}
    assert api_client(users.county_a).post("/api/exercises/subjects/", payload).status_code == 403
    response = api_client(users.staff).post("/api/exercises/subjects/", payload)
    assert response.status_code == 201
    assert Subject.objects.get(code="cyber-resilience").builtin is False


def test_objectives_nested_under_exercise(users):
    exercise = make_exercise("TW-NWT")
    client = api_client(users.county_a)
    subject = Subject.objects.get(code="alert-issuing")
    response = client.post(
        f"/api/exercises/{exercise.pk}/objectives/", {"subject": subject.pk, "description": "15 分鐘內發放警報"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["subject"] == subject.pk
    listed = client.get(f"/api/exercises/{exercise.pk}/objectives/").json()
    assert [row["description"] for row in listed] == ["15 分鐘內發放警報"]
    other = make_exercise("TW-TPE")
    assert client.get(f"/api/exercises/{other.pk}/objectives/").status_code == 404
    response = client.post(f"/api/exercises/{other.pk}/objectives/", {"subject": subject.pk, "description": "x"})
    assert response.status_code == 404
    assert not Objective.objects.filter(exercise=other).exists()


@pytest.mark.parametrize("rating", ["X", "p", "PS", "", "1"])
def test_rating_outside_psmu_is_refused(users, rating):
    exercise = make_exercise("TW-NWT", status=ExerciseStatus.IN_PROGRESS)
    objective = make_objective(exercise)
    response = api_client(users.county_a).post(
        f"/api/exercises/{exercise.pk}/evaluations/",
        {"objective": objective.pk, "rating": rating, "observations": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "rating" in response.json()
    assert not Evaluation.objects.exists()


def test_rating_with_times_and_duration(users):
    exercise = make_exercise("TW-NWT", status=ExerciseStatus.IN_PROGRESS)
    objective = make_objective(exercise, "first-aid-station")
    client = api_client(users.county_a)
    url = f"/api/exercises/{exercise.pk}/evaluations/"
    payload = {
        "objective": objective.pk,
        "rating": "S",
        "observations": "開設順利",
        "ordered_at": "2026-04-16T09:00:00+08:00",
        "opened_at": "2026-04-16T10:15:00+08:00",
    }
    response = client.post(url, payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["duration_minutes"] == 75
    assert client.get(url).json()[0]["rating"] == "S"
    bad = {**payload, "opened_at": "2026-04-16T08:00:00+08:00"}
    assert client.post(url, bad, format="json").status_code == 400
    assert Evaluation.objects.count() == 1


def test_closed_exercise_cannot_be_rated(users):
    exercise = make_exercise("TW-NWT", status=ExerciseStatus.CLOSED)
    objective = make_objective(exercise)
    response = api_client(users.county_a).post(
        f"/api/exercises/{exercise.pk}/evaluations/", {"objective": objective.pk, "rating": "P"}, format="json"
    )
    assert response.status_code == 409
    assert not Evaluation.objects.exists()


def test_objective_of_another_exercise_cannot_be_rated_here(users):
    exercise = make_exercise("TW-NWT", status=ExerciseStatus.IN_PROGRESS)
    foreign = make_objective(make_exercise("TW-NWT", name="other", status=ExerciseStatus.IN_PROGRESS))
    response = api_client(users.county_a).post(
        f"/api/exercises/{exercise.pk}/evaluations/", {"objective": foreign.pk, "rating": "P"}, format="json"
    )
    assert response.status_code == 400


def test_close_refused_while_an_action_has_no_owner(users):
    exercise = make_exercise("TW-NWT", status=ExerciseStatus.EVALUATING)
    action = make_action(exercise, owner=None)
    client = api_client(users.county_a)
    events = AuditEvent.objects.count()
    response = client.post(f"/api/exercises/{exercise.pk}/close/")
    assert response.status_code == 409
    body = response.json()
    assert [r["code"] for r in body["reasons"]] == ["action_without_owner"]
    assert body["reasons"][0]["action"] == action.pk
    exercise.refresh_from_db()
    assert exercise.status == ExerciseStatus.EVALUATING
    assert exercise.closed_at is None
    assert AuditEvent.objects.count() == events

    client.patch(f"/api/exercises/corrective-actions/{action.pk}/", {"owner": county_government("TW-NWT").pk})
    response = client.post(f"/api/exercises/{exercise.pk}/close/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed"


def test_close_from_any_open_status_once_and_with_permission(users):
    exercise = make_exercise("TW-NWT", status=ExerciseStatus.PLANNING)
    make_action(exercise, owner=county_government("TW-NWT"))
    client = api_client(users.county_a)
    assert client.post(f"/api/exercises/{exercise.pk}/close/").json()["status"] == "closed"
    response = client.post(f"/api/exercises/{exercise.pk}/close/")
    assert response.status_code == 409
    assert response.json()["reasons"][0]["code"] == "wrong_status"
    evaluating = make_exercise("TW-NWT", status=ExerciseStatus.EVALUATING)
    assert api_client(users.approver).post(f"/api/exercises/{evaluating.pk}/close/").status_code == 403
    assert api_client(users.county_b).post(f"/api/exercises/{evaluating.pk}/close/").status_code == 404
    evaluating.refresh_from_db()
    assert evaluating.status == ExerciseStatus.EVALUATING


def test_transitions_one_step_at_a_time(users):
    exercise = make_exercise("TW-NWT")
    client = api_client(users.county_a)
    url = f"/api/exercises/{exercise.pk}/transition/"
    assert client.post(url, {"status": "in_progress"}).status_code == 409
    for status in ["ready", "in_progress", "evaluating", "closed"]:
        response = client.post(url, {"status": status})
        assert response.status_code == 200, response.content
        assert response.json()["status"] == status
    # A closed exercise's plan no longer changes.
    response = client.patch(f"/api/exercises/{exercise.pk}/", {"name": "changed"})
    assert response.status_code == 409
    assert client.patch(f"/api/exercises/{exercise.pk}/", {"status": "planning"}).status_code in (400, 409)


def test_status_not_changed_by_patch(users):
    exercise = make_exercise("TW-NWT")
    response = api_client(users.county_a).patch(f"/api/exercises/{exercise.pk}/", {"status": "evaluating"})
    assert response.status_code == 400
    exercise.refresh_from_db()
    assert exercise.status == ExerciseStatus.PLANNING


def test_action_fields_and_completion_needs_evidence(users):
    owner = county_government("TW-NWT")
    action = make_action(make_exercise("TW-NWT"), owner=owner)
    client = api_client(users.county_a)
    data = client.get(f"/api/exercises/corrective-actions/{action.pk}/").json()
    assert {"id", "exercise", "description", "owner", "due_date", "status"} <= set(data)
    assert data["owner"] == owner.pk
    url = f"/api/exercises/corrective-actions/{action.pk}/complete/"
    assert client.post(url, {"evidence": ""}).status_code == 400
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
    response = client.post(url, {"evidence": "府函 113 號"})
    assert response.status_code == 200
    assert response.json()["status"] == "completed"
    # The status itself is not writable.
    assert client.patch(f"/api/exercises/corrective-actions/{action.pk}/", {"status": "open"}).json()["status"] == (
        "completed"
    )


def test_agency_sees_and_closes_only_its_own_actions(users):
    agency_org = users.agency.profile.organisation
    mine = make_action(make_exercise("TW-TPE"), owner=agency_org)
    theirs = make_action(make_exercise("TW-TPE", name="b"), owner=county_government("TW-TPE"))
    client = api_client(users.agency)
    ids = {row["id"] for row in client.get("/api/exercises/corrective-actions/").json()["results"]}
    assert ids == {mine.pk}
    assert client.get(f"/api/exercises/{mine.exercise_id}/").status_code == 200
    assert client.get(f"/api/exercises/{theirs.exercise_id}/").status_code == 404
    assert client.patch(f"/api/exercises/corrective-actions/{mine.pk}/", {"description": "x"}).status_code == 403
    response = client.post(f"/api/exercises/corrective-actions/{mine.pk}/complete/", {"evidence": "完成"})
    assert response.status_code == 200
    response = client.post(f"/api/exercises/corrective-actions/{theirs.pk}/complete/", {"evidence": "完成"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ActionStatus.OPEN


def test_overdue_actions_show_for_the_owners_county_only(users):
    # A nationwide exercise led by the MND: the owner's county follows up its own overdue actions.
    national = make_exercise("TW-TXG", exercise_type="han_kuang")
    nwt_action = make_action(national, owner=county_government("TW-NWT"), due_in_days=-3)
    tpe_action = make_action(national, owner=county_government("TW-TPE"), due_in_days=-3)
    closed = make_action(
        national, owner=county_government("TW-NWT"), due_in_days=-3, status="completed", evidence="done"
    )
    national.status = ExerciseStatus.CLOSED
    national.save()

    def overdue_ids(user):
        rows = api_client(user).get("/api/exercises/corrective-actions/?overdue=true").json()["results"]
        return {row["id"] for row in rows}

    assert overdue_ids(users.county_a) == {nwt_action.pk}
    rows = api_client(users.county_a).get("/api/exercises/corrective-actions/overdue/").json()["results"]
    assert [(r["id"], r["is_overdue"]) for r in rows] == [(nwt_action.pk, True)]
    assert overdue_ids(users.county_b) == {tpe_action.pk}
    assert overdue_ids(users.staff) == {nwt_action.pk, tpe_action.pk}
    assert closed.pk not in overdue_ids(users.staff)


def test_list_query_counts_are_bounded(users, django_assert_max_num_queries):
    owner = county_government("TW-NWT")
    for i in range(12):
        exercise = make_exercise("TW-NWT", name=f"e{i}")
        make_action(exercise, owner=owner)
    client = api_client(users.county_a)
    with django_assert_max_num_queries(12):
        response = client.get("/api/exercises/")
    assert response.json()["count"] == 12
    with django_assert_max_num_queries(12):
        response = client.get("/api/exercises/corrective-actions/")
    assert response.json()["count"] == 12


def test_participants_organisation_and_reserve_unit(users):
    from core.models import Region
    from reservists.models import ReserveUnit

    exercise = make_exercise("TW-NWT")
    unit = ReserveUnit.objects.create(
        code="R-220", name="板橋後備營", region=Region.objects.get(code="220"), assembly_point="板橋國小"
    )
    client = api_client(users.county_a)
    url = f"/api/exercises/{exercise.pk}/participants/"
    org = organisation("t-agency-a")
    assert client.post(url, {"kind": "organisation", "organisation": org.pk, "role": "support"}).status_code == 201
    assert client.post(url, {"kind": "reserve_unit", "reserve_unit": unit.pk, "role": "player"}).status_code == 201
    assert client.post(url, {"kind": "reserve_unit", "role": "player"}).status_code == 400
    assert len(client.get(url).json()) == 2


def test_denied_write_changes_nothing(users):
    exercise = make_exercise("TW-NWT")
    client = api_client(users.county_b)
    assert client.patch(f"/api/exercises/{exercise.pk}/", {"name": "x"}).status_code == 404
    assert client.delete(f"/api/exercises/{exercise.pk}/").status_code == 404
    assert api_client(users.agency).post("/api/exercises/", {"name": "x"}).status_code == 403
    exercise.refresh_from_db()
    assert exercise.name != "x"
    assert Exercise.objects.count() == 1
    assert CorrectiveAction.objects.count() == 0


def test_schema_has_the_endpoints(users):
    response = api_client(users.admin).get(reverse("api-schema"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/exercises/{exercise_pk}/objectives/" in text
    assert "/api/exercises/{id}/close/" in text
    assert datetime.date.today()


def test_participants_civil_defense_team_and_ci_asset_within_scope(users):
    from cip.tests.factories import make_asset
    from civil_defense.tests.factories import make_team

    exercise = make_exercise("TW-NWT")
    client = api_client(users.county_a)
    url = f"/api/exercises/{exercise.pk}/participants/"
    team = make_team("TW-NWT")
    asset = make_asset("TW-NWT", operator=organisation("t-agency-a"))
    foreign_team = make_team("TW-TPE")
    assert client.post(url, {"kind": "civil_defense_team", "civil_defense_team": team.pk}).status_code == 201
    assert client.post(url, {"kind": "ci_asset", "ci_asset": asset.pk, "role": "support"}).status_code == 201
    response = client.post(url, {"kind": "civil_defense_team", "civil_defense_team": foreign_team.pk})
    assert response.status_code == 400
    assert client.post(url, {"kind": "ci_asset"}).status_code == 400
    rows = client.get(url).json()
    assert {(r["kind"], r["civil_defense_team"] or r["ci_asset"]) for r in rows} == {
        ("civil_defense_team", team.pk),
        ("ci_asset", asset.pk),
    }


def test_nested_lists_query_counts(users, django_assert_max_num_queries):
    exercise = make_exercise("TW-NWT", status=ExerciseStatus.IN_PROGRESS)
    for i in range(6):
        make_evaluation(make_objective(exercise, description=f"o{i}"))
    client = api_client(users.county_a)
    with django_assert_max_num_queries(10):
        assert len(client.get(f"/api/exercises/{exercise.pk}/objectives/").json()) == 6
    with django_assert_max_num_queries(10):
        assert len(client.get(f"/api/exercises/{exercise.pk}/evaluations/").json()) == 6


def test_each_step_writes_its_named_event(users):
    from core.models import AuditEvent

    exercise = make_exercise("TW-NWT")
    client = api_client(users.county_a)
    for status in ["ready", "in_progress", "evaluating", "closed"]:
        assert client.post(f"/api/exercises/{exercise.pk}/transition/", {"status": status}).status_code == 200
    rows = AuditEvent.objects.filter(object_id=exercise.pk, event__startswith="exercises.exercise.").order_by("id")
    assert [(e.event, e.before["status"], e.after["status"], e.username) for e in rows] == [
        ("exercises.exercise.readied", "planning", "ready", users.county_a.username),
        ("exercises.exercise.started", "ready", "in_progress", users.county_a.username),
        ("exercises.exercise.evaluating", "in_progress", "evaluating", users.county_a.username),
        ("exercises.exercise.closed", "evaluating", "closed", users.county_a.username),
    ]
