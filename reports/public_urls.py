"""Public (no login) verification of readiness reports. Notices own /verify/<code>/; reports use their own path."""

from django.urls import include, path

from . import public_views

patterns = [
    path("verify/report/<str:code>/", public_views.verify_page, name="verify"),
    path("api/verify/report/<str:code>/", public_views.verify_api, name="verify-api"),
]
urlpatterns = [path("", include((patterns, "reports-public")))]
