"""The call-up's workflows, one module per topic (the NetBox way): policy, orders, selection, candidates,
notices, issuing. Every step is an Action (core/actions.py); pages, the API and commands call the same ones.

`from mobilization import services` keeps working: the names below are the steps as functions and the
registries the pages dispatch on (name -> Action).
"""

from .candidates import ADD, CANDIDATE_ACTIONS, EXCLUDE, INCLUDE, REVIEW_STATUSES, add_candidate, set_excluded
from .issuing import ISSUE
from .orders import (
    APPROVE,
    CANCEL,
    EDIT,
    REJECT,
    SUBMIT,
    OrderAction,
    approve,
    cancel,
    ensure_order_in_user_scope,
    four_eyes_refusals,
    mark_edited,
    order_area_refusals,
    reject,
    submit,
)
from .policy import POLICY_FIELDS, evaluate_reservist, person_facts, policy_for, publish_policy
from .selection import (
    SELECT,
    compute_summary,
    refresh_summary,
    run_selection,
    select_candidates,
    selection_failed,
    start_selection,
    target_township_ids,
)

# The steps a person takes on the order page (name -> action); the pages and the API dispatch on these names.
ORDER_ACTIONS = {"select": SELECT, "submit": SUBMIT, "approve": APPROVE, "reject": REJECT, "cancel": CANCEL}
# Every step the order page offers a button or form for (the button test walks these).
ORDER_PAGE_ACTIONS = {"edit": EDIT, **ORDER_ACTIONS, **CANDIDATE_ACTIONS, "issue": ISSUE}

__all__ = [
    "ADD",
    "APPROVE",
    "CANCEL",
    "CANDIDATE_ACTIONS",
    "EDIT",
    "EXCLUDE",
    "INCLUDE",
    "ISSUE",
    "ORDER_ACTIONS",
    "ORDER_PAGE_ACTIONS",
    "POLICY_FIELDS",
    "REJECT",
    "REVIEW_STATUSES",
    "SELECT",
    "SUBMIT",
    "OrderAction",
    "add_candidate",
    "approve",
    "cancel",
    "compute_summary",
    "ensure_order_in_user_scope",
    "evaluate_reservist",
    "four_eyes_refusals",
    "mark_edited",
    "order_area_refusals",
    "person_facts",
    "policy_for",
    "publish_policy",
    "refresh_summary",
    "reject",
    "run_selection",
    "select_candidates",
    "selection_failed",
    "set_excluded",
    "start_selection",
    "submit",
    "target_township_ids",
]
