from django.urls import path

from . import views

urlpatterns = [
    path("notices/<int:pk>/step/<str:name>/", views.NoticeStepView.as_view(), name="notice-step"),
    path("orders/<int:pk>/step/<str:name>/", views.OrderStepView.as_view(), name="order-step"),
    path("exemptions/", views.ExemptionListView.as_view(), name="exemption-list"),
    path("exemptions/<int:pk>/<str:decision>/", views.ExemptionDecisionView.as_view(), name="exemption-decide"),
    path("exemption-documents/<int:pk>/", views.ExemptionDocumentView.as_view(), name="exemption-document"),
    path("changes/<int:pk>/<str:decision>/", views.ChangeDecisionView.as_view(), name="change-decide"),
    path("changes/<int:pk>/letters/<str:township>.pdf", views.ChangeLettersView.as_view(), name="change-letters"),
    path("no-show-cases/", views.CaseListView.as_view(), name="case-list"),
    path("no-show-cases.csv", views.CaseCsvView.as_view(), name="case-csv"),
    path("no-show-cases/<int:pk>/", views.CaseDetailView.as_view(), name="case-detail"),
    path("no-show-cases/<int:pk>/referral.pdf", views.CaseReferralView.as_view(), name="case-referral"),
]
