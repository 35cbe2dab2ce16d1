"""Mounted at /api/exercises/. The fixed prefixes come first and exercise ids are digits only, so
`subjects/` and `corrective-actions/` are never taken for an exercise id."""

from rest_framework.routers import SimpleRouter

from .views import (
    CorrectiveActionViewSet,
    EvaluationViewSet,
    ExerciseViewSet,
    HandoverTimeViewSet,
    ObjectiveViewSet,
    ParticipantViewSet,
    SubjectViewSet,
)

router = SimpleRouter()
router.register("subjects", SubjectViewSet, basename="exercise-subject")
router.register("corrective-actions", CorrectiveActionViewSet, basename="exercise-action")
router.register(r"(?P<exercise_pk>\d+)/objectives", ObjectiveViewSet, basename="exercise-objective")
router.register(r"(?P<exercise_pk>\d+)/participants", ParticipantViewSet, basename="exercise-participant")
router.register(r"(?P<exercise_pk>\d+)/evaluations", EvaluationViewSet, basename="exercise-evaluation")
router.register(r"(?P<exercise_pk>\d+)/handover-times", HandoverTimeViewSet, basename="exercise-handover-time")
router.register("", ExerciseViewSet, basename="exercise")
urlpatterns = router.urls
