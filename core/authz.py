"""A user's authorisation (model permissions, role names, scope), read once per request from the shared cache.

Every page asks the same things about its user: the model permissions (`has_perm`, the navigation), the role
names (the navigation, two-factor) and the scope (`core.scope`). From the database that is five queries and
guardian's query building on every request; here it is one cache round trip, then kept on the user object for
the rest of the request. `AuthorisationCacheBackend` (first in AUTHENTICATION_BACKENDS) loads it before
Django's ModelBackend looks for its permission caches, so `has_perm` never queries on a warm cache.

Freshness. Each entry carries the generation it was computed under; a new generation is set on every change to
a grant (group membership, user or group permissions, guardian object permissions, groups, regions) — at once
and again when the change's transaction commits, so a request that read the old grants in between cannot keep
them. An entry is only used under its own generation. Entries also expire after ENTRY_SECONDS, which bounds how
long a grant change made while Redis was unreachable can go unseen. The key holds the user's id, the time the
account was created and its superuser flag, so a recreated account or a superuser change is never served an
old entry. With Redis down everything is computed from the database, as before.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import models, transaction

NATION_PERM = "core.access_all_regions"
REGION_PERM = "access_region"
ORGANISATION_PERM = "act_for_organisation"
GENERATION_KEY = "portal:authz:generation"
ENTRY_SECONDS = 300


@dataclass(frozen=True)
class UserScope:
    nation: bool = False
    region_ids: frozenset[int] = field(default_factory=frozenset)
    organisation_ids: frozenset[int] = field(default_factory=frozenset)
    # The counties holding a region of the scope (a township's county): what covers the scope from above, e.g.
    # an order aimed at a whole county concerns its townships' offices. Computed with the scope, cached with it.
    enclosing_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def empty(self) -> bool:
        return not (self.nation or self.region_ids or self.organisation_ids)

    def county_ids(self) -> frozenset[int]:
        from .models import Region

        if self.nation:
            return frozenset(Region.objects.counties().values_list("id", flat=True))
        return frozenset(Region.objects.counties().filter(id__in=self.region_ids).values_list("id", flat=True))


@dataclass(frozen=True)
class Authorisation:
    user_perms: frozenset[str]
    group_perms: frozenset[str]
    roles: frozenset[str]
    scope: UserScope


def _cacheable(user) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "pk", None) is not None
        and hasattr(user, "date_joined")
    )


def entry_key(user) -> str:
    joined = user.date_joined.timestamp() if user.date_joined else 0
    return f"portal:authz:v3:{user.pk}:{joined:.6f}:{int(bool(user.is_superuser))}"


def _generation(found: dict) -> str | None:
    generation = found.get(GENERATION_KEY)
    if generation is None:
        fresh = uuid.uuid4().hex
        generation = fresh if cache.add(GENERATION_KEY, fresh, timeout=None) else cache.get(GENERATION_KEY)
    return generation


def _compute(user) -> Authorisation:
    from django.contrib.auth.backends import ModelBackend

    user_perms = frozenset(ModelBackend().get_user_permissions(user))
    if user.is_superuser:
        group_perms = frozenset(ModelBackend().get_group_permissions(user))  # every permission
        roles = frozenset(user.groups.values_list("name", flat=True))
    else:  # the roles and their permissions in one query (a role without permissions still has its row)
        rows = user.groups.values_list("name", "permissions__content_type__app_label", "permissions__codename")
        roles = frozenset(name for name, _app, _codename in rows)
        group_perms = frozenset(f"{app}.{codename}" for _name, app, codename in rows if codename)
    return Authorisation(
        user_perms=user_perms,
        group_perms=group_perms,
        roles=roles,
        scope=compute_scope(user, user_perms | group_perms),
    )


def _attach(user, authz: Authorisation) -> None:
    """Fill the caches Django's ModelBackend and core.scope keep on the user object."""
    user._portal_authz = authz
    user._user_perm_cache = set(authz.user_perms)
    user._group_perm_cache = set(authz.group_perms)
    user._perm_cache = set(authz.user_perms | authz.group_perms)
    user._portal_scope = authz.scope


