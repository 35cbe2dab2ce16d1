"""An account's access (role, scope, extra permissions): reading it, describing it, judging a change, applying it.

The portal reads access from Django groups (the role), guardian grants on regions and organisations (the scope),
`core.access_all_regions` (nationwide MND staff) and user permissions. `Access` is that as one value, so a change
can be compared with what the account holds now (what is new is what needs authority or a second administrator)
and written in one place (`apply_access`, on core.accounts.provision_user).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.accounts import check_scope, provision_user
from core.actions import Refusal
from core.choices import RegionLevel, Role
from core.models import Organisation, Profile, Region
from core.roles import NATIONWIDE_ROLES
from core.scope import REGION_PERM, clear_scope_cache, get_scope

from .choices import GrantKind
from .models import ADMINISTER_ACCOUNTS, MANAGE_COUNTY_ACCOUNTS, AccessGrant

MND_ROLES = {Role.MND_ADMIN.value, Role.MND_STAFF.value, Role.MND_APPROVER.value}
FULL_ID_PERM = "core.view_full_national_id"
# Permissions granted to one account on top of its role.
EXTRA_PERMISSIONS = {
    FULL_ID_PERM: gettext_lazy("View full national IDs"),
    MANAGE_COUNTY_ACCOUNTS: gettext_lazy("County account administrator"),
}


@dataclass(frozen=True)
class Access:
    role: str = ""
    regions: tuple[str, ...] = ()
    organisation: str = ""
    permissions: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, role="", regions=(), organisation="", permissions=()) -> Access:
        return cls(
            str(role or ""),
            tuple(sorted({str(r).strip() for r in regions or () if str(r).strip()})),
            str(organisation or ""),
            frozenset(permissions or ()),
        )

    @property
    def nation(self) -> bool:
        return self.role in {r.value for r in NATIONWIDE_ROLES} or (self.role == Role.MND_STAFF and not self.regions)

    def items(self) -> set[tuple[str, str]]:
        """The lines of this access as (kind, value), as `AccessGrant` records them."""
        lines = set()
        if self.role:
            lines.add((GrantKind.ROLE.value, self.role))
            if self.nation:
                lines.add((GrantKind.NATION.value, ""))
        lines |= {(GrantKind.REGION.value, code) for code in self.regions}
        if self.organisation:
            lines.add((GrantKind.ORGANISATION.value, self.organisation))
        lines |= {(GrantKind.PERMISSION.value, perm) for perm in self.permissions}
        return lines

    def as_dict(self) -> dict:
        return {
            "role": self.role,
            "regions": list(self.regions),
            "organisation": self.organisation,
            "permissions": sorted(self.permissions),
            "nation": self.nation,
        }


# ----- reading ------------------------------------------------------------------------------------


def access_map(user_ids) -> dict[int, Access]:
    """Access of many accounts in a fixed number of queries (a list page, the review, the export)."""
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import UserObjectPermission

    user_model = get_user_model()
    ids = list(user_ids)
    if not ids:
        return {}
    roles: dict[int, str] = {}
    for uid, name in user_model.groups.through.objects.filter(user_id__in=ids).values_list("user_id", "group__name"):
        roles[uid] = name
    codes = dict(Region.objects.values_list("id", "code"))
    regions = defaultdict(list)
    for uid, pk in UserObjectPermission.objects.filter(
        user_id__in=ids, content_type=ContentType.objects.get_for_model(Region), permission__codename=REGION_PERM
    ).values_list("user_id", "object_pk"):
        if int(pk) in codes:
            regions[uid].append(codes[int(pk)])
    orgs = dict(
        Profile.objects.filter(user_id__in=ids, organisation__isnull=False).values_list("user_id", "organisation__code")
    )
    perms = defaultdict(set)
    for uid, app, codename in user_model.user_permissions.through.objects.filter(user_id__in=ids).values_list(
        "user_id", "permission__content_type__app_label", "permission__codename"
    ):
        if f"{app}.{codename}" in EXTRA_PERMISSIONS:
            perms[uid].add(f"{app}.{codename}")
    return {uid: Access.of(roles.get(uid, ""), regions[uid], orgs.get(uid, ""), perms[uid]) for uid in ids}


def read_access(user) -> Access:
    return access_map([user.pk])[user.pk]


class Names:
    """Region and organisation names by code, for describing many accounts' access in words."""

    def __init__(self, accesses):
        region_codes = {c for a in accesses for c in a.regions}
        org_codes = {a.organisation for a in accesses if a.organisation}
        self.regions = {r.code: r for r in Region.objects.filter(code__in=region_codes).select_related("parent")}
        self.orgs = {o.code: o for o in Organisation.objects.filter(code__in=org_codes)}

    def scope(self, access: Access) -> str:
        parts = []
        if access.nation:
            parts.append(_("Nationwide"))
        parts += [str(self.regions[c]) if c in self.regions else c for c in access.regions]
        if access.organisation:
            org = self.orgs.get(access.organisation)
            parts.append(str(org) if org else access.organisation)
        return "、".join(parts) if parts else "—"


