"""Walk every URL pattern and every API route as a user of one county against every other county's objects.

So that a new view cannot forget scope: each detail URL of a scoped model, filled with an object outside
the user's scope, must answer 404 (or 403/405), and each list must hold only objects within the scope.
Data comes from every app's demo seed, which spreads records over several counties and organisations.
"""

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.scope import ScopedQuerySet
from core.testing import logged_in

SKIP_PREFIXES = ("admin:", "api-docs", "api-schema")


def walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def view_model(pattern: URLPattern):
    callback = pattern.callback
    for holder in (getattr(callback, "cls", None), getattr(callback, "view_class", None)):
        if holder is None:
            continue
        model = getattr(holder, "model", None)
        queryset = getattr(holder, "queryset", None)
        if model is None and queryset is not None:
            model = queryset.model
        if model is not None:
            return model
    return None


def scoped(model) -> bool:
    return isinstance(model._default_manager.all(), ScopedQuerySet)


def params(pattern: URLPattern) -> list[str]:
    """Names of the URL's parameters, for path() converters and for DRF's regex routes alike."""
    converters = pattern.pattern.converters
    return list(converters) if converters else list(pattern.pattern.regex.groupindex)


def int_kwargs(pattern: URLPattern) -> list[str]:
    converters = pattern.pattern.converters
    return [name for name, conv in converters.items() if type(conv).__name__ == "IntConverter"] or [
        name for name in params(pattern) if name in ("pk", "id")
    ]


@pytest.fixture
def world(users):
    call_command("seed_demo", reservists=400, no_users=True, verbosity=0)
    return users


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["county_b", "township", "agency"])
def test_every_route_hides_other_scopes(world, who):
    user = world.get(who)
    client = logged_in(user)
    walk_details(client, user)
    walk_lists(client, user)
    walk_fk_filters(user)


def walk_details(client, user):
    checked = 0
    leaks = []
    for name, pattern in walk(get_resolver().url_patterns):
        if name.startswith(SKIP_PREFIXES):
            continue
        model = view_model(pattern)
        kwargs = int_kwargs(pattern)
        if model is None or len(kwargs) != 1 or not scoped(model) or len(params(pattern)) != 1:
            continue
        mine = model._default_manager.for_user(user).values("pk")
        foreign = model._default_manager.exclude(pk__in=mine).order_by("pk").first()
        if foreign is None:
            continue
        url = reverse(name, kwargs={kwargs[0]: foreign.pk})
        status = client.get(url).status_code
        checked += 1
        if status not in (403, 404, 405):
            leaks.append((url, status))
    assert not leaks, f"out-of-scope objects answered: {leaks}"
    assert checked >= 10, f"only {checked} detail routes were walked; the demo data should reach more"


def listed_ids(response):
    if response.get("Content-Type", "").startswith("application/json"):
        data = response.json()
        rows = data.get("results", data) if isinstance(data, dict) else data
        if isinstance(rows, list):
            return {row["id"] for row in rows if isinstance(row, dict) and "id" in row}
        return set()
    if response.context is not None:
        for key in ("object_list", "rows"):
            try:
                rows = response.context[key]
            except KeyError:
                continue
            return {getattr(r, "pk", None) for r in rows if hasattr(r, "pk")}
    return set()


def walk_lists(client, user):
    leaks = []
    checked = 0
    for name, pattern in walk(get_resolver().url_patterns):
        if name.startswith(SKIP_PREFIXES) or params(pattern):
            continue
        model = view_model(pattern)
        if model is None or not scoped(model):
            continue
        response = client.get(reverse(name))
        if response.status_code != 200:
            continue
        ids = listed_ids(response)
        allowed = set(model._default_manager.for_user(user).filter(pk__in=ids).values_list("pk", flat=True))
        checked += 1
        if ids - allowed:
            leaks.append((reverse(name), sorted(ids - allowed)[:5]))
    assert not leaks, f"lists showed out-of-scope objects: {leaks}"
    assert checked >= 5


def fk_filters(pattern: URLPattern):
    """(name, filter) of the scoped foreign-key filters of an API list route's filterset."""
    from django_filters.filters import ModelChoiceFilter, ModelMultipleChoiceFilter

    from core.filters import PortalFilterBackend

    view = getattr(pattern.callback, "cls", None)
    queryset = getattr(view, "queryset", None)
    if view is None or queryset is None:
        return []
    filterset_class = PortalFilterBackend().get_filterset_class(view, queryset)
    if filterset_class is None:
        return []
    found = []
    for name, filter_ in filterset_class.base_filters.items():
        choices = getattr(filter_, "queryset", None)
        if isinstance(filter_, ModelChoiceFilter | ModelMultipleChoiceFilter) and choices is not None:
            if callable(choices) or not scoped(choices.model):
                continue
            found.append((name, filter_))
    return found


def walk_fk_filters(user):
    """Every foreign-key filter answers an out-of-scope id exactly as an id that does not exist (issue 16, 10):
    otherwise ?team=<their team> (empty 200) and ?team=<no team> (400) tell which ids exist elsewhere."""
    from core.testing import api_client

    client = api_client(user)
    differ, checked = [], 0
    for name, pattern in walk(get_resolver().url_patterns):
        if not name.endswith("-list") or params(pattern):
            continue
        for param, filter_ in fk_filters(pattern):
            model = filter_.queryset.model
            mine = model._default_manager.for_user(user).values("pk")
            foreign = model._default_manager.exclude(pk__in=mine).order_by("pk").first()
            if foreign is None:
                continue
            field = filter_.extra.get("to_field_name") or "pk"
            url = reverse(name)
            theirs = client.get(url, {param: getattr(foreign, field)})
            missing = client.get(url, {param: "999999999" if field == "pk" else "ZZ-NONE"})
            checked += 1
            if (theirs.status_code, theirs.content) != (missing.status_code, missing.content):
                differ.append((url, param, theirs.status_code, missing.status_code))
    assert not differ, f"foreign-key filters tell out-of-scope ids from missing ones: {differ}"
    assert checked >= 3, f"only {checked} foreign-key filters were walked"
