from rest_framework.routers import DefaultRouter

from .views import AssetViewSet, DependencyViewSet, ProtectionPlanViewSet, RiskAssessmentViewSet, SectorViewSet

router = DefaultRouter()
router.register("sectors", SectorViewSet, basename="cip-sector")
router.register("assets", AssetViewSet, basename="cip-asset")
router.register("dependencies", DependencyViewSet, basename="cip-dependency")
router.register("assessments", RiskAssessmentViewSet, basename="cip-assessment")
router.register("plans", ProtectionPlanViewSet, basename="cip-plan")
urlpatterns = router.urls
