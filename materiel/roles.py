"""Model permissions of the materiel app per role. Scope is separate: a county sees and edits its own
resources, an agency its own organisation's, MND everything."""

VIEW = [
    "materiel.view_kind",
    "materiel.view_resource",
    "materiel.view_surveycycle",
    "materiel.view_countysurvey",
    "materiel.view_requirement",
    "materiel.view_allocation",
    "materiel.view_requisition",
    "materiel.view_requisitionnotice",
    "materiel.view_conflict",
]
REGISTRY = ["materiel.add_resource", "materiel.change_resource"]

PERMISSIONS = {
    "mnd_admin": VIEW + ["materiel.add_kind", "materiel.change_kind", "materiel.add_surveycycle"],
    "mnd_staff": VIEW
    + REGISTRY
    + [
        "materiel.add_surveycycle",
        "materiel.accept_countysurvey",
        "materiel.add_requirement",
        "materiel.change_requirement",
        "materiel.allocate_requirement",
        "materiel.add_requisition",
        "materiel.submit_requisition",
        "materiel.issue_requisition",
        "materiel.decide_conflict",
        "materiel.record_handover",
        "materiel.exempt_notice",
    ],
    "mnd_approver": VIEW + ["materiel.approve_requisition"],
    # The county keeps its inventory and runs its survey; at the handover point its officials record handovers.
    "local_gov": VIEW
    + REGISTRY
    + ["materiel.change_countysurvey", "materiel.submit_countysurvey", "materiel.record_handover"],
    "township_office": ["materiel.view_kind", "materiel.view_resource", "materiel.view_requisitionnotice"],
    "agency": ["materiel.view_kind", "materiel.view_resource", "materiel.view_requisitionnotice"] + REGISTRY,
}
