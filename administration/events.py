"""The named audit events of account administration (core/events.py)."""

from django.utils.translation import gettext_lazy as _

from core.events import register

ACCOUNT_CREATED = register("administration.account.created", _("Account created"))
ROLE_CHANGED = register("administration.account.role_changed", _("Account role or scope changed"))
DEACTIVATED = register("administration.account.deactivated", _("Account deactivated"))
REACTIVATED = register("administration.account.reactivated", _("Account reactivated"))
UNLOCKED = register("administration.account.unlocked", _("Account unlocked"))
TWO_FACTOR_RESET = register("administration.account.2fa_reset", _("Account's second factor reset"))
PASSWORD_RESET_STARTED = register("administration.account.password_reset", _("Password reset started"))
PASSWORD_SET = register("administration.account.password_set", _("Password set through a link"))
GRANT_REQUESTED = register("administration.grant.requested", _("Powerful grant requested"))
GRANT_APPROVED = register("administration.grant.approved", _("Powerful grant approved"))
GRANT_REJECTED = register("administration.grant.rejected", _("Powerful grant rejected"))
ORGANISATION_CREATED = register("administration.organisation.created", _("Organisation created"))
ORGANISATION_CHANGED = register("administration.organisation.changed", _("Organisation changed"))
ORGANISATION_DEACTIVATED = register("administration.organisation.deactivated", _("Organisation deactivated"))
ORGANISATION_REACTIVATED = register("administration.organisation.reactivated", _("Organisation reactivated"))
DORMANT_DEACTIVATED = register("administration.review.dormant_deactivated", _("Dormant account deactivated"))
REVIEW_EXPORTED = register("administration.review.exported", _("Access review exported"))
REVIEW_COMPLETED = register("administration.review.completed", _("Quarterly access review signed off"))
