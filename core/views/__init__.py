from .base import (  # noqa: F401
    KeysetListMixin,
    PortalPermissionMixin,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedObjectMixin,
    ScopedUpdateView,
)
from .pages import AuditListView, DashboardView, RegionListView, job_detail, job_download  # noqa: F401,E402
