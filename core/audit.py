"""The audit log: database triggers write every insert, update and delete of an audited table.

Statement-level triggers with transition tables turn one bulk statement (bulk_create, QuerySet.update,
INSERT ... SELECT, COPY) into one set-based INSERT into `core_auditevent`, so bulk writes are logged as
cheaply as single ones. Who did it comes from a transaction-local setting, `portal.audit`, that
`audit_context()` injects in front of every write (the technique django-pghistory uses) and that
`set_local_context()` sets explicitly before COPY.
"""

from __future__ import annotations

import contextvars
import json
import uuid
from contextlib import contextmanager

from django.apps import apps
from django.db import connection

from .choices import AuditAction

WRITE_PREFIXES = ("INSERT", "UPDATE", "DELETE", "WITH", "MERGE")

TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION core_audit_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    ctx jsonb := NULLIF(current_setting('portal.audit', true), '')::jsonb;
    uid bigint := (ctx->>'user_id')::bigint;
    uname text := COALESCE(ctx->>'username', '');
    rid text := COALESCE(ctx->>'request_id', '');
    msg text := COALESCE(ctx->>'reason', '');
    -- The trigger's arguments name columns never copied into the log (password hashes, TOTP secrets).
    secret text[] := COALESCE(TG_ARGV, '{}'::text[]);
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO core_auditevent (created_at, table_name, object_id, action, before, after,
                                     user_id, username, request_id, message)
        SELECT clock_timestamp(), TG_TABLE_NAME, n.id, 'create', NULL, to_jsonb(n) - secret, uid, uname, rid, msg
        FROM new_rows n;
    ELSIF TG_OP = 'UPDATE' THEN
        -- Each row's JSON is built once (materialized), not once per use: half the cost of a bulk update's log.
        WITH pairs AS MATERIALIZED (
            SELECT n.id, to_jsonb(o) AS jo, to_jsonb(n) AS jn FROM old_rows o JOIN new_rows n ON o.id = n.id
        ), changed AS MATERIALIZED (
            SELECT id, jo - secret AS b, jn - secret AS a FROM pairs WHERE jo IS DISTINCT FROM jn
        )
        INSERT INTO core_auditevent (created_at, table_name, object_id, action, before, after,
                                     user_id, username, request_id, message)
        SELECT clock_timestamp(), TG_TABLE_NAME, id, 'update', b, a, uid, uname, rid,
               CASE WHEN b IS NOT DISTINCT FROM a AND msg = '' THEN 'secret changed' ELSE msg END
        FROM changed;
    ELSE
        INSERT INTO core_auditevent (created_at, table_name, object_id, action, before, after,
                                     user_id, username, request_id, message)
        SELECT clock_timestamp(), TG_TABLE_NAME, o.id, 'delete', to_jsonb(o) - secret, NULL, uid, uname, rid, msg
        FROM old_rows o;
    END IF;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION core_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    RAISE EXCEPTION 'core_auditevent is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$fn$;

