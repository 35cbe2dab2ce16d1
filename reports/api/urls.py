from rest_framework.routers import SimpleRouter

from .views import ReportViewSet

router = SimpleRouter()
router.register("", ReportViewSet, basename="report")
urlpatterns = router.urls
