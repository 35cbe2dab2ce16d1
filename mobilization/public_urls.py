"""Public (no login) verification of call-up notices: the code printed on the notice is the key."""

from django.urls import include, path

from .views import public

patterns = [
    path("verify/<str:code>/", public.verify_page, name="verify"),
    path("api/verify/<str:code>/", public.verify_api, name="verify-api"),
]
urlpatterns = [path("", include((patterns, "notices-public")))]
