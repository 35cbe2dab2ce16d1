from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.api.views import ObtainTokenView
from core.views import DashboardView

APPS = [
    "reservists",
    "mobilization",
    "civil_defense",
    "cip",
    "exercises",
    "materiel",
    "reports",
    "administration",
    "selfservice",
]
# administration serves /api/accounts/ and /api/organisations/ at the top of the API.
API_PREFIX = {"civil_defense": "civil-defense", "administration": ""}
# Apps with public pages without login (verification of notices and reports).
PUBLIC_APPS = ["mobilization", "materiel", "reports", "selfservice"]

api_patterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("core.api.urls")),
]
for app in APPS:
    prefix = API_PREFIX.get(app, app)
    api_patterns.append(path(f"{prefix}/" if prefix else "", include(f"{app}.api.urls")))

urlpatterns = [
    # The reservists' self-service (/my/ and /api/my/, nothing else) first: in a call-up's lookup rush it is most
    # of the traffic, and behind the staff routes each request walked ~30 patterns before reaching it.
    path("", include("selfservice.public_urls")),
    path("", DashboardView.as_view(), name="dashboard"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
    path("", include("core.urls")),
]
for app in APPS:
    urlpatterns.append(path(f"{app.replace('_', '-')}/", include(f"{app}.urls")))
for app in PUBLIC_APPS:
    if app == "selfservice":
        continue  # already first
    urlpatterns.append(path("", include(f"{app}.public_urls")))

handler400 = "core.views.errors.bad_request"
handler403 = "core.views.errors.permission_denied"
handler404 = "core.views.errors.page_not_found"
handler500 = "core.views.errors.server_error"
