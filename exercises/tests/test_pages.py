import datetime

import pytest
from django.urls import reverse

from core.testing import ScopedViewContract, logged_in

from ..choices import ActionStatus, ExerciseStatus
from ..models import CorrectiveAction, Evaluation, Exercise
from .factories import county_government, make_action, make_evaluation, make_exercise, make_objective

pytestmark = pytest.mark.django_db


class TestExerciseDetailPage(ScopedViewContract):
    def make_object(self, county):
        exercise = make_exercise(county, status=ExerciseStatus.IN_PROGRESS)
        make_evaluation(make_objective(exercise))
        make_action(exercise, owner=county_government(county.code))
        return exercise

    def url(self, obj):
        return reverse("exercises:detail", args=[obj.pk])


class TestActionDetailPage(ScopedViewContract):
    def make_object(self, county):
        return make_action(make_exercise(county), owner=county_government(county.code))

    def url(self, obj):
        return reverse("exercises:action-detail", args=[obj.pk])


class TestRatePage(ScopedViewContract):
    def make_object(self, county):
        return make_objective(make_exercise(county, status=ExerciseStatus.IN_PROGRESS))

    def url(self, obj):
        return reverse("exercises:evaluate", args=[obj.exercise_id, obj.pk])


def test_list_shows_own_county_only_with_bounded_queries(users, django_assert_max_num_queries):
    for i in range(8):
        make_exercise("TW-NWT", name=f"新北 {i}")
    make_exercise("TW-TPE", name="臺北演習")
    client = logged_in(users.county_a)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("exercises:list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "新北 7" in text
    assert "臺北演習" not in text


def test_action_list_bounded_queries(users, django_assert_max_num_queries):
    owner = county_government("TW-NWT")
    for i in range(8):
        make_action(make_exercise("TW-NWT", name=f"e{i}"), owner=owner, due_in_days=-i)
    client = logged_in(users.county_a)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("exercises:action-list"))
    assert response.status_code == 200


def test_detail_query_count_is_bounded(users, django_assert_max_num_queries):
    exercise = make_exercise("TW-NWT", status=ExerciseStatus.EVALUATING)
    for i in range(5):
        evaluation = make_evaluation(make_objective(exercise, description=f"objective {i}"))
        make_action(exercise, owner=county_government("TW-NWT"), evaluation=evaluation)
    client = logged_in(users.county_a)
    with django_assert_max_num_queries(22):
        response = client.get(reverse("exercises:detail", args=[exercise.pk]))
    assert response.status_code == 200


def test_plan_exercise_page(users):
    client = logged_in(users.county_a)
    from core.models import Region

    response = client.post(
        reverse("exercises:create"),
        {
            "exercise_type": "zi_qiang",
            "name": "自強演習",
            "start_date": "2026-05-01",
            "end_date": "2026-05-02",
            "regions": [Region.objects.get(code="TW-NWT").pk],
            "scenario": "颱風與戰災複合",
        },
    )
    assert response.status_code == 302
    exercise = Exercise.objects.get(name="自強演習")
    assert [r.code for r in exercise.regions.all()] == ["TW-NWT"]
    # Another county's region is not offered.
    response = client.post(
        reverse("exercises:create"),
        {
            "exercise_type": "other",
            "name": "越界",
            "start_date": "2026-05-01",
            "end_date": "2026-05-02",
            "regions": [Region.objects.get(code="TW-TPE").pk],
        },
    )
    assert response.status_code == 200
    assert not Exercise.objects.filter(name="越界").exists()


def test_rating_form_refuses_other_ratings(users):
    exercise = make_exercise("TW-NWT", status=ExerciseStatus.IN_PROGRESS)
    objective = make_objective(exercise, "first-aid-station")
    client = logged_in(users.county_a)
    url = reverse("exercises:evaluate", args=[exercise.pk, objective.pk])
    response = client.post(url, {"rating": "X", "strengths": "ok"})
    assert response.status_code == 200
    assert response.context["form"].errors["rating"]
    assert not Evaluation.objects.exists()
    response = client.post(
        url,
        {
            "rating": "M",
            "ordered_at": "2026-04-16T09:00",
            "opened_at": "2026-04-16T11:30",
            "areas_for_improvement": "慢",
        },
    )
    assert response.status_code == 302
    assert Evaluation.objects.get().duration == datetime.timedelta(minutes=150)


