from .base import (  # noqa: F401
    KeysetListMixin,
    PortalPermissionMixin,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedObjectMixin,
    ScopedParentMixin,
    ScopedUpdateView,
    add_form_errors,
    save_in_scope,
    show_refusal,
)
from .pages import (  # noqa: F401,E402
    AuditListView,
    DashboardView,
    PersonalDataAccessView,
    RegionListView,
    job_detail,
    job_download,
)
