"""Error pages: JSON for the API (clients always get the documented content type), pages for people.

The pages are the portal's own (its layout, in the reader's language), 400/403/404/500 alike. A 500 page must
not fail in turn: if the full layout cannot be drawn (its context processors read the database that may be the
very thing that failed), the same template is drawn without the request."""

import logging

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

MESSAGES = {
    400: lambda: _("Bad request."),
    403: lambda: _("You do not have permission to do this."),
    404: lambda: _("Not found."),
    500: lambda: _("Something went wrong on our side; the error has been logged."),
}

TITLES = {
    400: lambda: _("The request could not be handled"),
    403: lambda: _("No permission"),
    404: lambda: _("Page not found"),
    500: lambda: _("System error"),
}

HINTS = {
    400: lambda: _("Go back, check what was entered and try again."),
    403: lambda: _("Your account's role does not allow this page. Ask your account administrator if you need it."),
    404: lambda: _(
        "The address may be mistyped, or the record was removed or lies outside your area. "
        "Use the menu or go back to your home page."
    ),
    500: lambda: _("Please try again in a moment. If it keeps happening, tell the system administrator the time."),
}


def _context(status):
    return {"status": status, "title": TITLES[status](), "message": MESSAGES[status](), "hint": HINTS[status]()}


def _respond(request, status):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": MESSAGES[status]()}, status=status)
    if status != 500:
        return render(request, "error.html", _context(status), status=status)
    try:
        return render(request, "error.html", _context(status), status=status)
    except Exception:  # noqa: BLE001 (the error page itself must answer)
        logger.exception("the 500 page could not use the full layout")
        return HttpResponse(loader.render_to_string("error.html", _context(status)), status=status)


def bad_request(request, exception=None):
    return _respond(request, 400)


def permission_denied(request, exception=None):
    return _respond(request, 403)


def page_not_found(request, exception=None):
    return _respond(request, 404)


def server_error(request):
    return _respond(request, 500)
