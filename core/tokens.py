"""API tokens: issued with an expiry and the two-factor state of the login, revoked when the account changes.

A token lives `PORTAL_API_TOKEN_HOURS_MND` hours for accounts that need two-factor authentication (MND roles,
auditors, superusers) and `PORTAL_API_TOKEN_DAYS` days for everyone else. Issuing replaces the account's
previous token (DRF keeps one per account).

Revocation is done by the database, so no path can forget it (the admin, `manage.py add_user`, a bulk
update, raw SQL): triggers delete the account's tokens when its password, active flag, superuser or staff flag
changes, when its group memberships, user permissions, guardian grants or profile (organisation) change, and
when a group's permissions or guardian grants change (for every member). Logging out of the portal revokes
them too (`revoke_on_logout`), and `DELETE /api/auth/token/` revokes the token it is sent with.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from .audit import log_event


def lifetime(user) -> timedelta:
    from .twofactor import needs_2fa_role

    if needs_2fa_role(user):
        return timedelta(hours=settings.PORTAL_API_TOKEN_HOURS_MND)
    return timedelta(days=settings.PORTAL_API_TOKEN_DAYS)


@transaction.atomic
def issue_token(user, *, two_factor: bool) -> Token:
    """A fresh token for `user`, replacing any earlier one. `two_factor`: a second factor was verified."""
    from .models import ApiTokenState

    revoke_tokens(user)
    token = Token.objects.create(user=user)
    state = ApiTokenState.objects.create(token=token, expires_at=token.created + lifetime(user), two_factor=two_factor)
    log_event(
        user,
        user,
        "core.api.token_issued",
        after={"expires_at": state.expires_at.isoformat(), "two_factor": two_factor},
    )
    return token


def revoke_tokens(user) -> int:
    from .models import ApiTokenState

    ApiTokenState.objects.filter(token__user=user).delete()
    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted


def revoke_on_logout(sender, request, user, **kwargs) -> None:
    if user is not None and user.is_authenticated:
        revoke_tokens(user)


# ----- revocation by the database ------------------------------------------------------------------

REVOCATION_FUNCTIONS = """
CREATE OR REPLACE FUNCTION core_revoke_tokens(users bigint[]) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    DELETE FROM core_apitokenstate WHERE token_key IN (SELECT key FROM authtoken_token WHERE user_id = ANY(users));
    DELETE FROM authtoken_token WHERE user_id = ANY(users);
END
$fn$;

-- Rows that name a user (memberships, user permissions, guardian user grants, profiles).
CREATE OR REPLACE FUNCTION core_revoke_tokens_user_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM core_revoke_tokens(ARRAY(SELECT user_id::bigint FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM core_revoke_tokens(ARRAY(SELECT user_id::bigint FROM old_rows));
    ELSE
        PERFORM core_revoke_tokens(ARRAY(SELECT user_id::bigint FROM new_rows
                                         UNION SELECT user_id::bigint FROM old_rows));
    END IF;
    RETURN NULL;
END
$fn$;

-- Rows that name a group (group permissions, guardian group grants): every member's tokens.
CREATE OR REPLACE FUNCTION core_revoke_tokens_group_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM core_revoke_tokens(ARRAY(SELECT ug.user_id::bigint FROM auth_user_groups ug
                                         WHERE ug.group_id IN (SELECT group_id FROM new_rows)));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM core_revoke_tokens(ARRAY(SELECT ug.user_id::bigint FROM auth_user_groups ug
                                         WHERE ug.group_id IN (SELECT group_id FROM old_rows)));
    ELSE
        PERFORM core_revoke_tokens(ARRAY(SELECT ug.user_id::bigint FROM auth_user_groups ug
                                         WHERE ug.group_id IN (SELECT group_id FROM new_rows
                                                               UNION SELECT group_id FROM old_rows)));
    END IF;
    RETURN NULL;
END
$fn$;

-- The account itself: a new password, deactivation, or a superuser/staff flag changed.
CREATE OR REPLACE FUNCTION core_revoke_tokens_account() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM core_revoke_tokens(ARRAY(
        SELECT n.id::bigint FROM old_rows o JOIN new_rows n ON o.id = n.id
        WHERE o.password IS DISTINCT FROM n.password OR o.is_active IS DISTINCT FROM n.is_active
           OR o.is_superuser IS DISTINCT FROM n.is_superuser OR o.is_staff IS DISTINCT FROM n.is_staff));
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE TRIGGER token_revoke_update AFTER UPDATE ON auth_user
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION core_revoke_tokens_account();
"""

REVOCATION_TRIGGERS = """
CREATE OR REPLACE TRIGGER token_revoke_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE OR REPLACE TRIGGER token_revoke_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE OR REPLACE TRIGGER token_revoke_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""

USER_ROW_TABLES = ["auth_user_groups", "auth_user_user_permissions", "guardian_userobjectpermission", "core_profile"]
GROUP_ROW_TABLES = ["auth_group_permissions", "guardian_groupobjectpermission"]


def install_revocation_triggers(cursor) -> None:
    cursor.execute(REVOCATION_FUNCTIONS)
    for table in USER_ROW_TABLES:
        cursor.execute(REVOCATION_TRIGGERS.format(table=table, function="core_revoke_tokens_user_rows"))
    for table in GROUP_ROW_TABLES:
        cursor.execute(REVOCATION_TRIGGERS.format(table=table, function="core_revoke_tokens_group_rows"))


def expired(state_expires_at, token_created, user) -> bool:
    """Is a token past its expiry? A token without a state row expires by its creation time."""
    now = timezone.now()
    if state_expires_at is not None:
        return state_expires_at <= now
    return token_created + lifetime(user) <= now
