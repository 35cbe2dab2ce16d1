"""Report day in bulk: the attendance of many notices of one order in one transaction, set-based.

The same step as actions.record_attendance, for a file of thousands of rows: the notices are locked and
changed with a few UPDATEs, presence becomes service records (bulk create), a presence corrected to absence
removes its record again (one DELETE), and every change is a NoticeEvent (bulk create). Unchanged rows are
left alone, as record_attendance does, so uploading the same file twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from core.scope import OutOfScope
from reservists.choices import ServiceSource
from reservists.models import ServiceRecord

from . import actions
from .choices import Attendance
from .models import Notice, NoticeEvent

CHUNK = 5000


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
    who = actions._user_fields(user)
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
        for value, changed in ((Attendance.PRESENT, to_present), (Attendance.ABSENT, to_absent)):
            changed_ids = [row[0] for row in changed]
            for start in range(0, len(changed_ids), CHUNK):
                Notice.objects.filter(pk__in=changed_ids[start : start + CHUNK]).update(
                    attendance=value, attendance_recorded_at=now, updated_at=now
                )
        # Presence is a service record (it counts toward the caps of Art. 26-28), absence removes it.
        ServiceRecord.objects.bulk_create(
            [
                ServiceRecord(
                    reservist_id=row[1],
                    mobilization_type=order.mobilization_type,
                    start_date=row[3],
                    days=order.days,
                    source=ServiceSource.PORTAL,
                    reference=row[2],
                )
                for row in to_present
            ],
            batch_size=2000,
        )
        for start in range(0, len(to_absent), CHUNK):
            part = to_absent[start : start + CHUNK]
            ServiceRecord.objects.filter(
                reservist_id__in=[row[1] for row in part],
                source=ServiceSource.PORTAL,
                reference__in=[row[2] for row in part],
            ).delete()
        NoticeEvent.objects.bulk_create(
            [
                NoticeEvent(notice_id=row[0], event=f"attendance.{value}", note=note, status=row[4], **who)
                for value, changed in ((Attendance.PRESENT, to_present), (Attendance.ABSENT, to_absent))
                for row in changed
            ],
            batch_size=2000,
        )
    result.present, result.absent = len(to_present), len(to_absent)
    return result
