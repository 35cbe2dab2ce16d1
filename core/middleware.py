import re
import uuid

from .audit import audit_context, log_denied, log_full_ids_shown

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Give every request an id (or keep a sane one from the proxy) and echo it in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class AuditContextMiddleware:
    """Attribute every database write made while serving the request to its user and request id; then log the
    full national IDs the response carries (core.audit.note_full_id_shown) and a denied request (403/404).

    The user is read lazily at write time: the API authenticates tokens inside the view, after this runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit_context(lambda: getattr(request, "user", None), request_id=getattr(request, "request_id", None)):
            response = self.get_response(request)
            log_full_ids_shown(request, response)
            log_denied(request, response)
            return response
