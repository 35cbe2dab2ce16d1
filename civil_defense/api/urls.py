from rest_framework.routers import DefaultRouter

from .views import MemberViewSet, ShelterViewSet, StationViewSet, TeamViewSet, TrainingViewSet

router = DefaultRouter()
router.register("teams", TeamViewSet, basename="cd-team")
router.register("members", MemberViewSet, basename="cd-member")
router.register("shelters", ShelterViewSet, basename="cd-shelter")
router.register("stations", StationViewSet, basename="cd-station")
router.register("trainings", TrainingViewSet, basename="cd-training")
urlpatterns = router.urls
