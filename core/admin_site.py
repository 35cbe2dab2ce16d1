"""Django's admin, for superusers only.

The admin can grant anything (superuser and staff flags, permissions, guardian grants), so no role below
superuser may reach it: `mnd_admin` manages accounts through `manage.py add_user` (core/accounts.py), which
grants exactly one role and its scope. Anyone else signed in gets 404; signing in goes through the portal's
own login page (lockout, two-factor), not a second login form.
"""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404


class PortalAdminSite(admin.AdminSite):
    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_superuser

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            if self.has_permission(request):
                return super().login(request, extra_context)
            raise Http404
        return redirect_to_login(request.GET.get("next") or request.path.replace("login/", ""))

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise Http404
            return inner(request, *args, **kwargs)

        guarded.__dict__.update(inner.__dict__)
        return guarded
