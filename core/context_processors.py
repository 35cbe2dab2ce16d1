from functools import cache
from html import escape

from django.apps import apps
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext_lazy

from . import authz
from .choices import Role
from .memo import ProcessMemo

# The menu's few groups, in this order; each app's entries (AppConfig.nav) go to its group. One line at 1280 px in
# either language: a group with one entry for the account is a plain link, one with more opens its list.
NAV_GROUPS = (
    (pgettext_lazy("menu", "Reservists"), ("reservists", "selfservice")),
    (pgettext_lazy("menu", "Call-ups"), ("mobilization",)),
    (pgettext_lazy("menu", "Civil defense"), ("civil_defense",)),
    (pgettext_lazy("menu", "Resources"), ("cip", "materiel")),
    (pgettext_lazy("menu", "Readiness"), ("reports", "exercises")),
    (pgettext_lazy("menu", "Administration"), ("administration", "core")),
)


@cache
def _nav_entries(script_prefix: str) -> tuple:
    """(group, label, url, permission) of every app's navigation in the groups' order, resolved once per process
    (the URLconf is fixed)."""
    group_of = {app: index for index, (_label, app_labels) in enumerate(NAV_GROUPS) for app in app_labels}
    entries = []
    for config in apps.get_app_configs():
        for label, url_name, perm in getattr(config, "nav", []):
            try:
                entries.append((group_of.get(config.label, len(NAV_GROUPS)), label, reverse(url_name), perm))
            except NoReverseMatch:
                continue
    return tuple(sorted(entries, key=lambda entry: entry[0]))  # stable: an app's own order is kept


ACTIVE = ' class="active" aria-current="page"'
CURRENT = ' class="current" aria-current="page"'

# Rendered navigation by (account under its grants, language, the page's entry): a page's menu is the same for
# every page of a section. core.authz.cache_key changes with any grant change, so a menu never outlives them.
_NAV_HTML = ProcessMemo()


def current_entry(entries, path: str):
    """The one entry a page belongs to: the longest address the path starts with (the shelters' /civil-defense/
    shelters/ over the teams' /civil-defense/), the first of equals."""
    best = None
    for index, (_group, _label, url, _perm) in enumerate(entries):
        if path.startswith(url) and (best is None or len(url) > len(entries[best][2])):
            best = index
    return best


def _render_nav(user, entries, path) -> str:
    visible = [(i, entry) for i, entry in enumerate(entries) if not entry[3] or user.has_perm(entry[3])]
    current = current_entry([entry for _i, entry in visible], path)
    current = visible[current][0] if current is not None else None
    html = []
    groups = [*NAV_GROUPS, (pgettext_lazy("menu", "More"), ())]
    for group, (group_label, _apps) in enumerate(groups):
        members = [(i, entry) for i, entry in visible if entry[0] == group]
        if not members:
            continue
        active = any(i == current for i, _entry in members)
        if len(members) == 1:
            i, (_g, label, url, _p) = members[0]
            html.append(f'<a href="{escape(url)}"{ACTIVE if active else ""}>{escape(str(label))}</a>')
            continue
        links = "".join(
            f'<a href="{escape(url)}"{CURRENT if i == current else ""}>{escape(str(label))}</a>'
            for i, (_g, label, url, _p) in members
        )
        button_class = ' class="active"' if active else ""
        html.append(
            f'<div class="navgroup"><button type="button" aria-haspopup="true"{button_class}>'
            f'{escape(str(group_label))}</button><div class="navmenu">{links}</div></div>'
        )
    return "".join(html)


def _nav_html(user, path: str) -> str:
    entries = _nav_entries(get_script_prefix())
    current = current_entry(entries, path)
    account = authz.cache_key(user)
    # The entry over all entries decides the one over the account's (the matching addresses nest), so it keys.
    key = (account, get_language(), get_script_prefix(), current) if account else None
    return _NAV_HTML.get(key, lambda: _render_nav(user, entries, path))


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
