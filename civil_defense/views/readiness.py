from django.views.generic import TemplateView

from core.views import PortalPermissionMixin

from .. import metrics
from ..choices import StationKind
from ..training import due_window_days, valid_days


class ReadinessView(PortalPermissionMixin, TemplateView):
    """The county's readiness figures: strength against establishment, trained share, shelter fill."""

    permission_required = "civil_defense.view_team"
    template_name = "civil_defense/readiness.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = metrics.county_readiness(self.request.user)
        for row in rows:
            row.station_list = [(label, row.stations.get(kind, 0)) for kind, label in StationKind.choices]
        context.update(
            rows=rows,
            total=metrics.totals(rows) if len(rows) > 1 else None,
            valid_days=valid_days(),
            due_days=due_window_days(),
            station_kinds=StationKind.choices,
        )
        return context
