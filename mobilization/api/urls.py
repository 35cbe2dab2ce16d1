from django.urls import path
from rest_framework.routers import DefaultRouter

from ..notices.api import NoticeViewSet, PostponementViewSet
from ..programme.api import OrderLeaveView, ProgrammeViewSet
from .views import EligibilityView, OrderViewSet

router = DefaultRouter()
router.register("orders", OrderViewSet, basename="order")
router.register("notices", NoticeViewSet, basename="notice")
router.register("postponements", PostponementViewSet, basename="postponement")
router.register("programmes", ProgrammeViewSet, basename="programme")
urlpatterns = [
    path("eligibility/", EligibilityView.as_view(), name="eligibility"),
    path("orders/<int:pk>/leave/", OrderLeaveView.as_view(), name="order-leave"),
    *router.urls,
]
