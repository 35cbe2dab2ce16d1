from django.urls import path

from . import views

app_name = "materiel"
urlpatterns = [
    path("", views.ResourceListView.as_view(), name="resource-list"),
    path("resources/new/", views.ResourceCreateView.as_view(), name="resource-create"),
    path("resources/<int:pk>/", views.ResourceDetailView.as_view(), name="resource-detail"),
    path("resources/<int:pk>/edit/", views.ResourceUpdateView.as_view(), name="resource-update"),
    path("kinds/", views.KindListView.as_view(), name="kind-list"),
    path("surveys/", views.SurveyListView.as_view(), name="survey-list"),
    path("surveys/open/", views.CycleCreateView.as_view(), name="cycle-create"),
    path("surveys/template.<str:fmt>", views.survey_template, name="survey-template"),
    path("surveys/<int:pk>/", views.SurveyDetailView.as_view(), name="survey-detail"),
    path("surveys/<int:pk>/import/", views.SurveyImportView.as_view(), name="survey-import"),
    path("surveys/<int:pk>/<slug:step>/", views.SurveyStepView.as_view(), name="survey-step"),
    path("requirements/", views.RequirementListView.as_view(), name="requirement-list"),
    path("requirements/new/", views.RequirementCreateView.as_view(), name="requirement-create"),
    path("requirements/<int:pk>/", views.RequirementDetailView.as_view(), name="requirement-detail"),
    path("requirements/<int:pk>/requisition/", views.RequisitionCreateView.as_view(), name="requisition-create"),
    path("requirements/<int:pk>/<slug:step>/", views.RequirementStepView.as_view(), name="requirement-step"),
    path("requisitions/", views.RequisitionListView.as_view(), name="requisition-list"),
    path("requisitions/<int:pk>/", views.RequisitionDetailView.as_view(), name="requisition-detail"),
    path("requisitions/<int:pk>/<slug:step>/", views.RequisitionStepView.as_view(), name="requisition-step"),
    path("conflicts/<int:pk>/accept/", views.ConflictAcceptView.as_view(), name="conflict-accept"),
    path("notices/", views.NoticeListView.as_view(), name="notice-list"),
    path("notices/<int:pk>/", views.NoticeDetailView.as_view(), name="notice-detail"),
    path("notices/<int:pk>/pdf/", views.NoticePdfView.as_view(), name="notice-pdf"),
    path("notices/<int:pk>/<slug:step>/", views.NoticeStepView.as_view(), name="notice-step"),
]