def load(user) -> Authorisation | None:
    """The user's Authorisation: from the user object, else the cache, else the database (then cached).
    None for anonymous and inactive users and for stand-ins that aren't accounts (core.scope handles those)."""
    authz = getattr(user, "_portal_authz", None)
    if authz is not None or not _cacheable(user):
        return authz
    key = entry_key(user)
    found = cache.get_many([GENERATION_KEY, key])
    entry = found.get(key)
    generation = found.get(GENERATION_KEY)
    if entry is not None and generation is not None and entry[0] == generation:
        authz = entry[1]
    else:
        generation = _generation(found)  # read before computing: a change after this makes the entry stale
        authz = _compute(user)
        if generation is not None:
            cache.set(key, (generation, authz), ENTRY_SECONDS)
    _attach(user, authz)
    user._portal_authz_key = f"{key}:{generation}" if generation is not None else None
    return authz


def compute_scope(user, perms: frozenset[str] | None = None) -> UserScope:
    """From the database. `perms`: the user's model permissions when the caller already has them."""
    from guardian.shortcuts import get_objects_for_user

    from .models import Organisation, Region

    if user.is_superuser or (NATION_PERM in perms if perms is not None else user.has_perm(NATION_PERM)):
        return UserScope(nation=True)
    granted = get_objects_for_user(user, f"core.{REGION_PERM}", klass=Region, accept_global_perms=False).values_list(
        "id", flat=True
    )
    rows = list(
        Region.objects.filter(models.Q(id__in=granted) | models.Q(parent_id__in=granted)).values_list("id", "parent_id")
    )
    region_ids = frozenset(pk for pk, _parent in rows)
    enclosing_ids = frozenset(parent for _pk, parent in rows if parent is not None)
    organisation_ids = frozenset(
        get_objects_for_user(
            user, f"core.{ORGANISATION_PERM}", klass=Organisation, accept_global_perms=False
        ).values_list("id", flat=True)
    )
    return UserScope(region_ids=region_ids, organisation_ids=organisation_ids, enclosing_ids=enclosing_ids)


def scope_of(user) -> UserScope:
    """The user's scope: with their cached Authorisation for an account; computed once per object for a stand-in
    that is not an account. The only place that computes a scope and keeps it on the user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return UserScope()
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    if load(user) is not None:
        return user._portal_scope
    user._portal_scope = compute_scope(user)
    return user._portal_scope


def cache_key(user) -> str | None:
    """A key naming this account under its current grants, for caching what it sees (None: don't cache)."""
    if load(user) is None:
        return None
    return getattr(user, "_portal_authz_key", None)


def roles(user) -> frozenset[str]:
    """The user's role (group) names."""
    authz = load(user)
    if authz is not None:
        return authz.roles
    if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return frozenset()
    return frozenset(user.groups.values_list("name", flat=True))


def forget(user) -> None:
    """Drop what this user object holds (after changing its grants in the same request or test)."""
    for attr in (
        "_portal_authz",
        "_portal_authz_key",
        "_portal_scope",
        "_perm_cache",
        "_user_perm_cache",
        "_group_perm_cache",
    ):
        if hasattr(user, attr):
            delattr(user, attr)


def new_generation() -> None:
    """Invalidate every cached Authorisation: now, and again once the surrounding transaction commits."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None))


class AuthorisationCacheBackend:
    """Not a login backend (it authenticates no one and loads no user): listed before ModelBackend, it loads
    the user's cached Authorisation so that ModelBackend finds its permission caches filled."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        load(user_obj)
        return False

    def has_module_perms(self, user_obj, app_label) -> bool:
        load(user_obj)
        return False

    def get_all_permissions(self, user_obj, obj=None) -> set:
        load(user_obj)
        return set()


# ----- invalidation --------------------------------------------------------------------------------


def _changed(sender, **kwargs) -> None:
    if not kwargs.get("action", "post_").startswith("pre_"):  # m2m_changed comes as pre_ and post_
        new_generation()


def connect_signals() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from guardian.models import GroupObjectPermission, UserObjectPermission

    from .models import Organisation, Region

    user_model = get_user_model()
    for through in (user_model.groups.through, user_model.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"core.authz.m2m.{through._meta.label}")
    for model in (UserObjectPermission, GroupObjectPermission, Region, Organisation, Group, Permission):
        for signal in (post_save, post_delete):
            signal.connect(_changed, sender=model, dispatch_uid=f"core.authz.{signal is post_save}.{model._meta.label}")


def may_open(user, url_name: str, *args) -> bool:
    """Whether USER passes the permission a page's view declares, so a page links only where its reader may go."""
    from django.urls import resolve, reverse

    view_class = getattr(resolve(reverse(url_name, args=args)).func, "view_class", None)
    required = getattr(view_class, "permission_required", None)
    if not required:
        return True
    return user.has_perms((required,) if isinstance(required, str) else required)
