"""Who may do what with call-up orders and the rule policy (scope is separate: see models.scope_filter)."""

VIEW = ["mobilization.view_calluporder", "mobilization.view_candidate", "mobilization.view_rulepolicy"]

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
    ],
    # Approves or rejects; never an order they drafted or submitted (services._four_eyes).
    "mnd_approver": VIEW + ["mobilization.approve_calluporder", "mobilization.check_eligibility"],
    # Publishes rule-policy versions (Art. 33).
    "mnd_admin": VIEW + ["mobilization.add_rulepolicy", "mobilization.check_eligibility"],
    # Reads the orders and candidates of its own area, nothing else.
    "local_gov": ["mobilization.view_calluporder", "mobilization.view_candidate"],
}
