"""Full national IDs for the roles allowed to see them, and one audit row per person shown."""

from django.db import connection

from core.audit import current_request_id
from core.choices import AuditAction
from core.models import AuditEvent
from core.pii import can_see_full_id, mask_national_id


def shown_id(user, value: str) -> str:
    return value if can_see_full_id(user) else mask_national_id(value)


def log_full_id_views(user, model, ids) -> None:
    """Like core.audit.log_pii_view for each row of `model` by id, as one INSERT (a page of 50 people is one
    statement)."""
    ids = [pk for pk in ids if pk]
    if not ids:
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {AuditEvent._meta.db_table} "
            "(created_at, table_name, object_id, action, user_id, username, request_id, message) "
            "SELECT now(), %s, unnest(%s::bigint[]), %s, %s, %s, %s, 'national_id'",
            [table, ids, AuditAction.VIEW_PII, user.pk, user.get_username(), current_request_id()],
        )
