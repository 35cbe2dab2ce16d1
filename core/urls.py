from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("regions/", views.RegionListView.as_view(), name="region-list"),
    path("audit/", views.AuditListView.as_view(), name="audit-list"),
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<int:pk>/download/", views.job_download, name="job-download"),
]
