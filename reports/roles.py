"""Who may read and request readiness reports. Scope (which reports) comes from Report.scope_filter."""

VIEW = ["reports.view_report"]
REQUEST = ["reports.view_report", "reports.add_report"]

PERMISSIONS = {
    "mnd_admin": REQUEST,
    "mnd_staff": REQUEST,
    "mnd_approver": REQUEST,
    "local_gov": REQUEST,
    "township_office": VIEW,
    "agency": REQUEST,
    "auditor": VIEW,
}
