"""Reservist self-service: pages at /my/ and the API at /api/my/ (public: the person signs in with a code)."""

from django.urls import include, path

from . import views
from .api import views as api

pages = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("code/", views.code, name="code"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("notices/<int:pk>/pdf/", views.notice_pdf, name="notice-pdf"),
    path("requests/", views.requests_page, name="requests"),
    path("documents/<slug:kind>/<int:pk>/", views.document, name="document"),
    path("contact/", views.contact, name="contact"),
    path("contact/confirm/", views.contact_confirm, name="contact-confirm"),
]
api_patterns = [
    path("sign-in/", api.SignInView.as_view(), name="sign-in"),
    path("verify/", api.VerifyView.as_view(), name="verify"),
    path("sign-out/", api.SignOutView.as_view(), name="sign-out"),
    path("call-ups/", api.CallUpsView.as_view(), name="call-ups"),
    path("notices/<int:pk>/pdf/", api.NoticePdfView.as_view(), name="notice-pdf"),
    path("notices/<int:pk>/acknowledge/", api.AcknowledgeView.as_view(), name="acknowledge"),
    path("notices/<int:pk>/postpone/", api.PostponeView.as_view(), name="postpone"),
    path("notices/<int:pk>/exempt/", api.ExemptView.as_view(), name="exempt"),
    path("requests/", api.RequestsView.as_view(), name="requests"),
    path("contact/", api.ContactView.as_view(), name="contact"),
    path("documents/<slug:kind>/<int:pk>/", api.DocumentView.as_view(), name="document"),
]
urlpatterns = [
    path("my/", include((pages, "my"))),
    path("api/my/", include((api_patterns, "my-api"))),
]
