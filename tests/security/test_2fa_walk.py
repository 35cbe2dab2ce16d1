"""The 2FA contract over every route: a password-only session reaches nothing but 2FA setup and verify.

For every role that needs a second factor (each MND role, the auditor, a superuser), a session that signed in
with the password only walks every named URL pattern of the project (pages, API, Django's admin), with path
parameters filled from existing objects, under each forged header an attacker tried (issue 16, finding 1):
none, `Authorization: Token x`, `Authorization: Bearer x`, `X-Forwarded-*`, and a real token of the account
that was issued without a second factor. Every GET must be held (a redirect to /2fa/ for a page, 401/403 for
the API), every POST, PUT, PATCH and DELETE too, and the writes must change nothing: no audit event (every
domain and account table is audited by triggers) and the submitted call-up order stays submitted.

A control run with the same account after a real second factor shows the walk reaches pages that answer 200,
so the contract is not vacuous.
"""

import pytest
from django.core.management import call_command
from django.urls import NoReverseMatch, get_resolver, reverse
from rest_framework.authtoken.models import Token

from core.models import AuditEvent
from core.tokens import issue_token
from core.twofactor import is_drf_view
from mobilization.models import CallUpOrder
from tests.test_scope_walk import params, view_model, walk

from .conftest import password_login, verified_login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("require_2fa")]

# What a password-only session may reach: setting up or entering the second factor, signing in and out, the
# language switch, static files and the public verification of notices and reports (no login needed at all).
# Public routes: the verification pages, and reservist self-service (its own sign-in, never a staff session).
EXEMPT = (
    "/2fa/",
    "/logout/",
    "/login/",
    "/i18n/",
    "/static/",
    "/verify/",
    "/api/verify/",
    "/api/auth/token/",
    "/my/",
    "/api/my/",
)

FORGED_HEADERS = {
    "none": {},
    "token x": {"HTTP_AUTHORIZATION": "Token x"},
    "bearer x": {"HTTP_AUTHORIZATION": "Bearer x"},
    "forwarded": {
        "HTTP_X_FORWARDED_FOR": "127.0.0.1",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_HOST": "localhost",
        "HTTP_X_FORWARDED_USER": "admin",
    },
}

PARAM_VALUES = {"format": "json", "name": "approve", "app_label": "auth"}


@pytest.fixture
def world(users, superuser):
    call_command("seed_demo", reservists=60, no_users=True, verbosity=0)
    order = CallUpOrder.objects.create(
        mobilization_type="educational",
        title="教育召集",
        report_date="2024-03-15",
        days=14,
        quota=2,
        status="submitted",
        created_by=users.staff,
    )
    return users, superuser, order


def first_pk(pattern) -> int:
    model = view_model(pattern)
    if model is not None:
        found = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        if found is not None:
            return found
    return 1


def routes(order) -> list[tuple[str, str, bool]]:
    """(url, name, is a DRF view) for every named pattern, parameters filled; each URL once."""
    seen: dict[str, tuple[str, str, bool]] = {}
    for name, pattern in walk(get_resolver().url_patterns):
        kwargs = {}
        for param in params(pattern):
            if param in PARAM_VALUES:
                kwargs[param] = PARAM_VALUES[param]
            elif name == "mobilization:order-action" and param == "pk":
                kwargs[param] = order.pk
            elif param in ("pk", "id", "object_id") or param.endswith("_pk") or param.endswith("_id"):
                kwargs[param] = first_pk(pattern)
            else:
                kwargs[param] = "x"
        try:
            url = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            try:
                url = reverse(name, kwargs=dict.fromkeys(kwargs, 1))
            except NoReverseMatch:
                continue
        seen.setdefault(url, (url, name, is_drf_view(pattern.callback)))
    return list(seen.values())


def held(response, url: str, drf: bool) -> bool:
    if drf:
        return response.status_code in (401, 403)
    return response.status_code == 302 and response["Location"].startswith("/2fa/")


ROLES = ["admin", "staff", "approver", "auditor", "superuser"]


@pytest.mark.parametrize("who", ROLES)
def test_password_only_session_reaches_nothing_but_2fa(world, who):
    """Each role walks every route; the header sets rotate over the routes with an offset per role, so that
    over the five roles every route meets every header set (one header set per route per role keeps the
    walk to about half a minute per role)."""
    users, superuser, order = world
    user = superuser if who == "superuser" else users.get(who)
    client = password_login(user.username)
    real_token = issue_token(user, two_factor=False).key
    headers = [*FORGED_HEADERS.items(), ("own token without 2fa", {"HTTP_AUTHORIZATION": f"Token {real_token}"})]
    assert len(headers) == len(ROLES)
    walked = [r for r in routes(order) if not r[0].startswith(EXEMPT)]
    assert len(walked) > 250, "the URLconf should give the walk hundreds of routes"
    # A refusal is itself logged (core.access.denied, for auditors); nothing else may be written.
    changes = AuditEvent.objects.exclude(event="core.access.denied")
    events_before = changes.count()

    leaks = []
    for i, (url, _name, drf) in enumerate(walked):
        label, extra = headers[(i + ROLES.index(who)) % len(headers)]
        for method in ("get", "post", "put", "patch", "delete") if drf else ("get", "post"):
            response = getattr(client, method)(url, {}, **extra) if method != "get" else client.get(url, **extra)
            if not held(response, url, drf):
                leaks.append((method.upper(), url, label, response.status_code))
    assert not leaks, f"a password-only {who} session got through: {leaks[:20]}"
    assert changes.count() == events_before, "a held request wrote something"
    order.refresh_from_db()
    assert order.status == "submitted" and order.decided_by is None
    assert Token.objects.filter(key=real_token).exists()  # nothing above logged the session out


def test_the_same_walk_after_a_second_factor_reaches_pages(world):
    """The control: the walk above is held by the second factor, not by broken URLs. A verified superuser
    (who may see everything) gets 200 from pages, the API and the admin on the routes without parameters."""
    _users, superuser, order = world
    client = verified_login(superuser)
    client.raise_request_exception = False
    plain = [url for url, _name, _drf in routes(order) if not url.startswith(EXEMPT) and "/1/" not in url]
    answered = [url for url in plain if client.get(url).status_code == 200]
    assert len(answered) > 60, f"only {len(answered)} of {len(plain)} routes answered a verified superuser"
    assert any(url.startswith("/api/") for url in answered) and any(url.startswith("/admin/") for url in answered)
    assert "/" in answered and "/audit/" in answered