def test_close_refused_on_page_with_reason(users):
    exercise = make_exercise("TW-NWT", status=ExerciseStatus.EVALUATING)
    make_action(exercise, owner=None, description="無人負責")
    client = logged_in(users.county_a)
    response = client.post(reverse("exercises:transition", args=[exercise.pk]), {"status": "closed"}, follow=True)
    assert "無人負責" in response.content.decode()
    exercise.refresh_from_db()
    assert exercise.status == ExerciseStatus.EVALUATING


def test_complete_action_page_requires_evidence(users):
    action = make_action(make_exercise("TW-NWT"), owner=county_government("TW-NWT"))
    client = logged_in(users.county_a)
    url = reverse("exercises:action-complete", args=[action.pk])
    response = client.post(url, {"evidence": "  "})
    assert response.status_code == 200
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
    assert client.post(url, {"evidence": "照片與公文"}).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.COMPLETED
    assert logged_in(users.county_b).post(url, {"evidence": "x"}).status_code == 404


def test_overdue_listed_for_owner_county_not_another(users):
    exercise = make_exercise("TW-TXG")
    action = make_action(exercise, owner=county_government("TW-NWT"), due_in_days=-10, description="逾期改進事項")
    url = reverse("exercises:action-list") + "?overdue=on"
    assert "逾期改進事項" in logged_in(users.county_a).get(url).content.decode()
    assert "逾期改進事項" not in logged_in(users.county_b).get(url).content.decode()
    # Still listed after the exercise itself is closed, until the action is completed.
    Exercise.objects.filter(pk=exercise.pk).update(status=ExerciseStatus.CLOSED)
    assert "逾期改進事項" in logged_in(users.county_a).get(url).content.decode()
    CorrectiveAction.objects.filter(pk=action.pk).update(status="completed", evidence="done")
    assert "逾期改進事項" not in logged_in(users.county_a).get(url).content.decode()


def test_dashboard_panel_counts_overdue_in_scope(users):
    make_action(make_exercise("TW-NWT"), owner=county_government("TW-NWT"), due_in_days=-1)
    make_action(make_exercise("TW-TPE"), owner=county_government("TW-TPE"), due_in_days=-1)
    from ..dashboard import panels

    class Request:
        user = users.county_a

    overdue = panels(Request())[0].figures[-1]
    assert str(overdue.label) == "逾期的改進事項"
    assert (overdue.value, overdue.status) == (1, "bad")
    assert logged_in(users.county_a).get("/").status_code == 200
    assert panels(type("R", (), {"user": users.nobody})()) == []


def test_add_participant_page(users):
    from core.testing import organisation

    exercise = make_exercise("TW-NWT")
    org = organisation("t-agency-a")
    client = logged_in(users.county_a)
    url = reverse("exercises:participant-create", args=[exercise.pk])
    assert client.post(url, {"kind": "organisation", "organisation": org.pk, "role": "support"}).status_code == 302
    response = client.post(url, {"kind": "reserve_unit", "role": "player"})
    assert response.status_code == 200
    assert exercise.participants.count() == 1
    assert logged_in(users.county_b).get(url).status_code == 404


def test_closed_exercise_pages_refuse_changes(users):
    exercise = make_exercise("TW-NWT", status=ExerciseStatus.CLOSED)
    client = logged_in(users.county_a)
    assert client.get(reverse("exercises:update", args=[exercise.pk])).status_code == 404
    response = client.post(
        reverse("exercises:objective-create", args=[exercise.pk]), {"subject": 1, "description": "late"}
    )
    assert response.status_code == 200
    assert not exercise.objectives.exists()
