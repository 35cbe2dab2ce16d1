"""Report day in bulk: the attendance of many notices of one order in one transaction, set-based.

The same step as actions.record_attendance, for a file of thousands of rows: the notices are locked and
changed with one UPDATE per value, presence becomes service records (COPY), a presence corrected to absence
removes its record again (DELETE), and every change is a NoticeEvent (COPY). The audit triggers are
per statement, so the log costs one INSERT ... SELECT per write, not one per row. Unchanged rows are
left alone, as record_attendance does, so uploading the same file twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from core.audit import set_local_context
from core.importing import copy_rows
from core.scope import OutOfScope
from reservists.choices import ServiceSource
from reservists.models import ServiceRecord

from ..choices import Attendance
from ..models import Notice, NoticeEvent
from . import notices as actions

CHUNK = 5000
SERVICE_COLUMNS = [
    "created_at",
    "updated_at",
    "reservist_id",
    "mobilization_type",
    "start_date",
    "days",
    "source",
    "reference",
]
EVENT_COLUMNS = ["notice_id", "at", "status", "event", "note", "channel", "user_id", "user_name"]


@dataclass
class AttendanceResult:
    present: int = 0  # notices that became present
    absent: int = 0  # notices that became absent
    unchanged: int = 0


def record_attendance_many(*, user, order, marks: dict[int, bool], note: str = "") -> AttendanceResult:
    """`marks` maps notice ids of `order` to attended (True) or not (False). All or nothing: a notice outside
    the user's area or of another order refuses the whole call (OutOfScope), as the order not being live does."""
    if user is None or not user.has_perm("mobilization.record_attendance"):
        raise PermissionDenied
    actions._order_live(Notice(order=order))
    result = AttendanceResult()
    if not marks:
        return result
    now = timezone.now()
    ids = list(marks)
    with transaction.atomic():
        rows = []
        for start in range(0, len(ids), CHUNK):
            rows.extend(
                Notice.objects.for_user(user)
                .filter(order=order, pk__in=ids[start : start + CHUNK])
                .select_for_update(of=("self",))
                .values_list("pk", "reservist_id", "number", "report_date", "status", "attendance")
            )
        if len(rows) != len(ids):
            raise OutOfScope
        to_present, to_absent = [], []
        for row in rows:
            value = Attendance.PRESENT if marks[row[0]] else Attendance.ABSENT
            if row[5] == value:
                result.unchanged += 1
            else:
                (to_present if value == Attendance.PRESENT else to_absent).append(row)
        changes = ((Attendance.PRESENT, to_present), (Attendance.ABSENT, to_absent))
        with connection.cursor() as cursor:
            # COPY bypasses the per-statement audit context: name the user for the triggers explicitly.
            set_local_context(cursor, user, reason=note)
            for value, changed in changes:
                if changed:
                    cursor.execute(
                        f"UPDATE {Notice._meta.db_table} SET attendance = %s, attendance_recorded_at = %s, "
                        "updated_at = %s WHERE id = ANY(%s)",
                        [value, now, now, [row[0] for row in changed]],
                    )
            # Presence is a service record (it counts toward the caps of Art. 26-28), absence removes it.
            if to_present:
                copy_rows(
                    cursor,
                    ServiceRecord._meta.db_table,
                    SERVICE_COLUMNS,
                    (
                        (now, now, row[1], order.mobilization_type, row[3], order.days, ServiceSource.PORTAL, row[2])
                        for row in to_present
                    ),
                )
            for start in range(0, len(to_absent), CHUNK):
                part = to_absent[start : start + CHUNK]
                ServiceRecord.objects.filter(
                    reservist_id__in=[row[1] for row in part],
                    source=ServiceSource.PORTAL,
                    reference__in=[row[2] for row in part],
                ).delete()
            if not (to_present or to_absent):
                return result
            copy_rows(
                cursor,
                NoticeEvent._meta.db_table,
                EVENT_COLUMNS,
                (
                    (
                        row[0],
                        now,
                        row[4],
                        f"attendance.{value}",
                        note,
                        "",
                        user.pk,
                        user.get_username(),
                    )
                    for value, changed in changes
                    for row in changed
                ),
            )
    result.present, result.absent = len(to_present), len(to_absent)
    return result
