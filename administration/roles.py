"""Model permissions of account administration per role. A county account administrator is a local government
official who also holds `administration.manage_county_accounts` as their own grant (given by an MND
administrator), not a role: scope comes from their county."""

PERMISSIONS = {
    "mnd_admin": [
        "administration.view_account",
        "administration.add_account",
        "administration.change_account",
        "administration.approve_access",
        "administration.review_access",
        "administration.view_pendinggrant",
        "administration.view_accessgrant",
        "administration.view_accessreview",
        "administration.add_accessreview",
        "core.view_organisation",
        "core.add_organisation",
        "core.change_organisation",
    ],
    # The auditor reads every model already (core.roles); the review and its export need their own permission.
    "auditor": ["administration.review_access"],
}
