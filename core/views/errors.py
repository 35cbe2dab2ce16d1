"""Error pages: JSON for the API (clients always get the documented content type), pages for people."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

MESSAGES = {
    400: lambda: _("Bad request."),
    403: lambda: _("You do not have permission to do this."),
    404: lambda: _("Not found."),
    500: lambda: _("Something went wrong on our side; the error has been logged."),
}


def _respond(request, status):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": MESSAGES[status]()}, status=status)
    return render(request, "error.html", {"status": status, "message": MESSAGES[status]()}, status=status)


def bad_request(request, exception=None):
    return _respond(request, 400)


def permission_denied(request, exception=None):
    return _respond(request, 403)


def page_not_found(request, exception=None):
    return _respond(request, 404)


def server_error(request):
    return _respond(request, 500)
