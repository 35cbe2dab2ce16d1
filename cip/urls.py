from django.urls import path

from . import views

app_name = "cip"
urlpatterns = [
    path("", views.AssetListView.as_view(), name="asset-list"),
    path("assets/new/", views.AssetCreateView.as_view(), name="asset-create"),
    path("assets/<int:pk>/", views.AssetDetailView.as_view(), name="asset-detail"),
    path("assets/<int:pk>/edit/", views.AssetUpdateView.as_view(), name="asset-update"),
    path("assets/<int:pk>/contacts/new/", views.ContactCreateView.as_view(), name="contact-create"),
    path("assets/<int:pk>/dependencies/new/", views.DependencyCreateView.as_view(), name="dependency-create"),
    path("assets/<int:pk>/assessments/new/", views.AssessmentCreateView.as_view(), name="assessment-create"),
    path("assets/<int:pk>/plans/new/", views.PlanCreateView.as_view(), name="plan-create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path("plans/<int:pk>/edit/", views.PlanUpdateView.as_view(), name="plan-update"),
    path("plans/<int:pk>/units/new/", views.PlanUnitCreateView.as_view(), name="plan-unit-create"),
    path("plans/<int:pk>/<slug:action>/", views.PlanTransitionView.as_view(), name="plan-transition"),
    path("risk-matrix/", views.RiskMatrixView.as_view(), name="risk-matrix"),
    path("map/", views.MapView.as_view(), name="map"),
    path("overdue/", views.OverdueListView.as_view(), name="overdue"),
    path("plans/review/", views.PlansToReviewView.as_view(), name="plans-to-review"),
    path("sectors/", views.SectorListView.as_view(), name="sector-list"),
    path("sectors/<slug:code>/edit/", views.SectorUpdateView.as_view(), name="sector-update"),
]
