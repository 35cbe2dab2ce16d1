"""Who may do what with civil-defense records; where is their scope (core/scope.py)."""

from core.choices import Role

_EDIT = [
    f"civil_defense.{action}_{model}"
    for model in ("team", "teamposition", "member", "certificate", "shelter", "station", "trainingsession")
    for action in ("view", "add", "change", "delete")
] + [
    "civil_defense.view_trainingattendance",
    "civil_defense.add_trainingattendance",
    "civil_defense.delete_trainingattendance",
    "civil_defense.view_shelterassignment",
    "civil_defense.add_shelterassignment",
    "civil_defense.view_shelterreleaserequest",
    "civil_defense.add_shelterreleaserequest",
]
_VIEW = [
    f"civil_defense.view_{model}"
    for model in (
        "team",
        "teamposition",
        "member",
        "certificate",
        "shelter",
        "shelterassignment",
        "shelterreleaserequest",
        "station",
        "trainingsession",
        "trainingattendance",
    )
]

PERMISSIONS = {
    # The county government keeps its teams, shelters and stations, and decides shelter moves (Art. 24).
    Role.LOCAL_GOV: [*_EDIT, "civil_defense.approve_shelterreleaserequest"],
    Role.TOWNSHIP_OFFICE: _EDIT,
    Role.MND_STAFF: _VIEW,
    Role.MND_ADMIN: _VIEW,
    Role.MND_APPROVER: _VIEW,
}
