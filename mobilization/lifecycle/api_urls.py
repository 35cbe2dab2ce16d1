from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("exemptions", api.ExemptionViewSet, basename="exemption")
router.register("exemption-grounds", api.GroundViewSet, basename="exemption-ground")
router.register("changes", api.ChangeViewSet, basename="order-change")
router.register("no-show-cases", api.NoShowCaseViewSet, basename="no-show-case")

urlpatterns = [
    path("notices/<int:pk>/exempt/", api.NoticeExemptView.as_view(), name="notice-exempt"),
    path("notices/<int:pk>/release/", api.NoticeReleaseView.as_view(), name="notice-release"),
    path("notices/<int:pk>/attendance-unknown/", api.AttendanceUnknownView.as_view(), name="notice-attendance-unknown"),
    path("orders/<int:pk>/exempt-area/", api.OrderAreaView.as_view(), name="order-exempt-area"),
    path("orders/<int:pk>/recall/", api.OrderRecallView.as_view(), name="order-recall"),
    path("orders/<int:pk>/correct/", api.OrderCorrectView.as_view(), name="order-correct"),
    path(
        "orders/<int:pk>/release-ineligible/", api.OrderReleaseIneligibleView.as_view(), name="order-release-ineligible"
    ),
    path("orders/<int:pk>/close/", api.OrderCloseView.as_view(), name="order-close"),
    path("orders/<int:pk>/yield/", api.OrderYieldView.as_view(), name="order-yield"),
    *router.urls,
]
