"""Who may do what with call-up orders and the rule policy (scope is separate: see models.scope_filter)."""

VIEW = ["mobilization.view_calluporder", "mobilization.view_candidate", "mobilization.view_rulepolicy"]
# The annual programme (Art. 24, 27, 28) and rotation leave (Art. 32).
PROGRAMME_VIEW = [
    "mobilization.view_annualprogramme",
    "mobilization.view_programmeline",
    "mobilization.view_rotationleave",
]
NOTICES_VIEW = [
    "mobilization.view_notice",
    "mobilization.view_noticeevent",
    "mobilization.view_noticebatch",
    "mobilization.view_postponement",
]
# The end of the call-up (services/exemptions.py, changes.py, closing.py): exemption, replacement, recall, no-shows.
LIFECYCLE_VIEW = [
    "mobilization.view_exemptionground",
    "mobilization.view_exemption",
    "mobilization.view_exemptiondocument",
    "mobilization.view_gap",
    "mobilization.view_orderchange",
    "mobilization.view_orderyield",
    "mobilization.view_noshowcase",
    "mobilization.view_noshowstep",
]
LIFECYCLE_STAFF = LIFECYCLE_VIEW + [
    "mobilization.request_exemption",
    "mobilization.decide_exemption",
    "mobilization.propose_orderchange",
    "mobilization.close_calluporder",
    "mobilization.record_noshow_step",
]

PERMISSIONS = {
    # Drafts, selects, reviews, submits and cancels orders.
    "mnd_staff": VIEW
    + [
        "mobilization.add_calluporder",
        "mobilization.change_calluporder",
        "mobilization.select_calluporder",
        "mobilization.submit_calluporder",
        "mobilization.cancel_calluporder",
        "mobilization.change_candidate",
        "mobilization.check_eligibility",
        # Issues the notices of approved orders and runs report day (Art. 31: the MND unit decides deferrals).
        "mobilization.issue_notices",
        "mobilization.deliver_notice",
        "mobilization.record_attendance",
        "mobilization.request_postponement",
        "mobilization.decide_postponement",
        # Drafts and submits the annual programme; records rotation leave.
        "mobilization.add_annualprogramme",
        "mobilization.change_annualprogramme",
        "mobilization.submit_annualprogramme",
        "mobilization.add_rotationleave",
    ]
    + NOTICES_VIEW
    + PROGRAMME_VIEW
    + LIFECYCLE_STAFF,
    # Approves or rejects; never an order they drafted or submitted (services._four_eyes).
    "mnd_approver": VIEW
    + NOTICES_VIEW
    + PROGRAMME_VIEW
    + LIFECYCLE_VIEW
    + [
        "mobilization.approve_calluporder",
        "mobilization.approve_annualprogramme",
        "mobilization.check_eligibility",
        "mobilization.decide_orderchange",
    ],
    # Publishes rule-policy versions (Art. 33).
    "mnd_admin": VIEW
    + PROGRAMME_VIEW
    + ["mobilization.add_rulepolicy", "mobilization.check_eligibility"]
    + ["mobilization.view_exemptionground", "mobilization.add_exemptionground", "mobilization.change_exemptionground"],
    # Reads the orders and candidates of its own area, nothing else.
    "local_gov": ["mobilization.view_calluporder", "mobilization.view_candidate"]
    + NOTICES_VIEW
    + PROGRAMME_VIEW
    + LIFECYCLE_VIEW,
    # Delivers the notices of its township, records report day and takes Art. 31 requests.
    "township_office": ["mobilization.view_calluporder"]
    + NOTICES_VIEW
    + [
        "mobilization.deliver_notice",
        "mobilization.record_attendance",
        "mobilization.request_postponement",
    ]
    + LIFECYCLE_VIEW
    + ["mobilization.request_exemption", "mobilization.record_noshow_step"],
}
