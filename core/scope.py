"""Scope: which regions and organisations a user may work on, and the one queryset filter that applies it.

Scope is granted with django-guardian object permissions on `Region` rows (`core.access_region`;
a county grant covers its townships) and on `Organisation` rows (`core.act_for_organisation`).
The global permission `core.access_all_regions` means nationwide. Every scoped model names the path
to its region (`scope_region_field`) and optionally to its organisation (`scope_organisation_field`);
`Model.objects.for_user(user)` turns the grants into one WHERE clause, never per-row permission rows.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

# The scope is computed and cached with the rest of the user's authorisation in one module, core.authz; this module
# only applies it (one import direction: scope -> authz).
from .authz import NATION_PERM, ORGANISATION_PERM, REGION_PERM, UserScope, forget, scope_of  # noqa: E402, F401


def get_scope(user) -> UserScope:
    """The user's scope (computed and cached by core.authz: once per request, shared between requests)."""
    return scope_of(user)


def clear_scope_cache(user) -> None:
    """Forget what this user object holds about its grants (the shared cache follows grant changes itself)."""
    forget(user)


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
        """Rows within `user`'s scope; nothing at all if `perm` is given and the user lacks it.

        `user` may also be a `UserScope`: "an official of exactly this scope", as reports pass to the apps'
        metrics (a report is made for a scope, not a person). A scope may only read: any `perm` but a view
        permission gives nothing."""
        if isinstance(user, UserScope):
            return self.within(user, perm)
        if user is None or not user.is_authenticated:
            return self.none()
        if perm and not user.has_perm(perm):
            return self.none()
        q = scope_q(self.model, get_scope(user))
        return self if q is None else self.filter(q)

    def within(self, scope: UserScope, perm: str | None = None):
        """Rows within `scope` (read-only use: a permission other than a view permission gives nothing)."""
        if perm and not perm.split(".", 1)[-1].startswith("view_"):
            return self.none()
        q = scope_q(self.model, scope)
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
