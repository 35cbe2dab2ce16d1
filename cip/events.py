"""The named audit events of critical infrastructure (core/events.py)."""

from django.utils.translation import gettext_lazy as _

from core.events import register

PLAN_SUBMITTED = register("cip.plan.submitted", _("Protection plan submitted for approval"))
PLAN_IN_FORCE = register("cip.plan.in_force", _("Protection plan put in force"))
PLAN_APPROVED = register("cip.plan.approved", _("Protection plan approved"))
PLAN_RETURNED = register("cip.plan.returned", _("Protection plan returned for revision"))
PLAN_REOPENED = register("cip.plan.reopened", _("Protection plan reopened for revision"))
