from django.urls import path

from . import views

app_name = "civil_defense"
urlpatterns = [
    path("", views.TeamTreeView.as_view(), name="team-list"),
    path("teams/new/", views.TeamCreateView.as_view(), name="team-create"),
    path("teams/<int:pk>/", views.TeamDetailView.as_view(), name="team-detail"),
    path("teams/<int:pk>/edit/", views.TeamUpdateView.as_view(), name="team-update"),
    path("teams/<int:pk>/members/add/", views.member_add, name="member-add"),
    path("teams/<int:pk>/positions/add/", views.position_add, name="position-add"),
    path("teams/<int:pk>/import/", views.roster_import, name="roster-import"),
    path("teams/<int:pk>/import/<int:job_id>/", views.roster_import_result, name="roster-import-result"),
    path("roster-template.<str:fmt>", views.roster_template, name="roster-template"),
    path("positions/<int:pk>/delete/", views.position_delete, name="position-delete"),
    path("members/<int:pk>/", views.MemberDetailView.as_view(), name="member-detail"),
    path("members/<int:pk>/edit/", views.MemberUpdateView.as_view(), name="member-update"),
    path("members/<int:pk>/certificates/add/", views.certificate_add, name="certificate-add"),
    path("shelters/", views.ShelterListView.as_view(), name="shelter-list"),
    path("shelters/new/", views.ShelterCreateView.as_view(), name="shelter-create"),
    path("shelters/<int:pk>/", views.ShelterDetailView.as_view(), name="shelter-detail"),
    path("shelters/<int:pk>/edit/", views.ShelterUpdateView.as_view(), name="shelter-update"),
    path("shelters/<int:pk>/assign/", views.assign_view, name="shelter-assign"),
    path("reservists/<int:pk>/shelter/", views.reservist_shelter_view, name="reservist-shelter"),
    path("assignments/<int:pk>/release/", views.request_release_view, name="release-request"),
    path("releases/<int:pk>/decide/", views.decide_release_view, name="release-decide"),
    path("stations/", views.StationListView.as_view(), name="station-list"),
    path("stations/new/", views.StationCreateView.as_view(), name="station-create"),
    path("stations/<int:pk>/edit/", views.StationUpdateView.as_view(), name="station-update"),
    path("trainings/", views.TrainingCalendarView.as_view(), name="training-calendar"),
    path("trainings/new/", views.TrainingCreateView.as_view(), name="training-create"),
    path("trainings/<int:pk>/", views.TrainingDetailView.as_view(), name="training-detail"),
    path("readiness/", views.ReadinessView.as_view(), name="readiness"),
]
