from .actions import ActionCompleteView, ActionCreateView, ActionDetailView, ActionListView, ActionUpdateView
from .exercises import (
    EvaluationCreateView,
    ExerciseCreateView,
    ExerciseDetailView,
    ExerciseListView,
    ExerciseUpdateView,
    ObjectiveCreateView,
    ParticipantCreateView,
    RecordHandoversView,
    ReportDownloadView,
    ReportRequestView,
    TransitionView,
)

__all__ = [
    "ActionCompleteView",
    "ActionCreateView",
    "ActionDetailView",
    "ActionListView",
    "ActionUpdateView",
    "EvaluationCreateView",
    "ExerciseCreateView",
    "ExerciseDetailView",
    "ExerciseListView",
    "ExerciseUpdateView",
    "ObjectiveCreateView",
    "ParticipantCreateView",
    "RecordHandoversView",
    "ReportDownloadView",
    "ReportRequestView",
    "TransitionView",
]
