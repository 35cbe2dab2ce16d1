"""Model permissions of the CI app per role (scope is separate: agencies see their own organisation's assets)."""

VIEW = [
    "cip.view_sector",
    "cip.view_subsector",
    "cip.view_riskmatrix",
    "cip.view_asset",
    "cip.view_assetcontact",
    "cip.view_dependency",
    "cip.view_riskassessment",
    "cip.view_protectionplan",
    "cip.view_planunit",
]
EDIT = [
    "cip.add_asset",
    "cip.change_asset",
    "cip.add_assetcontact",
    "cip.change_assetcontact",
    "cip.delete_assetcontact",
    "cip.add_dependency",
    "cip.delete_dependency",
    "cip.add_riskassessment",
    "cip.add_protectionplan",
    "cip.change_protectionplan",
    "cip.add_planunit",
    "cip.change_planunit",
    "cip.delete_planunit",
]

PERMISSIONS = {
    "mnd_admin": VIEW
    + [
        "cip.add_sector",
        "cip.change_sector",
        "cip.add_subsector",
        "cip.change_subsector",
        "cip.change_riskmatrix",
    ],
    "mnd_staff": VIEW + EDIT,
    "mnd_approver": VIEW + ["cip.approve_protectionplan"],
    # Read-only for the county's assets: local governments plan protection with the armed forces
    # but the asset record belongs to its operator.
    "local_gov": VIEW,
    "agency": VIEW + EDIT,
}
