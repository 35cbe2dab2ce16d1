"""OpenAPI post-processing: document the error responses every endpoint can give.

drf-spectacular documents the success responses it can infer; the portal's error bodies are uniform
({"detail": ...}, field errors, or {"detail", "reasons"} for refused workflow steps), so they are added to
every operation here and clients (and schemathesis) can rely on the schema for errors too.
"""

from drf_spectacular.authentication import SessionScheme

ERROR_SCHEMA = {
    "type": "object",
    "description": "An error: `detail`, per-field messages, or a refused step with `reasons` citing articles.",
    "additionalProperties": True,
}
ERRORS = {
    "400": "Invalid input: per-field messages in the user's language; nothing was changed.",
    "401": "Not authenticated.",
    "403": "The user's role may not do this.",
    "404": "Not found, or outside the user's scope.",
    "405": "Method not allowed.",
    "409": "Refused in the record's current state, with the reasons; nothing was changed.",
    "415": "Unsupported media type.",
    "429": "Too many requests, or the account is locked.",
}


def add_error_responses(result, generator, request, public):
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": ERROR_SCHEMA}}}
                )
    return result


class PortalSessionScheme(SessionScheme):
    """The portal's session authentication is DRF's plus the 2FA hold: documented as the same scheme."""

    target_class = "core.api.authentication.SessionAuthentication"
