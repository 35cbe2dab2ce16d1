"""Named audit events: one list of stable event names with translated labels.

A workflow step writes one `AuditEvent` whose `event` is a name from this list (`mobilization.order.approved`),
whose `before`/`after` hold the data that changed (as data, never as a translated sentence) and whose
`message` holds what the person typed (a comment or a reason). Labels are translated when the log is read,
in the reader's language, so an auditor can ask for "every approval of a call-up order this year" by name.

Apps declare their events in their own `events.py` with `register()`; the names are `app.object.verb`.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class EventType:
    name: str
    label: str | Promise

    def __str__(self) -> str:
        return str(self.label)


_REGISTRY: dict[str, EventType] = {}


def register(name: str, label) -> EventType:
    """Declare an event name once; declaring the same name with another label is a programming error."""
    existing = _REGISTRY.get(name)
    if existing is not None:
        if str(existing.label) != str(label):
            raise ValueError(f"audit event {name!r} is declared twice with different labels")
        return existing
    if name.count(".") < 2 or name != name.lower():
        raise ValueError(f"audit event names are app.object.verb in lower case, not {name!r}")
    event = EventType(name, label)
    _REGISTRY[name] = event
    return event


def get(name: str) -> EventType:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown audit event {name!r}: declare it with core.events.register()") from None


def all_events() -> list[EventType]:
    return sorted(_REGISTRY.values(), key=lambda e: e.name)


def label(name: str) -> str:
    """The event's label in the active language; an unknown (retired) name reads as itself."""
    event = _REGISTRY.get(name)
    return str(event.label) if event else name


def choices() -> list[tuple[str, str]]:
    return [(e.name, str(e.label)) for e in all_events()]


def record(event, *, user=None, obj=None, before: dict | None = None, after: dict | None = None, note: str = ""):
    """Write one named event about `obj` (or about nothing in particular, e.g. a sign-in)."""
    from django.db import connection

    from .audit import current_request_id
    from .models import AuditAction, AuditEvent

    name = event.name if isinstance(event, EventType) else get(event).name
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    before_json, after_json = _json(before), _json(after)
    row = AuditEvent(
        event=name,
        table_name=obj._meta.db_table if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        action=AuditAction.EVENT,
        before=None if before_json is None else json.loads(before_json),
        after=None if after_json is None else json.loads(after_json),
        user_id=user.pk if authenticated else None,
        username=user.get_username() if authenticated else "",
        request_id=current_request_id(),
        message=str(note or ""),
    )
    # One INSERT written once rather than compiled by the ORM each time: every sign-in and every self-service
    # view writes an event (issue 20), and compiling the INSERT cost more than PostgreSQL spent on it. Through
    # Django's cursor, so core.audit's execute wrapper still attributes it.
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_sql(),
            [
                row.event,
                row.table_name,
                row.object_id,
                row.action,
                before_json,
                after_json,
                row.user_id,
                row.username,
                row.request_id,
                row.message,
            ],
        )
        row.pk, row.created_at = cursor.fetchone()
    row._state.adding = False
    row._state.db = "default"
    return row


@functools.cache
def _insert_sql() -> str:
    from .models import AuditEvent

    return (
        f"INSERT INTO {AuditEvent._meta.db_table} "
        "(event, table_name, object_id, action, before, after, user_id, username, request_id, message) "
        "VALUES (%s, %s, %s, %s, %s::jsonb, %s::jsonb, %s, %s, %s, %s) RETURNING id, created_at"
    )


def _json(data: dict | None) -> str | None:
    """The data as the JSON text stored (dates and decimals as Django's encoder writes them)."""
    if data is None:
        return None
    from django.core.serializers.json import DjangoJSONEncoder

    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)


# Events of core itself.
ACCESS_DENIED = register("core.access.denied", _("Access refused"))
