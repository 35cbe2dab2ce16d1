from rest_framework.routers import DefaultRouter

from .views import ReservistViewSet

router = DefaultRouter()
router.include_root_view = False
# Mounted at /api/reservists/ by config/urls.py: "" gives /api/reservists/ and /api/reservists/{id}/.
router.register("", ReservistViewSet, basename="reservist")
urlpatterns = router.urls
