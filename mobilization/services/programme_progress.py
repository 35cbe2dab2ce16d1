"""Progress against the annual programme, per line and per county: planned, drawn by orders, issued, reported,
and the measured yield (reported of issued) of the orders that are closed.

Every figure is counted under a scope (core.scope.UserScope: a user's, or a report's): a county official sees
the lines aimed at their county
and only their county's orders and notices; "remaining" (what the whole line has left) is shown to nationwide
users only.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q

from core.models import Region
from core.scope import UserScope, scope_q

from ..choices import Attendance, OrderStatus
from ..models import AnnualProgramme, CallUpOrder, Notice
from .programme import NOT_DRAWING, counties_of, drawn_by_line


def _yield(reported: int, issued: int) -> float | None:
    return round(reported / issued, 4) if issued else None


def scoped(queryset, scope: UserScope):
    q = scope_q(queryset.model, scope)
    return queryset if q is None else queryset.filter(q)


def programme_progress(programme: AnnualProgramme, scope: UserScope) -> dict:
    nation = scope.nation
    lines = list(scoped(programme.lines.all(), scope).prefetch_related("target_regions").order_by("period", "key"))
    line_ids = [line.pk for line in lines]
    orders = list(
        scoped(CallUpOrder.objects.all(), scope)
        .filter(programme_line_id__in=line_ids)
        .exclude(status__in=NOT_DRAWING)
        .prefetch_related("target_regions")
    )
    notice_rows = (
        scoped(Notice.objects.all(), scope)
        .filter(order__programme_line_id__in=line_ids)
        .order_by()
        .values("order__programme_line_id", "township__parent_id")
        .annotate(
            issued=Count("pk"),
            reported=Count("pk", filter=Q(attendance=Attendance.PRESENT)),
            closed_issued=Count("pk", filter=Q(order__status=OrderStatus.CLOSED)),
            closed_reported=Count("pk", filter=Q(order__status=OrderStatus.CLOSED, attendance=Attendance.PRESENT)),
        )
    )
    per_line: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    per_county: dict[tuple[int, int], dict] = defaultdict(lambda: defaultdict(int))
    for row in notice_rows:
        for figures in (
            per_line[row["order__programme_line_id"]],
            per_county[(row["order__programme_line_id"], row["township__parent_id"])],
        ):
            for name in ("issued", "reported", "closed_issued", "closed_reported"):
                figures[name] += row[name]
    for order in orders:
        per_line[order.programme_line_id]["drawn"] += order.quota
        counties = counties_of(order.target_regions.all())
        if counties and len(counties) == 1:
            per_county[(order.programme_line_id, next(iter(counties)))]["drawn"] += order.quota
    whole_line_drawn = drawn_by_line(line_ids) if nation else {}
    visible_counties = None if nation else scope.county_ids() | scope.enclosing_ids
    names = {r.pk: (r.code, r.name) for r in Region.objects.counties()}
    result_lines = []
    for line in lines:
        figures = per_line[line.pk]
        targets = [r.pk for r in line.target_regions.all()]
        county_ids = {county for (line_id, county) in per_county if line_id == line.pk} | set(targets)
        if visible_counties is not None:
            county_ids &= set(visible_counties)
        counties = []
        for county in sorted(county_ids, key=lambda pk: names.get(pk, ("", ""))[0]):
            c = per_county[(line.pk, county)]
            counties.append(
                {
                    "county": names.get(county, ("", ""))[0],
                    "name": names.get(county, ("", ""))[1],
                    "planned": line.number if targets == [county] else None,
                    "drawn": c["drawn"],
                    "issued": c["issued"],
                    "reported": c["reported"],
                    "yield": _yield(c["closed_reported"], c["closed_issued"]),
                }
            )
        drawn = whole_line_drawn.get(line.pk, 0) if nation else figures["drawn"]
        result_lines.append(
            {
                "id": line.pk,
                "key": line.key,
                "mobilization_type": line.mobilization_type,
                "period": line.period,
                "target_regions": sorted(r.code for r in line.target_regions.all()),
                "planned": line.number,
                "days": line.days,
                "drawn": drawn,
                "remaining": max(line.number - drawn, 0) if nation else None,
                "issued": figures["issued"],
                "reported": figures["reported"],
                "yield": _yield(figures["closed_reported"], figures["closed_issued"]),
                "counties": counties,
            }
        )
    totals = {name: sum(line[name] for line in result_lines) for name in ("planned", "drawn", "issued", "reported")}
    return {
        "programme": programme.pk,
        "year": programme.year,
        "version": programme.version,
        "lines": result_lines,
        "totals": totals,
    }


def dashboard_panels(request) -> list:
    """The year's programme on the dashboard: planned, drawn by orders and reported, in the user's scope."""
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from core.dashboard import Figure, Panel
    from core.scope import get_scope

    user = request.user
    if not user.has_perm("mobilization.view_annualprogramme"):
        return []
    year = timezone.localdate().year
    programme = AnnualProgramme.objects.for_user(user).in_force(year)
    if programme is None:
        return [
            Panel(
                _("Annual programme %(year)s") % {"year": year},
                [Figure(_("Not approved yet"), "—", reverse("mobilization:programme-list"), "warn")],
                order=21,
            )
        ]
    totals = programme_progress(programme, get_scope(user))["totals"]
    url = reverse("mobilization:programme-detail", args=[programme.pk])
    return [
        Panel(
            _("Annual programme %(year)s") % {"year": year},
            [
                Figure(_("Planned"), f"{totals['planned']:,}", url),
                Figure(_("Drawn by orders"), f"{totals['drawn']:,}", url),
                Figure(_("Reported"), f"{totals['reported']:,}", url),
            ],
            order=21,
        )
    ]
