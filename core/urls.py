from django.urls import path

from . import twofactor, views

app_name = "core"
urlpatterns = [
    path("regions/", views.RegionListView.as_view(), name="region-list"),
    path("audit/", views.AuditListView.as_view(), name="audit-list"),
    path("audit/personal-data/", views.PersonalDataAccessView.as_view(), name="pii-access"),
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<int:pk>/download/", views.job_download, name="job-download"),
    path("2fa/setup/", twofactor.setup, name="2fa-setup"),
    path("2fa/verify/", twofactor.verify, name="2fa-verify"),
]
