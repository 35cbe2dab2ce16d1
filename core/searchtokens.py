"""Search terms that must not travel in URLs (national IDs): kept in the session under a short-lived token.

A list page's search form is POSTed; the view stores the sensitive terms with `stash()` and redirects to the
list with `?s=<token>` and the other filters, so pagination links, the export link, the browser history,
proxies and server logs see only the token. `resolve()` turns the token back into the terms for the signed-in
session that made it; a token from another session or older than SEARCH_TOKEN_SECONDS resolves to nothing.
"""

import secrets
import time

from django.http import QueryDict

SESSION_KEY = "portal_search_tokens"
TOKEN_PARAM = "s"
SEARCH_TOKEN_SECONDS = 3600
MAX_TOKENS = 20  # per session: the oldest go first


def stash(request, terms: dict) -> str:
    token = secrets.token_urlsafe(12)
    now = time.time()
    saved = {
        key: value
        for key, value in request.session.get(SESSION_KEY, {}).items()
        if now - value["at"] < SEARCH_TOKEN_SECONDS
    }
    saved[token] = {"at": now, "terms": terms}
    request.session[SESSION_KEY] = dict(sorted(saved.items(), key=lambda item: item[1]["at"])[-MAX_TOKENS:])
    return token


class ExpiredSearch(Exception):
    """The token is unknown to this session or too old: the user searches again."""


def resolve(request) -> QueryDict:
    """request.GET with the terms of its search token put back (and the token removed)."""
    token = request.GET.get(TOKEN_PARAM)
    if not token:
        return request.GET
    saved = getattr(request, "session", {}).get(SESSION_KEY, {}).get(token)
    if saved is None or time.time() - saved["at"] >= SEARCH_TOKEN_SECONDS:
        raise ExpiredSearch(token)
    params = request.GET.copy()
    del params[TOKEN_PARAM]
    for key, value in saved["terms"].items():
        params[key] = value
    return params
