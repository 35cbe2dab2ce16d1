"""The registry's dashboard panel: cheap figures within the user's scope (no COUNT(*) over the registry)."""

from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext as _

from core.dashboard import Figure, Panel
from core.scope import get_scope

from .choices import MoveStatus
from .models import Reservist, ResidenceMove

BOUND = 100_000


def estimated_rows(model) -> int:
    """The planner's row estimate (pg_class.reltuples): free, and close enough for a nationwide figure."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table])
        row = cursor.fetchone()
    return max(0, row[0]) if row else 0


def bounded_count(queryset, bound: int = BOUND) -> str:
    """An exact count up to `bound`, then "100,000+": cost bounded however big the area is."""
    n = queryset.values("pk")[: bound + 1].count()
    return f"{bound:,}+" if n > bound else f"{n:,}"


def panels(request):
    user = request.user
    if not user.has_perm("reservists.view_reservist"):
        return []
    scope = get_scope(user)
    if scope.nation:
        total = _("about %(n)s") % {"n": f"{estimated_rows(Reservist):,}"}
    else:
        total = bounded_count(Reservist.objects.for_user(user))
    figures = [Figure(_("Reservists in your area"), total, reverse("reservists:list"))]
    if user.has_perm("reservists.view_residencemove"):
        pending = ResidenceMove.objects.for_user(user).filter(status=MoveStatus.PENDING)
        n = pending.values("pk")[:1000].count()
        figures.append(
            Figure(
                _("Residence moves awaiting a decision"),
                n if n < 1000 else "1,000+",
                reverse("reservists:move-queue"),
                "warn" if n and user.has_perm("reservists.decide_residencemove") else "",
            )
        )
    return [Panel(_("Reserve registry"), figures, order=10)]