CREATE OR REPLACE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_audit_append_only();
"""

# TRUNCATE fires no row trigger, so it gets its own. `manage.py flush` (core's) lifts it for its own statement.
TRUNCATE_GUARD = """
CREATE OR REPLACE TRIGGER audit_no_truncate BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_append_only();
"""

TABLE_TRIGGERS = """
CREATE OR REPLACE TRIGGER audit_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION core_audit_rows({secret});
CREATE OR REPLACE TRIGGER audit_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_rows({secret});
CREATE OR REPLACE TRIGGER audit_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION core_audit_rows({secret});
"""

# Who may do what lives in Django's, guardian's and django-otp's tables: audited like the portal's own, with the
# columns that hold secrets left out of the log (table -> secret columns).
ACCOUNT_TABLE_SECRETS = {
    "auth_user": ["password"],
    "auth_group": [],
    "auth_user_groups": [],
    "auth_user_user_permissions": [],
    "auth_group_permissions": [],
    "guardian_userobjectpermission": [],
    "guardian_groupobjectpermission": [],
    "otp_totp_totpdevice": ["key"],
    "otp_static_staticdevice": [],
    "otp_static_statictoken": ["token"],
}


def audited_tables() -> list[str]:
    """Tables of every concrete AuditedModel, the many-to-many tables they own, and the account tables
    (users, groups and their memberships, permissions, guardian grants, OTP devices)."""
    from .models import AuditedModel

    tables: list[str] = list(ACCOUNT_TABLE_SECRETS)
    for model in apps.get_models():
        if not issubclass(model, AuditedModel) or model._meta.proxy or not model._meta.managed:
            continue
        tables.append(model._meta.db_table)
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            if through._meta.auto_created:
                tables.append(through._meta.db_table)
    return sorted(set(tables))


def model_for_table(table: str):
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table == table:
            return model
    return None


def install_triggers(using: str = "default") -> None:
    from django.db import connections

    from .tokens import install_revocation_triggers

    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(TRIGGER_FUNCTION)
        cursor.execute(TRUNCATE_GUARD)
        for table in audited_tables():
            secret = ", ".join(_quote_literal(column) for column in ACCOUNT_TABLE_SECRETS.get(table, []))
            cursor.execute(TABLE_TRIGGERS.format(table=connection.ops.quote_name(table), secret=secret))
        install_revocation_triggers(cursor)


def install_triggers_on_migrate(sender, using="default", **kwargs):
    # Run once, after the last app has migrated, so every table exists.
    if sender.label == list(apps.get_app_configs())[-1].label:
        install_triggers(using)


# ----- who is acting ---------------------------------------------------------------------------


class Actor:
    """Who is acting. `user` may be a callable, so that the API's token user (known only once DRF has
    authenticated, after the middleware ran) is read at the moment of the write."""

    def __init__(self, user=None, request_id: str | None = None, reason: str = ""):
        self._user = user
        self.request_id = request_id or uuid.uuid4().hex
        self.reason = reason

    @property
    def user(self):
        return self._user() if callable(self._user) else self._user

    def payload(self) -> str:
        user = self.user
        authenticated = user is not None and getattr(user, "is_authenticated", False)
        return json.dumps(
            {
                "user_id": user.pk if authenticated else None,
                "username": user.get_username() if authenticated else "",
                "request_id": self.request_id,
                "reason": self.reason,
            },
            ensure_ascii=False,
        )


_context: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("portal_audit_actor", default=None)


def _quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _inject(execute, sql, params, many, context):
    actor = _context.get()
    if actor is not None and sql.lstrip()[:6].upper().startswith(WRITE_PREFIXES):
        literal = _quote_literal(actor.payload())
        if params is not None:
            literal = literal.replace("%", "%%")
        sql = f"SELECT set_config('portal.audit', {literal}, true); {sql}"
    return execute(sql, params, many, context)


@contextmanager
def audit_context(user=None, request_id: str | None = None, reason: str = ""):
    """Attribute every write inside the block to `user` (and a request id and reason).

    Nested blocks keep the outer request id and, unless given, the outer user."""
    outer = _context.get()
    if outer is not None:
        request_id = request_id or outer.request_id
        if user is None:
            user = outer._user
    token = _context.set(Actor(user, request_id, reason))
    try:
        with connection.execute_wrapper(_inject):
            yield
    finally:
        _context.reset(token)


def current_request_id() -> str:
    actor = _context.get()
    return actor.request_id if actor else ""


def set_local_context(cursor, user=None, reason: str = "") -> None:
    """For COPY and other writes that bypass Django's execute wrapper: set the context for this transaction."""
    outer = _context.get()
    actor = Actor(
        user if user is not None else (outer._user if outer else None),
        outer.request_id if outer else None,
        reason or (outer.reason if outer else ""),
    )
    cursor.execute("SELECT set_config('portal.audit', %s, true)", [actor.payload()])


# ----- events the triggers cannot see ------------------------------------------------------------


