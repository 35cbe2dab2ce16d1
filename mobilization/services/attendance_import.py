"""Attendance upload (CSV or XLSX) for one order, on the shared all-or-nothing framework (core/importing.py).

Every row is checked first: the notice number must be one of the order's notices in the user's area, given
once, and `attended` a yes or a no in either language; one bad row means nothing is recorded. The rows are
then recorded together by actions_bulk.record_attendance_many (the same step as one notice's attendance).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import format_roc
from core.events import record
from core.importing import Column, Importer, RowError

from .. import events
from ..models import CallUpOrder, Notice
from . import notices as actions
from . import notices_bulk as actions_bulk

MAX_ROWS = 300_000
LOOKUP_CHUNK = 5000

YES = {"是", "有", "到", "出席", "報到", "已報到", "y", "yes", "1", "true", "present", "attended"}
NO = {"否", "無", "未到", "缺席", "未報到", "n", "no", "0", "false", "absent"}


def parse_attended(value: str) -> bool:
    key = value.strip().lower()
    if key in YES:
        return True
    if key in NO:
        return False
    raise ValidationError(
        _("%(value)s is neither a yes nor a no: write 是 or 否 (yes/no, 1/0, present/absent).") % {"value": value}
    )


class AttendanceImport(Importer):
    kind = "mobilization.attendance"
    max_rows = MAX_ROWS  # reading stops at the first row beyond it
    permission = "mobilization.record_attendance"
    title = gettext_lazy("Attendance upload")
    columns = [
        Column("notice_number", gettext_lazy("notice number"), max_length=30, example="113E00001-000001"),
        Column("attended", gettext_lazy("attended"), parse=parse_attended, example="是"),
    ]

    def __init__(self, user=None, params: dict | None = None):
        super().__init__(user, params)
        self.ids: dict[str, int] = {}

    def order(self) -> CallUpOrder | None:
        if self.user is None:
            return None
        return CallUpOrder.objects.for_user(self.user).filter(pk=self.params.get("order")).first()

    def validate_all(self, rows):
        order = self.order()
        if order is None:
            yield RowError(0, "", _("The order is not in your area."))
            return
        if order.status not in actions.LIVE_ORDER:
            yield RowError(
                0,
                "",
                _("The order is “%(s)s”: attendance can no longer be recorded.") % {"s": order.get_status_display()},
            )
            return
        if len(rows) > MAX_ROWS:
            yield RowError(0, "", _("At most %(n)d rows per file.") % {"n": MAX_ROWS})
            return
        label = str(self.column_label("notice_number"))
        seen: dict[str, int] = {}
        for row in rows:
            number = row.values["notice_number"]
            if number in seen:
                yield RowError(
                    row.number,
                    label,
                    _("The same notice number is already on row %(row)d of this file.") % {"row": seen[number]},
                )
            else:
                seen[number] = row.number
        numbers = list(seen)
        notices = Notice.objects.for_user(self.user).filter(order=order)
        report_days = {}
        for start in range(0, len(numbers), LOOKUP_CHUNK):
            for number, pk, day in notices.filter(number__in=numbers[start : start + LOOKUP_CHUNK]).values_list(
                "number", "pk", "report_date"
            ):
                self.ids[number] = pk
                report_days[number] = day
        # Attendance is recorded from the report day on (the same rule as one notice's form: RecordAttendance).
        today = actions.today()
        for row in rows:
            number = row.values["notice_number"]
            if number not in self.ids and seen.get(number) == row.number:
                yield RowError(
                    row.number,
                    label,
                    _("No notice of this order in your area has the number %(number)s.") % {"number": number},
                )
            elif number in report_days and report_days[number] > today:
                yield RowError(
                    row.number,
                    label,
                    _("Attendance is recorded from the report day on: this notice reports on %(date)s.")
                    % {"date": format_roc(report_days[number])},
                )

    def write(self, cursor, rows) -> int:
        order = self.order()
        marks = {self.ids[row.values["notice_number"]]: row.values["attended"] for row in rows}
        result = actions_bulk.record_attendance_many(
            user=self.user,
            order=order,
            marks=marks,
            note=_("Uploaded file %(file)s") % {"file": self.params.get("filename", "")},
        )
        record(
            events.ORDER_ATTENDANCE_UPLOADED,
            user=self.user,
            obj=order,
            after={"present": result.present, "absent": result.absent, "unchanged": result.unchanged},
            note=self.params.get("filename", ""),
        )
        return len(rows)
