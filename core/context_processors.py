from functools import cache

from django.apps import apps
from django.urls import NoReverseMatch, get_script_prefix, reverse

from . import authz
from .choices import Role


@cache
def _nav_entries(script_prefix: str) -> tuple:
    """(label, url, permission) of every app's navigation, resolved once per process (the URLconf is fixed)."""
    entries = []
    for config in apps.get_app_configs():
        for label, url_name, perm in getattr(config, "nav", []):
            try:
                entries.append((label, reverse(url_name), perm))
            except NoReverseMatch:
                continue
    return tuple(entries)


def portal(request):
    """Navigation by role: each app lists its entries in AppConfig.nav as (label, url name, permission)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_roles": []}
    items = [
        {"label": label, "url": url, "active": request.path.startswith(url)}
        for label, url, perm in _nav_entries(get_script_prefix())
        if not perm or user.has_perm(perm)
    ]
    role_names = authz.roles(user)
    roles = [role for role in Role if role.value in role_names]
    return {"nav_items": items, "user_roles": roles}
