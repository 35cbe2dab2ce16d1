from rest_framework.routers import DefaultRouter

from .views import JobViewSet, RegionViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("jobs", JobViewSet, basename="job")
urlpatterns = router.urls