def log_event(user, obj, message: str, action: str = AuditAction.EVENT, *, after: dict | None = None) -> None:
    """A named workflow event (a transition with its comment) on `obj`."""
    from .models import AuditEvent

    AuditEvent.objects.create(
        table_name=obj._meta.db_table,
        object_id=obj.pk,
        action=action,
        after=after,
        user_id=user.pk if user is not None and user.is_authenticated else None,
        username=user.get_username() if user is not None and user.is_authenticated else "",
        request_id=current_request_id(),
        message=message,
    )


def log_pii_view(user, obj, field: str = "national_id", action: str = AuditAction.VIEW_PII) -> None:
    """Record that `user` saw the full value of `field` on `obj` (a national ID)."""
    log_event(user, obj, field, action=action)


def log_pii_export(user, model, count: int, description: str) -> None:
    from .models import AuditEvent

    AuditEvent.objects.create(
        table_name=model._meta.db_table,
        object_id=None,
        action=AuditAction.EXPORT_PII,
        after={"rows": count},
        user_id=user.pk,
        username=user.get_username(),
        request_id=current_request_id(),
        message=description,
    )


def log_pii_views(user, table: str, ids) -> None:
    """One VIEW_PII row per id of `table` (full national IDs shown to `user`), as one INSERT."""
    from .models import AuditEvent

    ids = sorted({pk for pk in ids if pk})
    if not ids or user is None or not user.is_authenticated:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {AuditEvent._meta.db_table} "
            "(created_at, table_name, object_id, action, user_id, username, request_id, message) "
            "SELECT now(), %s, unnest(%s::bigint[]), %s, %s, %s, %s, 'national_id'",
            [table, ids, AuditAction.VIEW_PII, user.pk, user.get_username(), current_request_id()],
        )


# ----- what a response carries -------------------------------------------------------------------
# Code that puts a full national ID into a response (a serializer, a page) calls note_full_id_shown; the
# middleware (core.middleware.AuditContextMiddleware) writes one VIEW_PII row per record once the response is
# a success. So every path that shows a full ID is logged, whichever view or serializer built it.

FULL_IDS_ATTRIBUTE = "_portal_full_ids_shown"


def note_full_id_shown(request, obj) -> None:
    raw = getattr(request, "_request", request)  # DRF's Request wraps Django's
    if raw is None or obj is None or obj.pk is None:
        return
    shown = raw.__dict__.setdefault(FULL_IDS_ATTRIBUTE, {})
    shown.setdefault(obj._meta.db_table, set()).add(obj.pk)


def log_full_ids_shown(request, response) -> None:
    shown = request.__dict__.pop(FULL_IDS_ATTRIBUTE, None)
    if not shown or response.status_code >= 400:
        return
    user = getattr(request, "user", None)
    for table, ids in shown.items():
        log_pii_views(user, table, ids)


# ----- denied requests ---------------------------------------------------------------------------

DENIED_EVENT = "core.access.denied"
DENIED_TABLE = "access"


def log_denied(request, response) -> bool:
    """A 403 or 404 answered to a signed-in user, as an audit event an auditor can find (table "access",
    message core.access.denied), at most PORTAL_RATE_LIMITS["denied"] per user (the counter fails open)."""
    from .models import AuditEvent
    from .ratelimit import hit

    user = getattr(request, "user", None)
    if response.status_code not in (403, 404) or user is None or not user.is_authenticated:
        return False
    allowed, _wait = hit("denied", str(user.pk))
    if not allowed:
        return False
    AuditEvent.objects.create(
        table_name=DENIED_TABLE,
        object_id=None,
        action=AuditAction.EVENT,
        after={"status": response.status_code, "method": request.method, "path": request.path[:500]},
        user_id=user.pk,
        username=user.get_username(),
        request_id=getattr(request, "request_id", "") or current_request_id(),
        event=DENIED_EVENT,
        message=DENIED_EVENT,
    )
    return True
