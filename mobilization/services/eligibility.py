"""People who turn ineligible before report day: a new Art. 29 grant valid on the report date (they are called
successively, not now), or a residence move out of the order's target. Their notices are withdrawn, each person
told, and their places go to the next candidates (replacement.py), in one set-based step over the order."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.actions import Action

from .. import events_lifecycle as ev
from ..choices import GapReason, NoticeStatus, OrderStatus
from ..models import CallUpOrder, Notice
from . import replacement
from .exemptions import _alert, withdrawn_text
from .lifecycle import OPEN, add_notice_events


def turned_ineligible(order) -> dict[str, list[int]]:
    """reason -> ids of the order's open notices whose person may no longer be called by it."""
    through = CallUpOrder.target_regions.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT n.id,
                   CASE WHEN EXISTS (SELECT 1 FROM reservists_prioritygrant g
                                     WHERE g.reservist_id = r.id AND g.kind = 'successive'
                                       AND g.valid_from <= n.report_date
                                       AND (g.valid_until IS NULL OR g.valid_until >= n.report_date))
                        THEN 'ineligible' ELSE 'moved' END
            FROM {Notice._meta.db_table} n JOIN reservists_reservist r ON r.id = n.reservist_id
            WHERE n.order_id = %(order)s AND n.status = ANY(%(open)s) AND n.attendance IS NULL AND (
                EXISTS (SELECT 1 FROM reservists_prioritygrant g
                        WHERE g.reservist_id = r.id AND g.kind = 'successive' AND g.valid_from <= n.report_date
                          AND (g.valid_until IS NULL OR g.valid_until >= n.report_date))
                OR (EXISTS (SELECT 1 FROM {through} t WHERE t.calluporder_id = n.order_id)
                    AND NOT EXISTS (SELECT 1 FROM {through} t JOIN core_region reg ON reg.id = t.region_id
                                    WHERE t.calluporder_id = n.order_id
                                      AND (reg.id = r.township_id
                                           OR reg.id = (SELECT parent_id FROM core_region WHERE id = r.township_id)))))
            """,
            {"order": order.pk, "open": list(OPEN)},
        )
        found: dict[str, list[int]] = {GapReason.INELIGIBLE: [], GapReason.MOVED: []}
        for pk, reason in cursor.fetchall():
            found[reason].append(pk)
    return found


class ReleaseIneligible(Action):
    """Withdraw the notices of everyone who turned ineligible and replace them (unless `replace` is false)."""

    model = CallUpOrder
    event = ev.NOTICE_RELEASED.name
    label = gettext_lazy("Replace people who turned ineligible")
    permission = "mobilization.decide_exemption"
    from_states = {OrderStatus.ISSUED}
    state_code = "order.wrong_status"

    def describe(self, order, **params) -> dict:
        return {"quota": order.quota}

    def effect(self, user, order, note="", replace=True, **params):
        found = turned_ineligible(order)
        ids = found[GapReason.INELIGIBLE] + found[GapReason.MOVED]
        if not ids:
            return {"ineligible": 0, "moved": 0, "job": None}
        now = timezone.now()
        Notice.objects.filter(pk__in=ids, status__in=OPEN).update(
            status=NoticeStatus.WITHDRAWN, status_changed_at=now, updated_at=now
        )
        for reason, group in found.items():
            add_notice_events(group, event=f"released.{reason}", status=NoticeStatus.WITHDRAWN, note=note, user=user)
        _alert(Notice.objects.filter(pk__in=ids).select_related("reservist"), withdrawn_text)
        pending = sum(
            replacement.open_gaps(order, group, reason, replace=replace) for reason, group in found.items() if group
        )
        job = replacement.schedule(order, pending, user)
        return {
            "ineligible": len(found[GapReason.INELIGIBLE]),
            "moved": len(found[GapReason.MOVED]),
            "job": job.pk if job else None,
        }
