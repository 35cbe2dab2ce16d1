from rest_framework.routers import DefaultRouter

from .views import (
    KindViewSet,
    RequirementViewSet,
    RequisitionNoticeViewSet,
    RequisitionViewSet,
    ResourceViewSet,
    SurveyViewSet,
)

router = DefaultRouter()
router.register("kinds", KindViewSet, basename="materiel-kind")
router.register("resources", ResourceViewSet, basename="materiel-resource")
router.register("surveys", SurveyViewSet, basename="materiel-survey")
router.register("requirements", RequirementViewSet, basename="materiel-requirement")
router.register("requisitions", RequisitionViewSet, basename="materiel-requisition")
router.register("requisition-notices", RequisitionNoticeViewSet, basename="materiel-notice")
urlpatterns = router.urls
