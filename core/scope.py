"""Scope: which regions and organisations a user may work on, and the one queryset filter that applies it.

Scope is granted with django-guardian object permissions on `Region` rows (`core.access_region`;
a county grant covers its townships) and on `Organisation` rows (`core.act_for_organisation`).
The global permission `core.access_all_regions` means nationwide. Every scoped model names the path
to its region (`scope_region_field`) and optionally to its organisation (`scope_organisation_field`);
`Model.objects.for_user(user)` turns the grants into one WHERE clause, never per-row permission rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

NATION_PERM = "core.access_all_regions"
REGION_PERM = "access_region"
ORGANISATION_PERM = "act_for_organisation"


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


def get_scope(user) -> UserScope:
    """The user's scope: once per user object (a request), from the shared cache (core.authz) when it can."""
    if user is None or not user.is_authenticated or not user.is_active:
        return UserScope()
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    from .authz import load

    if load(user) is not None:  # a real account: its scope comes with its cached authorisation
        return user._portal_scope
    scope = _compute_scope(user)
    user._portal_scope = scope
    return scope


def clear_scope_cache(user) -> None:
    """Forget what this user object holds about its grants (the shared cache follows grant changes itself)."""
    from .authz import forget

    forget(user)


def _compute_scope(user, perms: frozenset[str] | None = None) -> UserScope:
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


def scope_q(model, scope: UserScope) -> models.Q | None:
    """The filter for `model` under `scope`; None means everything."""
    if scope.nation:
        return None
    custom = getattr(model, "scope_filter", None)
    if custom is not None:
        return custom(scope)
    region_field = getattr(model, "scope_region_field", None)
    org_field = getattr(model, "scope_organisation_field", None)
    if region_field is None and org_field is None:
        raise TypeError(f"{model.__name__} has no scope_region_field or scope_organisation_field")
    # Only the conditions that can match (an always-false `pk IN ()` in the OR cost a lookup to build and drop
    # on every scoped query); nothing at all when none can.
    q = None
    if region_field and scope.region_ids:
        q = models.Q(**{f"{region_field}__in": scope.region_ids})
    if org_field and scope.organisation_ids:
        org_q = models.Q(**{f"{org_field}__in": scope.organisation_ids})
        q = org_q if q is None else q | org_q
    return models.Q(pk__in=[]) if q is None else q


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to restrict itself to what a user may see."""

    def for_user(self, user, perm: str | None = None):
        """Rows within `user`'s scope; nothing at all if `perm` is given and the user lacks it."""
        if user is None or not user.is_authenticated:
            return self.none()
        if perm and not user.has_perm(perm):
            return self.none()
        q = scope_q(self.model, get_scope(user))
        return self if q is None else self.filter(q)


class OutOfScope(PermissionDenied):
    """A write would leave the object outside the user's scope."""


def ensure_in_scope(user, obj) -> None:
    """Re-check, inside the write's transaction, that `obj` is still within the user's scope."""
    model = type(obj)
    if not model._default_manager.for_user(user).filter(pk=obj.pk).exists():
        raise OutOfScope


def get_scoped_or_404(queryset, user, perm: str | None = None, **lookup):
    try:
        return queryset.for_user(user, perm).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc
