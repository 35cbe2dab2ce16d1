from rest_framework.routers import DefaultRouter

from .views import AccountViewSet, OrganisationViewSet, PendingGrantViewSet

router = DefaultRouter()
router.include_root_view = False
# grants before accounts: /api/accounts/grants/ is not an account
router.register("accounts/grants", PendingGrantViewSet, basename="account-grant")
router.register("accounts", AccountViewSet, basename="account")
router.register("organisations", OrganisationViewSet, basename="organisation")
urlpatterns = router.urls
