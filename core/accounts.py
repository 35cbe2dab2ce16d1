"""Provisioning accounts: one role, its scope (regions or an organisation) and a password.

Used by `manage.py add_user` (government IT scripts it), the demo data and the tests.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from .choices import RegionLevel, Role
from .models import Organisation, Profile, Region
from .regions import region_by_code
from .roles import NATIONWIDE_ROLES
from .scope import NATION_PERM, ORGANISATION_PERM, REGION_PERM, clear_scope_cache

REGION_ROLES = {Role.MND_STAFF, Role.LOCAL_GOV, Role.TOWNSHIP_OFFICE}


def resolve_regions(codes: list[str]) -> list[Region]:
    regions = []
    for code in codes:
        region = region_by_code(code)
        if region is None:
            raise ValidationError(_("Unknown region code: %(code)s") % {"code": code})
        regions.append(region)
    return regions


@transaction.atomic
def provision_user(
    username: str,
    role: str,
    *,
    regions: list[str] | None = None,
    organisation: str | None = None,
    password: str | None = None,
    email: str = "",
    full_name: str = "",
    check_password: bool = True,
):
    """Create or update `username` with exactly `role` and the given scope. Returns the user."""
    try:
        role = Role(role)
    except ValueError as exc:
        raise ValidationError(
            _("Unknown role %(role)s; choose one of %(roles)s") % {"role": role, "roles": ", ".join(Role.values)}
        ) from exc
    region_objs = resolve_regions(regions or [])
    org = None
    if organisation:
        org = Organisation.objects.filter(code=organisation).first()
        if org is None and str(organisation).isdigit():
            org = Organisation.objects.filter(pk=int(organisation)).first()
        if org is None:
            raise ValidationError(_("Unknown organisation: %(org)s") % {"org": organisation})
    check_scope(role, region_objs, org)

    User = get_user_model()
    user, _created = User.objects.get_or_create(username=username)
    if email:
        user.email = email
    if full_name:
        user.first_name = full_name
    user.is_staff = role == Role.MND_ADMIN
    if password:
        if check_password:
            validate_password(password, user)
        user.set_password(password)
    elif not user.has_usable_password() and not user.password:
        user.set_unusable_password()
    user.save()

    user.groups.set([Group.objects.get(name=role.value)])
    nation_perm = Permission.objects.get(codename=NATION_PERM.split(".")[1], content_type__app_label="core")
    user.user_permissions.remove(nation_perm)
    for region in _granted(user, Region, REGION_PERM):
        remove_perm(f"core.{REGION_PERM}", user, region)
    for org_obj in _granted(user, Organisation, ORGANISATION_PERM):
        remove_perm(f"core.{ORGANISATION_PERM}", user, org_obj)

    if role == Role.MND_STAFF and not region_objs:
        user.user_permissions.add(nation_perm)
    for region in region_objs:
        assign_perm(f"core.{REGION_PERM}", user, region)
    if org is not None and role == Role.AGENCY:
        assign_perm(f"core.{ORGANISATION_PERM}", user, org)
    Profile.objects.update_or_create(user=user, defaults={"organisation": org})
    clear_scope_cache(user)
    return user


def _granted(user, model, codename):
    from guardian.shortcuts import get_objects_for_user

    return get_objects_for_user(user, f"core.{codename}", klass=model, accept_global_perms=False, with_superuser=False)


def check_scope(role: Role, regions: list[Region], org) -> None:
    if role in NATIONWIDE_ROLES and regions:
        raise ValidationError(_("The role %(role)s is nationwide and takes no --region.") % {"role": role.value})
    if role == Role.LOCAL_GOV and (len(regions) != 1 or regions[0].level != RegionLevel.COUNTY):
        raise ValidationError(_("A local government official needs exactly one county: --region TW-XXX."))
    if role == Role.TOWNSHIP_OFFICE and (len(regions) != 1 or regions[0].level != RegionLevel.TOWNSHIP):
        raise ValidationError(_("A township office clerk needs exactly one township: --region <zipcode>."))
    if role == Role.AGENCY and org is None:
        raise ValidationError(_("An agency user needs --organisation."))
    if role == Role.AGENCY and regions:
        raise ValidationError(_("An agency user's scope is their organisation; --region is not used."))
