"""The named audit events of civil defense (core/events.py)."""

from django.utils.translation import gettext_lazy as _

from core.events import register

SHELTER_ASSIGNED = register("civil_defense.shelter.assigned", _("Reservist assigned to a shelter"))
SHELTER_RELEASED = register("civil_defense.shelter.released", _("Reservist's shelter assignment ended"))
RELEASE_REQUESTED = register("civil_defense.release.requested", _("Shelter move or release requested"))
RELEASE_APPROVED = register("civil_defense.release.approved", _("Shelter move or release approved"))
RELEASE_REJECTED = register("civil_defense.release.rejected", _("Shelter move or release rejected"))
