from .base import (  # noqa: F401
    KeysetListMixin,
    PortalPermissionMixin,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedObjectMixin,
    ScopedUpdateView,
)
from .pages import (  # noqa: F401,E402
    AuditListView,
    DashboardView,
    PersonalDataAccessView,
    RegionListView,
    job_detail,
    job_download,
)
