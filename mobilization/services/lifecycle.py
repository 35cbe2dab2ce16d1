"""What the steps of the end of the call-up share: which notices bind, the order being live, history rows."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_lazy as _

from core.actions import Refusal

from ..choices import NoticeStatus, OrderStatus

# A binding notice holds a place in the call: the person must report.
BINDING = (NoticeStatus.ISSUED, NoticeStatus.SENT, NoticeStatus.DELIVERED, NoticeStatus.ACKNOWLEDGED)
# Open: still the order's business (an undeliverable notice may yet be delivered, or replaced).
OPEN = (*BINDING, NoticeStatus.UNDELIVERABLE)
# Advisory-lock classes (first key); the second key is the order or change id.
LOCK_REPLACE, LOCK_CHANGE = 51_010, 51_011


def chunk_size() -> int:
    """Notices (or gaps) per transaction of a recall, correction or replacement job (settings.LIFECYCLE_CHUNK)."""
    return max(1, int(getattr(settings, "LIFECYCLE_CHUNK", 10_000)))


def pause() -> None:
    """The optional pause between two chunks of a job (settings.LIFECYCLE_PAUSE, seconds)."""
    if getattr(settings, "LIFECYCLE_PAUSE", 0):
        time.sleep(settings.LIFECYCLE_PAUSE)


def order_live_refusals(order) -> list[Refusal]:
    """An order takes exemptions, replacements, recalls and corrections only once issued and until closed."""
    if order.status != OrderStatus.ISSUED:
        return [
            Refusal(
                "order.wrong_status",
                _("The order is “%(s)s”: this is possible only on an issued order that is not closed.")
                % {"s": order.get_status_display()},
            )
        ]
    return []


def user_fields(user) -> dict:
    if user is None or not getattr(user, "is_authenticated", False):
        return {"user": None, "user_name": ""}
    return {"user": user, "user_name": user.get_username()}


def xact_lock(kind: int, key: int) -> None:
    """A transaction-scoped advisory lock: serialises the writers of one order's call (released at commit)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [kind, key])


def add_notice_events(ids: list[int], *, event: str, status: str, note: str, user=None, channel: str = "") -> None:
    """One NoticeEvent per notice id, in one statement (thousands at once after a bulk step)."""
    from ..models import NoticeEvent

    if not ids:
        return
    who = user_fields(user)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {NoticeEvent._meta.db_table} (notice_id, at, status, event, note, channel, user_id, user_name)
            SELECT x.id, now(), %s, %s, %s, %s, %s, %s FROM unnest(%s::bigint[]) AS x(id)
            """,
            [status, event, note or "", channel, who["user"].pk if who["user"] else None, who["user_name"], list(ids)],
        )
