"""Call-ups: orders, fill rate against quota, no-shows and postponements (mobilization app).

Orders count when their report date is within the year before the report date or after it (recent and
upcoming call-ups). An order's fill is its first-wave candidates (ranked, not excluded) up to its quota. In a
county report the fill rate counts only the orders aimed wholly at that county (a nationwide order's quota is
not the county's), while the county's first-wave people are shown for every order reaching it.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import reader_date
from mobilization.choices import Attendance, OrderStatus
from mobilization.models import CallUpOrder, Candidate, NoShowCase, Notice, Postponement

from .. import charts
from ..choices import ScopeKind
from .base import Indicator, light, not_applicable, num, pct, ratio

KEY = "call_ups"
TITLE = gettext_lazy("Call-ups")
TEMPLATE = "reports/sections/call_ups.html"

# First-wave candidates against the orders' quota: green from 95 %, amber from 80 %.
FILL_RATE_OK, FILL_RATE_WARN = 0.95, 0.80
# No-shows among those due to report: green up to 5 %, amber up to 10 %.
NO_SHOW_OK, NO_SHOW_WARN = 0.05, 0.10
LOOKBACK_DAYS = 365
# Orders that have (or had) a selection standing: the ones a fill rate means something for.
FILLED_STATUSES = (
    OrderStatus.SELECTED,
    OrderStatus.SUBMITTED,
    OrderStatus.APPROVED,
    OrderStatus.ISSUING,
    OrderStatus.ISSUED,
    OrderStatus.CLOSED,
)


def gather(scope, as_of, detail: bool = True) -> dict:
    if scope.kind == ScopeKind.AGENCY:
        return not_applicable()
    since = as_of - datetime.timedelta(days=LOOKBACK_DAYS)
    orders = scope.apply(CallUpOrder.objects.filter(report_date__gte=since))
    by_status = dict(orders.order_by().values_list("status").annotate(n=Count("id")))
    live = orders.filter(status__in=FILLED_STATUSES)
    if scope.kind == ScopeKind.NATION:
        own = live
    else:
        # Aimed wholly at this county: has targets and every target is inside the county.
        ids = scope.user_scope.region_ids
        own = live.annotate(
            targets=Count("target_regions", distinct=True),
            inside=Count("target_regions", filter=Q(target_regions__in=ids), distinct=True),
        ).filter(targets__gt=0, targets=F("inside"))
    first_wave = scope.apply(Candidate.objects.filter(order__in=live, rank__isnull=False, excluded=False))
    per_order = dict(first_wave.order_by().values_list("order").annotate(n=Count("id")))
    own_quota = dict(own.values_list("id", "quota"))
    filled = sum(min(per_order.get(pk, 0), quota) for pk, quota in own_quota.items())
    figures = {
        "available": True,
        "orders": sum(by_status.values()),
        "by_status": by_status,
        "live_orders": live.count(),
        "quota": sum(own_quota.values()),
        "filled": filled,
        "first_wave_people": sum(per_order.values()),
        "no_shows": None,
        "postponements": None,
    }
    figures.update(_attendance(scope, live, as_of))
    if detail:
        figures["by_type"] = dict(live.order_by().values_list("mobilization_type").annotate(q=Sum("quota")))
        figures["order_rows"] = [
            [o.pk, o.title, o.mobilization_type, o.report_date.isoformat(), o.quota, per_order.get(o.pk, 0), o.status]
            for o in live.order_by("-report_date", "-id")[:12]
        ]
    return figures


def _attendance(scope, live, as_of=None) -> dict:
    """No-shows among the notices whose attendance is recorded, Art. 31 postponements, and the follow-up of
    no-shows (mobilization/services/closing.py): open cases, overdue ones, and how the others ended."""
    notices = scope.apply(Notice.objects.filter(order__in=live))
    counts = notices.aggregate(
        due=Count("id", filter=Q(attendance__in=(Attendance.PRESENT, Attendance.ABSENT))),
        no_shows=Count("id", filter=Q(attendance=Attendance.ABSENT)),
    )
    cases = scope.apply(NoShowCase.objects.filter(order__in=live))
    return {
        "due": counts["due"],
        "no_shows": counts["no_shows"],
        "postponements": scope.apply(Postponement.objects.filter(notice__order__in=live)).count(),
        "cases": cases.aggregate(
            open=Count("id", filter=Q(status="open")),
            overdue=Count("id", filter=Q(status="open", due_date__lt=as_of or datetime.date.today())),
            justified=Count("id", filter=Q(status="justified")),
            referred=Count("id", filter=Q(status="referred")),
            public_notice=Count("id", filter=Q(status="public_notice")),
        ),
    }


def indicators(figures) -> list[Indicator]:
    available = figures.get("available")
    fill = ratio(figures.get("filled", 0), figures.get("quota", 0)) if available else None
    no_show = None
    if available and figures.get("no_shows") is not None:
        no_show = ratio(figures["no_shows"], figures.get("due", 0))
    return [
        Indicator(
            "call_ups.fill_rate",
            _("Call-up fill rate against quota"),
            fill,
            f"{pct(fill)} ({num(figures.get('filled'))}/{num(figures.get('quota'))})" if fill is not None else "—",
            light(fill, FILL_RATE_OK, FILL_RATE_WARN),
            _("green ≥ %(ok)s, amber ≥ %(warn)s") % {"ok": pct(FILL_RATE_OK), "warn": pct(FILL_RATE_WARN)},
        ),
        Indicator(
            "call_ups.no_show_rate",
            _("No-show rate"),
            no_show,
            pct(no_show) if no_show is not None else _("no data yet"),
            light(no_show, NO_SHOW_OK, NO_SHOW_WARN, higher_is_better=False),
            _("green ≤ %(ok)s, amber ≤ %(warn)s") % {"ok": pct(NO_SHOW_OK), "warn": pct(NO_SHOW_WARN)},
        ),
    ]


def charts_for(figures, scope, region_names) -> dict:
    if not figures.get("available"):
        return {}
    from reservists.choices import MobilizationType

    fill = ratio(figures.get("filled", 0), figures.get("quota", 0))
    types = dict(MobilizationType.choices)
    statuses = dict(OrderStatus.choices)
    if not figures.get("live_orders"):
        return {}
    return {
        "fill": charts.share_bar(fill, status=light(fill, FILL_RATE_OK, FILL_RATE_WARN)),
        "types": charts.bar_chart([(types.get(k, k), v) for k, v in (figures.get("by_type") or {}).items()]),
        # Stored as data (type and status codes, ISO dates); read in the reader's words and calendar.
        "order_rows": [
            [*row[:2], types.get(row[2], row[2]), reader_date(row[3]), *row[4:6], statuses.get(row[6], row[6])]
            for row in figures.get("order_rows", [])
        ],
    }
