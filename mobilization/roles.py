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
    + PROGRAMME_VIEW,
    # Approves or rejects; never an order they drafted or submitted (services._four_eyes).
    "mnd_approver": VIEW
    + NOTICES_VIEW
    + PROGRAMME_VIEW
    + ["mobilization.approve_calluporder", "mobilization.approve_annualprogramme", "mobilization.check_eligibility"],
    # Publishes rule-policy versions (Art. 33).
    "mnd_admin": VIEW + PROGRAMME_VIEW + ["mobilization.add_rulepolicy", "mobilization.check_eligibility"],
    # Reads the orders and candidates of its own area, nothing else.
    "local_gov": ["mobilization.view_calluporder", "mobilization.view_candidate"] + NOTICES_VIEW + PROGRAMME_VIEW,
    # Delivers the notices of its township, records report day and takes Art. 31 requests.
    "township_office": ["mobilization.view_calluporder"]
    + NOTICES_VIEW
    + [
        "mobilization.deliver_notice",
        "mobilization.record_attendance",
        "mobilization.request_postponement",
    ],
}
