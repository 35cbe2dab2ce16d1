"""Public (no login) verification of requisition notices."""

from django.urls import include, path

from . import public

patterns = [
    path("verify/requisition/<str:code>/", public.verify_page, name="verify"),
    path("api/verify/requisition/<str:code>/", public.verify_api, name="verify-api"),
]
urlpatterns = [path("", include((patterns, "materiel-public")))]
