"""The steps of account and organisation administration, each an Action (core/actions.py) with a named event.

Who may act on an account:
- nationwide account administrators (`administration.change_account`, MND administrators) on every account
  but their own; what they give that is powerful (an MND role, the auditor role, nationwide scope, full national
  IDs) waits for a second administrator (`RequestGrant`, `ApproveGrant`);
- county account administrators (`administration.manage_county_accounts`, with their county as scope) on the
  township-office accounts of their county: anything else in their county is refused (403), anything outside
  it does not exist for them (404).
Nobody administers their own account, and nobody approves a grant they asked for or that is for themselves.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import events
from core.actions import NOT_PERMITTED, Action, ActionRefused, Check, Refusal
from core.audit import audit_context
from core.models import Organisation
from core.scope import clear_scope_cache

from . import events as names
from . import services
from .access import Access, apply_access, authority, powerful, read_access, validate
from .choices import GrantStatus, LinkPurpose
from .models import (
    ADMINISTER_ACCOUNTS,
    APPROVE_ACCESS,
    MANAGE_COUNTY_ACCOUNTS,
    Account,
    AccountRecord,
    PendingGrant,
)

SELF = gettext_lazy("You cannot administer your own account.")


class AuthorityAction(Action):
    """An Action whose permission is a judgement about the actor and the object (403), made after scope (404)
    and before state (409) and the guards."""

    def authority(self, user, obj, **params) -> list[Refusal]:
        return []

    def check(self, user, obj, *, note: str = "", require_note: bool = True, **params) -> Check:
        if not getattr(user, "is_authenticated", False):
            return Check(self, 403, [Refusal("permission", NOT_PERMITTED)])
        if obj is not None and not self.in_scope(user, obj):
            return Check(self, 404, [Refusal("scope", _("Not found."))])
        if self.permission and not user.has_perm(self.permission):
            return Check(self, 403, [Refusal("permission", NOT_PERMITTED)])
        refusals = self.authority(user, obj, **params)
        if refusals:
            return Check(self, 403, refusals)
        return super().check(user, obj, note=note, require_note=require_note, **params)


class AccountAction(AuthorityAction):
    model = Account
    state_field = "is_active"
    timestamp_field = None
    # County account administrators may take this step on the township clerks of their county.
    delegable = True

    def in_scope(self, user, obj) -> bool:
        return Account.objects.for_user(user).filter(pk=obj.pk).exists()

    def authority(self, user, obj, **params):
        if obj.pk == user.pk:
            return [Refusal("self", SELF)]
        if not self.delegable and not user.has_perm(ADMINISTER_ACCOUNTS):
            return [Refusal("permission", NOT_PERMITTED)]
        return authority(user, read_access(obj), None)

    def describe(self, obj, **params) -> dict:
        return {"username": obj.username}


class DeactivateAccount(AccountAction):
    event = names.DEACTIVATED.name
    label = gettext_lazy("Deactivate")
    from_states = {True}
    to_state = False

    def effect(self, user, obj, **params):
        return services.revoke_tokens(obj)


class ReactivateAccount(AccountAction):
    event = names.REACTIVATED.name
    label = gettext_lazy("Reactivate")
    from_states = {False}
    to_state = True
    delegable = False

    def guard(self, user, obj, **params):
        org = Organisation.objects.filter(profile__user=obj, is_active=False).first()
        if org is not None:
            return [Refusal("organisation", _("Its organisation %(org)s is deactivated.") % {"org": org})]
        return []

    def changes(self, user, obj, **params):
        # A reactivated account counts as used today, or the dormant-account task would take it again tonight.
        return {"last_login": timezone.now()}


class UnlockAccount(AccountAction):
    event = names.UNLOCKED.name
    label = gettext_lazy("Unlock")

    def guard(self, user, obj, **params):
        return [] if services.is_locked(obj) else [Refusal("not_locked", _("The account is not locked out."))]

    def describe(self, obj, **params):
        return {"username": obj.username, "locked": services.is_locked(obj)}

    def effect(self, user, obj, **params):
        return services.unlock(obj)


class ResetTwoFactor(AccountAction):
    event = names.TWO_FACTOR_RESET.name
    label = gettext_lazy("Reset second factor")

    def guard(self, user, obj, **params):
        if not services.has_second_factor(obj):
            return [Refusal("no_second_factor", _("The account has no second factor to reset."))]
        return []

    def describe(self, obj, **params):
        return {"username": obj.username, "two_factor": services.has_second_factor(obj)}

    def effect(self, user, obj, **params):
        services.remove_second_factor(obj)
        return services.revoke_tokens(obj)


class StartPasswordReset(AccountAction):
    event = names.PASSWORD_RESET_STARTED.name
    label = gettext_lazy("Send a password link")
    from_states = {True}

    def guard(self, user, obj, **params):
        if not obj.email:
            return [Refusal("no_email", _("The account has no e-mail address to send the link to."))]
        return []

    def effect(self, user, obj, **params):
        services.revoke_tokens(obj)
        return services.new_link(obj, LinkPurpose.RESET, by=user)

    def after_commit(self, user, obj, result, **params):
        services.send_link(obj, result, LinkPurpose.RESET)

    def state_refusal(self, obj):
        return _("The account is deactivated.")


class ChangeAccess(AccountAction):
    """Give an account another role, scope or extra permissions, at once: only what needs no second
    administrator (see RequestGrant)."""

    event = names.ROLE_CHANGED.name
    label = gettext_lazy("Change role and scope")

    def authority(self, user, obj, *, access: Access | None = None, **params):
        refusals = super().authority(user, obj)
        if refusals or access is None:
            return refusals
        return authority(user, read_access(obj), access)

    def guard(self, user, obj, *, access: Access | None = None, **params):
        if access is None:
            return [Refusal("role", _("Choose a role."), field="role")]
        refusals = validate(access)
        if not refusals and powerful(read_access(obj), access):
            refusals.append(Refusal("four_eyes", _("This grant needs a second administrator's approval.")))
        if not refusals and access == read_access(obj):
            refusals.append(Refusal("unchanged", _("Nothing to change."), field="role"))
        return refusals

    def describe(self, obj, **params):
        return read_access(obj).as_dict()

    def effect(self, user, obj, *, access: Access, **params):
        apply_access(obj, access, by=user)
        services.revoke_tokens(obj)
        return access


class RequestGrant(ChangeAccess):
    """Ask for a powerful grant; it waits for a second administrator (ApproveGrant)."""

    event = names.GRANT_REQUESTED.name
    label = gettext_lazy("Ask for approval")
    delegable = False

    def guard(self, user, obj, *, access: Access | None = None, **params):
        if access is None:
            return [Refusal("role", _("Choose a role."), field="role")]
        refusals = validate(access)
        if not refusals and not powerful(read_access(obj), access):
            refusals.append(Refusal("not_powerful", _("This change needs no approval; make it directly.")))
        if PendingGrant.objects.filter(user_id=obj.pk, status=GrantStatus.PENDING).exists():
            refusals.append(Refusal("pending", _("A grant for this account is already waiting for approval.")))
        return refusals

    def describe(self, obj, **params):
        return read_access(obj).as_dict()

    def effect(self, user, obj, *, access: Access, note: str = "", **params):
        return create_pending(user, obj, access, note)


def create_pending(user, account, access: Access, note: str) -> PendingGrant:
    organisation = Organisation.objects.filter(code=access.organisation).first() if access.organisation else None
    return PendingGrant.objects.create(
        user_id=account.pk,
        role=access.role,
        regions=list(access.regions),
        organisation=organisation,
        permissions=sorted(access.permissions),
        reasons=powerful(read_access(account), access),
        note=note,
        requested_by=user,
        requested_by_name=user.get_username(),
    )


def change_access(user, account, access: Access, note: str = ""):
    """The one entry for pages and the API: a powerful change becomes a request, anything else applies now.
    Returns ("applied", access) or ("pending", PendingGrant)."""
    if powerful(read_access(account), access) and not validate(access):
        return "pending", RequestGrant().execute(user, account, access=access, note=note)
    return "applied", ChangeAccess().execute(user, account, access=access, note=note)


def grant_access(grant: PendingGrant) -> Access:
    return Access.of(
        grant.role, grant.regions, grant.organisation.code if grant.organisation_id else "", grant.permissions
    )


class ApproveGrant(AuthorityAction):
    event = names.GRANT_APPROVED.name
    label = gettext_lazy("Approve")
    model = PendingGrant
    permission = APPROVE_ACCESS
    from_states = {GrantStatus.PENDING}
    to_state = GrantStatus.APPROVED

    def authority(self, user, obj, **params):
        if obj.user_id == user.pk:
            return [Refusal("self", _("You cannot approve a grant for your own account."))]
        if obj.requested_by_id == user.pk:
            return [Refusal("four_eyes", _("A second administrator must approve this: you asked for it."))]
        return []

    def guard(self, user, obj, **params):
        if not obj.user.is_active:
            return [Refusal("inactive", _("The account is deactivated."))]
        return list(validate(grant_access(obj)))

    def changes(self, user, obj, **params):
        return {"decided_by": user, "decided_by_name": user.get_username(), "decided_at": timezone.now()}

    def describe(self, obj, **params):
        return {"account": obj.user.username, "role": obj.role, "regions": obj.regions, "reasons": obj.reasons}

    def effect(self, user, obj, note: str = "", **params):
        account = Account.objects.get(pk=obj.user_id)
        before = read_access(account)
        after = grant_access(obj)
        apply_access(account, after, by=obj.requested_by, approved_by=user)
        services.revoke_tokens(account)
        events.record(
            names.ROLE_CHANGED, user=user, obj=account, before=before.as_dict(), after=after.as_dict(), note=note
        )
        return account


class RejectGrant(ApproveGrant):
    event = names.GRANT_REJECTED.name
    label = gettext_lazy("Reject")
    to_state = GrantStatus.REJECTED

    def authority(self, user, obj, **params):
        return []

    def guard(self, user, obj, **params):
        return []

    def effect(self, user, obj, **params):
        return None


class CreateAccount(AuthorityAction):
    """Create an account with its access; it gets a single-use link to set its password by e-mail. A powerful
    access waits for a second administrator; until then the account has no role."""

    event = names.ACCOUNT_CREATED.name
    label = gettext_lazy("Create account")

    def authority(self, user, obj, *, access: Access | None = None, **params):
        if not (user.has_perm(ADMINISTER_ACCOUNTS) or user.has_perm(MANAGE_COUNTY_ACCOUNTS)):
            return [Refusal("permission", NOT_PERMITTED)]
        return authority(user, None, access) if access is not None else []

    def guard(self, user, obj, *, username: str = "", email: str = "", access: Access | None = None, **params):
        refusals = []
        user_model = get_user_model()
        username_field = user_model._meta.get_field("username")
        try:
            username_field.run_validators(username)
        except Exception as exc:  # noqa: BLE001 - a ValidationError with the field's messages
            refusals += [Refusal("username", m, field="username") for m in getattr(exc, "messages", [str(exc)])]
        if not username:
            refusals.append(Refusal("username", _("Give a username."), field="username"))
        elif user_model.objects.filter(username=username).exists():
            refusals.append(Refusal("username", _("The username %(u)s is taken.") % {"u": username}, field="username"))
        if not email:
            refusals.append(Refusal("email", _("Give an e-mail address: the password link goes there."), field="email"))
        refusals += validate(access) if access is not None else [Refusal("role", _("Choose a role."), field="role")]
        return refusals

    def check(self, user, obj=None, **params) -> Check:
        if not getattr(user, "is_authenticated", False):
            return Check(self, 403, [Refusal("permission", NOT_PERMITTED)])
        refusals = self.authority(user, None, **params)
        if refusals:
            return Check(self, 403, refusals)
        refusals = self.guard(user, None, **params)
        if refusals:
            return Check(self, 400 if all(r.field for r in refusals) else 409, refusals)
        return Check(self)

    def execute(
        self,
        user,
        obj=None,
        *,
        username: str,
        access: Access,
        full_name: str = "",
        email: str = "",
        phone: str = "",
        note: str = "",
        send: bool = True,
    ):
        with audit_context(user, reason=str(note or "")), transaction.atomic():
            check = self.check(user, username=username, email=email, access=access)
            if not check:
                raise ActionRefused(check)
            account = Account(username=username, first_name=full_name, email=email, is_active=True)
            account.set_unusable_password()
            try:
                with transaction.atomic():  # two administrators creating the same username at once
                    account.save()
            except IntegrityError:
                taken = Refusal("username", _("The username %(u)s is taken.") % {"u": username}, field="username")
                raise ActionRefused(Check(self, 400, [taken])) from None
            AccountRecord.objects.create(
                user_id=account.pk, phone=phone, created_by=user, created_by_name=user.get_username()
            )
            pending = None
            if powerful(Access(), access):
                pending = create_pending(user, account, access, note)
                events.record(
                    names.GRANT_REQUESTED,
                    user=user,
                    obj=account,
                    before=Access().as_dict(),
                    after=access.as_dict(),
                    note=note,
                )
            else:
                apply_access(account, access, by=user)
            clear_scope_cache(account)
            events.record(
                self.event,
                user=user,
                obj=account,
                after={
                    "username": username,
                    "email": email,
                    "phone": phone,
                    **access.as_dict(),
                    "pending": pending is not None,
                },
                note=note,
            )
            if send:
                token = services.new_link(account, LinkPurpose.WELCOME, by=user)
                transaction.on_commit(lambda: services.send_link(account, token, LinkPurpose.WELCOME))
        return account, pending


# ----- organisations ---------------------------------------------------------------------------------------


class OrganisationAction(AuthorityAction):
    model = Organisation
    permission = "core.change_organisation"
    state_field = "is_active"
    timestamp_field = None

    def describe(self, obj, **params):
        return {"code": obj.code}


class DeactivateOrganisation(OrganisationAction):
    """Deactivates the organisation and every active account working for it (each account's own event)."""

    event = names.ORGANISATION_DEACTIVATED.name
    label = gettext_lazy("Deactivate")
    from_states = {True}
    to_state = False

    def effect(self, user, obj, note: str = "", **params):
        accounts = list(Account.objects.filter(profile__organisation=obj, is_active=True).order_by("pk"))
        Account.objects.filter(pk__in=[a.pk for a in accounts]).update(is_active=False)
        reason = _("Organisation %(org)s deactivated.") % {"org": obj.code}
        for account in accounts:
            services.revoke_tokens(account)
            events.record(
                names.DEACTIVATED,
                user=user,
                obj=account,
                before={"is_active": True},
                after={"is_active": False},
                note=reason,
            )
        return [a.pk for a in accounts]


class ReactivateOrganisation(OrganisationAction):
    """Reactivates the organisation; its accounts stay deactivated until reactivated one by one."""

    event = names.ORGANISATION_REACTIVATED.name
    label = gettext_lazy("Reactivate")
    from_states = {False}
    to_state = True


def get_account_or_404(user, pk) -> Account:
    account = Account.objects.for_user(user).filter(pk=pk).first()
    if account is None:
        raise Http404
    return account


ACCOUNT_ACTIONS = {
    "deactivate": DeactivateAccount(),
    "reactivate": ReactivateAccount(),
    "unlock": UnlockAccount(),
    "reset-2fa": ResetTwoFactor(),
    "password-reset": StartPasswordReset(),
}


def organisation_data(org: Organisation) -> dict:
    return {
        "name": org.name,
        "name_en": org.name_en,
        "code": org.code,
        "kind": org.kind,
        "region": org.region.code if org.region_id else None,
        "parent": org.parent.code if org.parent_id else None,
        "is_active": org.is_active,
    }


def save_organisation(user, form) -> Organisation:
    """Create or change an organisation from a validated form or serializer: one transaction, a named event,
    and the organisation must stay within the user's scope."""
    from core.scope import ensure_in_scope

    permission = "core.change_organisation" if form.instance and form.instance.pk else "core.add_organisation"
    if not user.has_perm(permission):
        raise ActionRefused(Check(CreateAccount(), 403, [Refusal("permission", NOT_PERMITTED)]))
    creating = not (form.instance and form.instance.pk)
    before = None if creating else organisation_data(Organisation.objects.get(pk=form.instance.pk))
    with audit_context(user), transaction.atomic():
        org = form.save()
        ensure_in_scope(user, org)
        events.record(
            names.ORGANISATION_CREATED if creating else names.ORGANISATION_CHANGED,
            user=user,
            obj=org,
            before=before,
            after=organisation_data(org),
        )
    return org
