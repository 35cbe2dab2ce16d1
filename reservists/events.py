"""The named audit events of the registry (core/events.py)."""

from django.utils.translation import gettext_lazy as _

from core.events import register

MOVE_REQUESTED = register("reservists.move.requested", _("Residence move requested"))
MOVE_APPROVED = register("reservists.move.approved", _("Residence move approved"))
MOVE_REJECTED = register("reservists.move.rejected", _("Residence move rejected"))
RESERVIST_MOVED = register("reservists.reservist.moved", _("Reservist's residence moved"))
