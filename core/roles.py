"""The portal's roles (Django groups) and the model permissions each one holds.

Every app may add a `roles.py` with `PERMISSIONS = {"role": ["app_label.codename", ...]}`; the groups are
synchronised to the union after every migrate, so the grants live in code and review, not in clicks.
Scope (which regions or organisations) is separate: see core/scope.py.
"""

from importlib import import_module

from django.apps import apps
from django.contrib.auth.models import Group, Permission

from .choices import Role

NATIONWIDE_ROLES = {Role.MND_ADMIN, Role.MND_APPROVER, Role.AUDITOR}

# View permissions the auditor's "every view_*" does not include.
AUDITOR_WITHHELD = {"core.view_full_national_id"}

PERMISSIONS = {
    Role.MND_ADMIN: [
        "core.access_all_regions",
        "core.view_region",
        "core.view_organisation",
        "core.add_organisation",
        "core.change_organisation",
        "core.view_job",
        "core.view_auditevent",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
    ],
    Role.MND_STAFF: ["core.view_region", "core.view_organisation", "core.view_job"],
    Role.MND_APPROVER: ["core.access_all_regions", "core.view_region", "core.view_organisation", "core.view_job"],
    Role.LOCAL_GOV: ["core.view_region", "core.view_organisation", "core.view_job"],
    Role.TOWNSHIP_OFFICE: ["core.view_region", "core.view_organisation", "core.view_job"],
    Role.AGENCY: ["core.view_region", "core.view_organisation", "core.view_job"],
    Role.AUDITOR: [
        "core.access_all_regions",
        "core.view_region",
        "core.view_organisation",
        "core.view_job",
        "core.view_auditevent",
        "auth.view_user",
    ],
}


def role_permissions() -> dict[str, set[str]]:
    merged: dict[str, set[str]] = {role.value: set(perms) for role, perms in PERMISSIONS.items()}
    for config in apps.get_app_configs():
        if config.name == "core":
            continue
        try:
            module = import_module(f"{config.name}.roles")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.roles":
                raise
            continue
        for role, perms in getattr(module, "PERMISSIONS", {}).items():
            merged.setdefault(str(role), set()).update(perms)
    # The auditor reads everything: every view permission of every model, but national IDs stay masked (the
    # design gives `view_full_national_id` to MND roles only; an auditor who needs them is granted it by hand).
    merged[Role.AUDITOR.value] |= {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.filter(codename__startswith="view_").select_related("content_type")
        if f"{p.content_type.app_label}.{p.codename}" not in AUDITOR_WITHHELD
    }
    return merged


def _lookup(names: set[str]) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = [
        p for p in Permission.objects.select_related("content_type") if (p.content_type.app_label, p.codename) in wanted
    ]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
    if missing:
        raise LookupError(f"Unknown permissions in roles: {sorted('.'.join(m) for m in missing)}")
    return found


def sync_roles() -> None:
    for role, perms in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(_lookup(perms))


def sync_roles_on_migrate(sender, using="default", plan=None, **kwargs):
    if sender.label == list(apps.get_app_configs())[-1].label:
        from .refdata import replay_data_migrations
        from .regions import ensure_regions

        if plan is None:  # a flush, not a migrate: the tables are empty, the migration history is not
            replay_data_migrations(using)
        ensure_regions()
        sync_roles()
