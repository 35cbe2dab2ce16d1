from functools import cache
from html import escape

from django.apps import apps
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from . import authz
from .choices import Role
from .memo import ProcessMemo


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


ACTIVE = ' class="active" aria-current="page"'

# Rendered navigation by (account under its grants, language, active entries): a page's menu is the same for
# every page of a section. core.authz.cache_key changes with any grant change, so a menu never outlives them.
_NAV_HTML = ProcessMemo()


def _nav_html(user, path: str) -> str:
    entries = _nav_entries(get_script_prefix())
    active = tuple(i for i, (_label, url, _perm) in enumerate(entries) if path.startswith(url))
    account = authz.cache_key(user)
    key = (account, get_language(), get_script_prefix(), active) if account else None
    return _NAV_HTML.get(
        key,
        lambda: "".join(
            f'<a href="{escape(url)}"{ACTIVE if i in active else ""}>{escape(str(label))}</a>'
            for i, (label, url, perm) in enumerate(entries)
            if not perm or user.has_perm(perm)
        ),
    )


def portal(request):
    """Navigation by role: each app lists its entries in AppConfig.nav as (label, url name, permission).

    `nav_html` is the menu's links and `who_html` the account's name and roles, both escaped here: built by a
    template loop they were a third of the base layout's cost (a permission check per entry, lazy labels)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_html": "", "who_html": ""}
    role_names = authz.roles(user)
    roles = "".join(f" · {escape(str(role.label))}" for role in Role if role.value in role_names)
    return {
        "nav_html": mark_safe(_nav_html(user, request.path)),  # noqa: S308 (escaped above)
        "who_html": mark_safe(f"{escape(user.get_full_name() or user.get_username())}{roles}"),  # noqa: S308
    }
