from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes lockout (5 failures -> 15 minutes) for every login that comes with a request:
    the login page and the API token endpoint. Authentication without a request (the shell, scripts)
    has no client to lock out and is passed on to the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, credentials=None, *args, **kwargs):
    """429 for a locked-out account: JSON on the API, the lockout page in the browser."""
    from django.http import JsonResponse
    from django.shortcuts import render
    from django.utils.translation import gettext as _

    message = _("Too many failed log-in attempts. The account is locked for 15 minutes.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(15 * 60)
    return response
