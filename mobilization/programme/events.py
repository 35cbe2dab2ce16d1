"""Named audit events of the annual programme and of rotation leave."""

from django.utils.translation import gettext_lazy as _

from core.events import register

PROGRAMME_CREATED = register("mobilization.programme.created", _("Annual programme version drafted"))
PROGRAMME_SUBMITTED = register("mobilization.programme.submitted", _("Annual programme submitted for approval"))
PROGRAMME_APPROVED = register("mobilization.programme.approved", _("Annual programme approved"))
PROGRAMME_REJECTED = register("mobilization.programme.rejected", _("Annual programme rejected"))
PROGRAMME_SUPERSEDED = register("mobilization.programme.superseded", _("Annual programme superseded by an amendment"))
LINE_ADDED = register("mobilization.programme_line.added", _("Programme line added"))
LINE_CHANGED = register("mobilization.programme_line.changed", _("Programme line changed"))
LINE_REMOVED = register("mobilization.programme_line.removed", _("Programme line removed"))
LEAVE_RECORDED = register("mobilization.leave.recorded", _("Rotation leave recorded"))
