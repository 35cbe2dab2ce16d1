"""Who may do what with exercises (scope decides where):

- mnd_staff plan and evaluate exercises nationally (or in their assigned regions), add custom subjects,
  raise and re-plan corrective actions;
- local_gov plan and evaluate the exercises touching their county, and manage the actions of them and of
  the organisations in their county;
- agency users see the exercises they lead, take part in or own an action of, and close their own actions
  with evidence;
- mnd_approver reads everything nationally; the auditor gets every view permission automatically.
"""

VIEW = [
    "exercises.view_exercise",
    "exercises.view_subject",
    "exercises.view_objective",
    "exercises.view_participant",
    "exercises.view_evaluation",
    "exercises.view_handovertime",
    "exercises.view_correctiveaction",
]
PLAN = [
    *VIEW,
    "exercises.add_exercise",
    "exercises.change_exercise",
    "exercises.delete_exercise",
    "exercises.add_objective",
    "exercises.change_objective",
    "exercises.delete_objective",
    "exercises.add_participant",
    "exercises.change_participant",
    "exercises.delete_participant",
    "exercises.add_evaluation",
    "exercises.change_evaluation",
    "exercises.add_correctiveaction",
    "exercises.change_correctiveaction",
]

PERMISSIONS = {
    "mnd_staff": [*PLAN, "exercises.add_subject", "exercises.change_subject"],
    "local_gov": PLAN,
    "agency": [*VIEW, "exercises.change_correctiveaction"],
    "mnd_approver": VIEW,
}
