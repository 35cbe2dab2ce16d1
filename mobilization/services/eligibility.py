"""People who turn ineligible before report day: a new Art. 29 grant valid on the report date (they are called
successively, not now), a residence move out of the order's target, or leaving the registry (deceased,
emigrated, removed). Their notices are withdrawn, each person told, and their places go to the next candidates
(replacement.py), in one set-based step per order.

Two ways in, one body (`release`):
- on demand, for one order: `ReleaseIneligible` (`POST /api/mobilization/orders/{id}/release-ineligible/`);
- automatically, when the registry change is executed: reservists send `reservists.signals.eligibility_changed`
  inside the transaction that approves a move, records a grant or changes a person's status or township, and
  `on_eligibility_changed` releases (and replaces) that person's notices of every issued order whose report day
  has not come, with the named event `mobilization.notice.released_automatically` per order. Nothing happens
  when the report day has come (the person reports or is a no-show), when attendance is recorded, or when the
  order is not issued (closed, recalled). Replacement follows unless the order itself waived it (no pool left
  is the recorded shortfall, as always)."""

from __future__ import annotations

from collections import defaultdict

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core import events
from core.actions import Action

from .. import events_lifecycle as ev
from ..choices import GapReason, NoticeStatus, OrderStatus
from ..models import CallUpOrder, Notice
from . import replacement
from .exemptions import _alert
from .lifecycle import OPEN, add_notice_events, user_fields

# Why a notice no longer binds -> the gap's reason. "registry": deceased, emigrated or removed.
CAUSES = {"grant": GapReason.INELIGIBLE, "moved": GapReason.MOVED, "registry": GapReason.INELIGIBLE}
NOTICE_EVENT = {"grant": "released.ineligible", "moved": "released.moved", "registry": "released.registry"}


def turned_ineligible(order=None, *, reservist_ids=None, before_report_day: bool = False) -> dict:
    """(order id, cause) -> ids of open notices (no attendance, issued order) whose person may no longer be called
    by that order. Restricted to one order and/or to some people; `before_report_day` keeps only notices whose
    report day is still ahead (the automatic release)."""
    through = CallUpOrder.target_regions.through._meta.db_table
    where = ["n.status = ANY(%(open)s)", "n.attendance IS NULL", "o.status = %(issued)s"]
    params: dict = {"open": list(OPEN), "issued": OrderStatus.ISSUED}
    if order is not None:
        where.append("n.order_id = %(order)s")
        params["order"] = order.pk
    if reservist_ids is not None:
        where.append("n.reservist_id = ANY(%(people)s)")
        params["people"] = list(reservist_ids)
    if before_report_day:
        where.append("n.report_date > %(today)s")
        params["today"] = timezone.localdate()
    granted = """EXISTS (SELECT 1 FROM reservists_prioritygrant g
                         WHERE g.reservist_id = r.id AND g.kind = 'successive' AND g.valid_from <= n.report_date
                           AND (g.valid_until IS NULL OR g.valid_until >= n.report_date))"""
    moved = f"""(EXISTS (SELECT 1 FROM {through} t WHERE t.calluporder_id = n.order_id)
                 AND NOT EXISTS (SELECT 1 FROM {through} t JOIN core_region reg ON reg.id = t.region_id
                                 WHERE t.calluporder_id = n.order_id
                                   AND (reg.id = r.township_id
                                        OR reg.id = (SELECT parent_id FROM core_region WHERE id = r.township_id))))"""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT n.order_id, n.id,
                   CASE WHEN r.status <> 'active' THEN 'registry' WHEN {granted} THEN 'grant' ELSE 'moved' END
            FROM {Notice._meta.db_table} n
            JOIN reservists_reservist r ON r.id = n.reservist_id
            JOIN {CallUpOrder._meta.db_table} o ON o.id = n.order_id
            WHERE {" AND ".join(where)} AND (r.status <> 'active' OR {granted} OR {moved})
            ORDER BY n.id
            """,
            params,
        )
        found: dict = defaultdict(list)
        for order_id, pk, cause in cursor.fetchall():
            found[(order_id, cause)].append(pk)
    return found


def release(order, by_cause: dict[str, list[int]], *, note: str = "", user=None, replace: bool = True) -> dict:
    """Withdraw the notices (a guarded set-based update: only those still open change), write their history,
    tell each living person, open one gap each and schedule the replacement. cause -> count, and the job."""
    ids = [pk for group in by_cause.values() for pk in group]
    counts = dict.fromkeys(CAUSES, 0)
    if not ids:
        return {**counts, "job": None}
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {Notice._meta.db_table} SET status = %s, status_changed_at = %s, updated_at = %s
            WHERE id = ANY(%s) AND status = ANY(%s) AND attendance IS NULL
            RETURNING id
            """,
            [NoticeStatus.WITHDRAWN, now, now, ids, list(OPEN)],
        )
        changed = {row[0] for row in cursor.fetchall()}
    pending = 0
    for cause, group in by_cause.items():
        group = [pk for pk in group if pk in changed]
        if not group:
            continue
        counts[cause] = len(group)
        add_notice_events(group, event=NOTICE_EVENT[cause], status=NoticeStatus.WITHDRAWN, note=note, user=user)
        _alert(group, "withdrawn", living_only=True)  # nobody writes to the dead
        pending += replacement.open_gaps(order, group, CAUSES[cause], replace=replace)
    job = replacement.schedule(order, pending, user)
    return {**counts, "job": job.pk if job else None}


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
        result = release(
            order, {cause: ids for (_order, cause), ids in found.items()}, note=note, user=user, replace=replace
        )
        return {
            "ineligible": result["grant"] + result["registry"],
            "moved": result["moved"],
            "job": result["job"],
        }


def on_eligibility_changed(sender=None, *, reservist_ids, cause: str = "", user=None, **kwargs) -> list[dict]:
    """Receiver of `reservists.signals.eligibility_changed`, inside the registry change's transaction: release
    and replace these people's notices that no longer bind, order by order, each order under its row lock."""
    return release_turned_ineligible(reservist_ids, cause=cause, user=user)


def release_turned_ineligible(reservist_ids, *, cause: str = "", user=None) -> list[dict]:
    found = turned_ineligible(reservist_ids=list(reservist_ids), before_report_day=True)
    by_order: dict[int, dict] = defaultdict(dict)
    for (order_id, why), ids in found.items():
        by_order[order_id][why] = ids
    results = []
    for order_id in sorted(by_order):
        order = CallUpOrder.objects.select_for_update().get(pk=order_id)
        if order.status != OrderStatus.ISSUED:
            continue
        result = release(order, by_order[order_id], note=str(cause or ""), user=user)
        released = sum(result[c] for c in CAUSES)
        if released:
            events.record(
                ev.NOTICE_RELEASED_AUTO,
                user=user_fields(user)["user"],
                obj=order,
                after={"cause": cause, "reservists": sorted(set(reservist_ids)), **result},
            )
        results.append({"order": order_id, **result})
    return results
