from django.apps import apps
from django.urls import NoReverseMatch, reverse

from .choices import Role


def portal(request):
    """Navigation by role: each app lists its entries in AppConfig.nav as (label, url name, permission)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_roles": []}
    items = []
    for config in apps.get_app_configs():
        for label, url_name, perm in getattr(config, "nav", []):
            if perm and not user.has_perm(perm):
                continue
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                continue
            items.append({"label": label, "url": url, "active": request.path.startswith(url)})
    role_names = set(user.groups.values_list("name", flat=True))
    roles = [role for role in Role if role.value in role_names]
    return {"nav_items": items, "user_roles": roles}
