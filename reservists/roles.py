"""Who may do what in the registry (scope is separate: see core/scope.py)."""

from core.choices import Role

_REGISTRY = [
    f"reservists.{action}_{model}"
    for model in ("reservist", "servicerecord", "prioritygrant", "reserveunit")
    for action in ("view", "add", "change")
]
_VIEW = [
    "reservists.view_reservist",
    "reservists.view_servicerecord",
    "reservists.view_prioritygrant",
    "reservists.view_reserveunit",
    "reservists.view_residencemove",
]

PERMISSIONS = {
    # The MND keeps the registry; only it sees full national IDs (every view is logged).
    Role.MND_ADMIN: [*_REGISTRY, "reservists.view_residencemove", "core.view_full_national_id"],
    Role.MND_STAFF: [*_REGISTRY, "reservists.view_residencemove", "core.view_full_national_id"],
    # Approves or rejects residence moves (Art. 24: an MND agency approves a move).
    Role.MND_APPROVER: [*_VIEW, "reservists.decide_residencemove"],
    # Local government sees the reservists of its county, national IDs masked.
    Role.LOCAL_GOV: _VIEW,
    # A township office sees its township and files residence-move requests.
    Role.TOWNSHIP_OFFICE: [*_VIEW, "reservists.add_residencemove"],
}