def role_label(role: str) -> str:
    try:
        return str(Role(role).label)
    except ValueError:
        return role or "—"


def permission_labels(access: Access) -> list[str]:
    return [str(EXTRA_PERMISSIONS[p]) for p in sorted(access.permissions) if p in EXTRA_PERMISSIONS]


# ----- judging a change ----------------------------------------------------------------------------


def validate(access: Access) -> list[Refusal]:
    """Is `access` a well-formed grant? Refusals name the field (400)."""
    refusals = []
    try:
        role = Role(access.role)
    except ValueError:
        return [Refusal("role", _("Choose a role."), field="role")]
    regions = list(Region.objects.filter(code__in=access.regions))
    unknown = sorted(set(access.regions) - {r.code for r in regions})
    if unknown:
        refusals.append(
            Refusal("regions", _("Unknown region code: %(code)s") % {"code": ", ".join(unknown)}, field="regions")
        )
    org = None
    if access.organisation:
        org = Organisation.objects.filter(code=access.organisation).first()
        if org is None:
            refusals.append(
                Refusal(
                    "organisation",
                    _("Unknown organisation: %(org)s") % {"org": access.organisation},
                    field="organisation",
                )
            )
        elif not org.is_active:
            refusals.append(
                Refusal(
                    "organisation", _("The organisation %(org)s is deactivated.") % {"org": org}, field="organisation"
                )
            )
    for perm in access.permissions - set(EXTRA_PERMISSIONS):
        refusals.append(Refusal("permissions", _("Unknown permission: %(perm)s") % {"perm": perm}, field="permissions"))
    if MANAGE_COUNTY_ACCOUNTS in access.permissions and (
        role != Role.LOCAL_GOV or len(regions) != 1 or regions[0].level != RegionLevel.COUNTY
    ):
        refusals.append(
            Refusal(
                "permissions",
                _("A county account administrator is a local government official with one county."),
                field="permissions",
            )
        )
    if not refusals:
        try:
            check_scope(role, regions, org)
        except ValidationError as exc:
            refusals += [Refusal("scope", m, field="regions") for m in exc.messages]
    return refusals


def powerful(old: Access, new: Access) -> list[str]:
    """What `new` gives that needs a second administrator: codes of the reasons (empty: nothing powerful)."""
    reasons = []
    if new.role in MND_ROLES and new.role != old.role:
        reasons.append("mnd_role")
    if new.role == Role.AUDITOR and old.role != Role.AUDITOR:
        reasons.append("auditor_role")
    if new.nation and not old.nation:
        reasons.append("nationwide")
    if FULL_ID_PERM in new.permissions - old.permissions:
        reasons.append("full_national_id")
    return reasons


REASON_LABELS = {
    "mnd_role": gettext_lazy("an MND role"),
    "auditor_role": gettext_lazy("the auditor role"),
    "nationwide": gettext_lazy("nationwide scope"),
    "full_national_id": gettext_lazy("full national IDs"),
}


def reason_labels(codes) -> str:
    return "、".join(str(REASON_LABELS.get(c, c)) for c in codes)


