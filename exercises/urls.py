from django.urls import path

from . import views

app_name = "exercises"
urlpatterns = [
    path("", views.ExerciseListView.as_view(), name="list"),
    path("new/", views.ExerciseCreateView.as_view(), name="create"),
    path("<int:pk>/", views.ExerciseDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ExerciseUpdateView.as_view(), name="update"),
    path("<int:pk>/transition/", views.TransitionView.as_view(), name="transition"),
    path("<int:pk>/objectives/new/", views.ObjectiveCreateView.as_view(), name="objective-create"),
    path("<int:pk>/participants/new/", views.ParticipantCreateView.as_view(), name="participant-create"),
    path(
        "<int:pk>/participants/<int:participant>/handovers/",
        views.RecordHandoversView.as_view(),
        name="record-handovers",
    ),
    path("<int:pk>/objectives/<int:objective>/rate/", views.EvaluationCreateView.as_view(), name="evaluate"),
    path("<int:pk>/actions/new/", views.ActionCreateView.as_view(), name="action-create"),
    path("<int:pk>/report/", views.ReportRequestView.as_view(), name="report"),
    path("<int:pk>/report/<int:job>/download/", views.ReportDownloadView.as_view(), name="report-download"),
    path("actions/", views.ActionListView.as_view(), name="action-list"),
    path("actions/<int:pk>/", views.ActionDetailView.as_view(), name="action-detail"),
    path("actions/<int:pk>/edit/", views.ActionUpdateView.as_view(), name="action-update"),
    path("actions/<int:pk>/complete/", views.ActionCompleteView.as_view(), name="action-complete"),
]
