from django.urls import path

from . import views

app_name = "administration"
urlpatterns = [
    path("accounts/", views.AccountListView.as_view(), name="account-list"),
    path("accounts/new/", views.AccountCreateView.as_view(), name="account-create"),
    path("accounts/import/", views.ImportView.as_view(), name="import"),
    path("accounts/import/template.<str:fmt>", views.import_template, name="import-template"),
    path("accounts/import/<int:pk>/", views.import_job, name="import-job"),
    path("accounts/<int:pk>/", views.AccountDetailView.as_view(), name="account-detail"),
    path("accounts/<int:pk>/access/", views.AccountAccessView.as_view(), name="account-access"),
    path("accounts/<int:pk>/<slug:action>/", views.account_action, name="account-action"),
    path("grants/", views.GrantListView.as_view(), name="grant-list"),
    path("grants/<int:pk>/<slug:decision>/", views.grant_decision, name="grant-decision"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path("organisations/new/", views.OrganisationCreateView.as_view(), name="organisation-create"),
    path("organisations/<int:pk>/", views.OrganisationDetailView.as_view(), name="organisation-detail"),
    path("organisations/<int:pk>/edit/", views.OrganisationUpdateView.as_view(), name="organisation-update"),
    path("organisations/<int:pk>/<slug:action>/", views.organisation_action, name="organisation-action"),
    path("review/", views.ReviewView.as_view(), name="review"),
    path("review/export.csv", views.review_export, name="review-export"),
    path("review/sign-off/", views.review_sign_off, name="review-sign-off"),
    path("password/<str:token>/", views.password_set, name="password-set"),
]