def authority(actor, old: Access | None, new: Access | None) -> list[Refusal]:
    """May `actor` move an account from `old` (None: a new account) to `new` (None: act on it without changing
    its access)? Refusals are 403: the actor lacks the authority, whatever the input."""
    if actor.has_perm(ADMINISTER_ACCOUNTS):
        return []
    if not actor.has_perm(MANAGE_COUNTY_ACCOUNTS):
        return [Refusal("permission", _("You do not have permission to do this."))]
    refusals = []
    clerk = Role.TOWNSHIP_OFFICE.value
    if old is not None and old.role != clerk:
        refusals.append(Refusal("role_above", _("County account administrators manage township office accounts only.")))
    if new is not None:
        if new.role != clerk:
            refusals.append(
                Refusal("role_above", _("County account administrators can only give the township office role."))
            )
        if new.permissions:
            refusals.append(Refusal("role_above", _("County account administrators cannot give extra permissions.")))
        mine = get_scope(actor).region_ids
        outside = [r.code for r in Region.objects.filter(code__in=new.regions) if r.pk not in mine]
        if outside:
            refusals.append(
                Refusal("scope_outside", _("%(codes)s is outside your county.") % {"codes": ", ".join(outside)})
            )
    return refusals


# ----- applying --------------------------------------------------------------------------------------


def apply_access(user, access: Access, *, by, approved_by=None) -> None:
    """Give `user` exactly `access` and keep the record of who granted each line (kept lines keep theirs)."""
    from django.contrib.auth.models import Permission

    provision_user(
        user.username,
        access.role,
        regions=list(access.regions),
        organisation=access.organisation or None,
        check_password=False,
    )
    extra = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type").filter(
            codename__in=[name.split(".", 1)[1] for name in EXTRA_PERMISSIONS]
        )
        if f"{p.content_type.app_label}.{p.codename}" in EXTRA_PERMISSIONS
    }
    user.user_permissions.remove(*[p for name, p in extra.items() if name not in access.permissions])
    user.user_permissions.add(*[p for name, p in extra.items() if name in access.permissions])
    clear_scope_cache(user)

    wanted = access.items()
    existing = {(g.kind, g.value): g.pk for g in AccessGrant.objects.filter(user=user)}
    AccessGrant.objects.filter(pk__in=[pk for line, pk in existing.items() if line not in wanted]).delete()
    now = timezone.now()
    AccessGrant.objects.bulk_create(
        [
            AccessGrant(
                user_id=user.pk,
                kind=kind,
                value=value,
                granted_by=by if _is_account(by) else None,
                granted_by_name=by.get_username() if _is_account(by) else "",
                granted_at=now,
                approved_by=approved_by,
                approved_by_name=approved_by.get_username() if approved_by is not None else "",
                approved_at=now if approved_by is not None else None,
            )
            for kind, value in sorted(wanted - existing.keys())
        ]
    )


def _is_account(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def grant_value_labels(grants) -> dict[int, str]:
    """Each grant line's value in words (the role's, region's or organisation's name, the permission's label),
    by grant id: regions and organisations read in one query each, not one per line."""
    from core.models import Organisation, Region

    from .choices import GrantKind

    grants = list(grants)
    codes = {kind: {g.value for g in grants if g.kind == kind and g.value} for kind in GrantKind.values}
    regions = {r.code: str(r) for r in Region.objects.filter(code__in=codes[GrantKind.REGION]).select_related("parent")}
    organisations = {o.code: str(o) for o in Organisation.objects.filter(code__in=codes[GrantKind.ORGANISATION])}
    labels = {}
    for grant in grants:
        value = grant.value
        if grant.kind == GrantKind.PERMISSION:
            value = str(EXTRA_PERMISSIONS.get(value, value))
        elif grant.kind == GrantKind.ROLE and value in Role.values:
            value = str(Role(value).label)
        elif grant.kind == GrantKind.REGION:
            value = regions.get(value, value)
        elif grant.kind == GrantKind.ORGANISATION:
            value = organisations.get(value, value)
        labels[grant.pk] = value
    return labels
