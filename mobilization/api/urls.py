from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import EligibilityView, OrderViewSet

router = DefaultRouter()
router.register("orders", OrderViewSet, basename="order")
urlpatterns = [path("eligibility/", EligibilityView.as_view(), name="eligibility"), *router.urls]
