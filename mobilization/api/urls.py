from django.urls import path
from rest_framework.routers import DefaultRouter, SimpleRouter

from . import lifecycle
from .candidates import EligibilityView
from .notices import NoticeViewSet, PostponementViewSet
from .orders import OrderViewSet
from .programme import OrderLeaveView, ProgrammeViewSet

router = DefaultRouter()
router.register("orders", OrderViewSet, basename="order")
router.register("notices", NoticeViewSet, basename="notice")
router.register("postponements", PostponementViewSet, basename="postponement")
router.register("programmes", ProgrammeViewSet, basename="programme")
# The end of the call-up (api/lifecycle.py): exemption, replacement, recall, closing, no-shows.
lifecycle_router = SimpleRouter()
lifecycle_router.register("exemptions", lifecycle.ExemptionViewSet, basename="exemption")
lifecycle_router.register("exemption-grounds", lifecycle.GroundViewSet, basename="exemption-ground")
lifecycle_router.register("changes", lifecycle.ChangeViewSet, basename="order-change")
lifecycle_router.register("no-show-cases", lifecycle.NoShowCaseViewSet, basename="no-show-case")
urlpatterns = [
    path("eligibility/", EligibilityView.as_view(), name="eligibility"),
    path("orders/<int:pk>/leave/", OrderLeaveView.as_view(), name="order-leave"),
    path("notices/<int:pk>/exempt/", lifecycle.NoticeExemptView.as_view(), name="notice-exempt"),
    path("notices/<int:pk>/release/", lifecycle.NoticeReleaseView.as_view(), name="notice-release"),
    path(
        "notices/<int:pk>/attendance-unknown/",
        lifecycle.AttendanceUnknownView.as_view(),
        name="notice-attendance-unknown",
    ),
    path("orders/<int:pk>/exempt-area/", lifecycle.OrderAreaView.as_view(), name="order-exempt-area"),
    path("orders/<int:pk>/recall/", lifecycle.OrderRecallView.as_view(), name="order-recall"),
    path("orders/<int:pk>/correct/", lifecycle.OrderCorrectView.as_view(), name="order-correct"),
    path(
        "orders/<int:pk>/release-ineligible/",
        lifecycle.OrderReleaseIneligibleView.as_view(),
        name="order-release-ineligible",
    ),
    path("orders/<int:pk>/close/", lifecycle.OrderCloseView.as_view(), name="order-close"),
    path("orders/<int:pk>/yield/", lifecycle.OrderYieldView.as_view(), name="order-yield"),
    *lifecycle_router.urls,
    *router.urls,
]
