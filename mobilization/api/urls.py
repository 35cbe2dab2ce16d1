from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .candidates import EligibilityView
from .notices import NoticeViewSet, PostponementViewSet
from .orders import OrderViewSet
from .programme import OrderLeaveView, ProgrammeViewSet

router = DefaultRouter()
router.register("orders", OrderViewSet, basename="order")
router.register("notices", NoticeViewSet, basename="notice")
router.register("postponements", PostponementViewSet, basename="postponement")
router.register("programmes", ProgrammeViewSet, basename="programme")
urlpatterns = [
    path("eligibility/", EligibilityView.as_view(), name="eligibility"),
    path("orders/<int:pk>/leave/", OrderLeaveView.as_view(), name="order-leave"),
    path("", include("mobilization.lifecycle.api_urls")),  # exemption, replacement, recall, closing, no-shows
    *router.urls,
]
