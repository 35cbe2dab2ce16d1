"""Staff pages of self-service, mounted at /selfservice/ (the reservists' own pages are /my/)."""

from django.urls import path

from . import staff

app_name = "selfservice"
urlpatterns = [
    path("changes/", staff.ChangeListView.as_view(), name="changes"),
    path("documents/<int:pk>/", staff.DocumentDownloadView.as_view(), name="document"),
]
