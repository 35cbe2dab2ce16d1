from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TeamKind(models.TextChoices):
    """The civil-defense organisations a county keeps (民防團隊, seed 004 ch. 5)."""

    CORPS = "corps", _("Civil-defense corps")
    BRIGADE = "brigade", _("Civil-defense brigade")
    SQUAD = "squad", _("Civil-defense squad")
    TEAM = "team", _("Civil-defense team")
    SPECIAL_PROTECTION = "special_protection", _("Special protection group (enterprise / institution)")
    PROTECTION = "protection", _("Protection group (agency / school)")
    MEDICAL_RESCUE = "medical_rescue", _("Medical and rescue team")
    VOLUNTEER = "volunteer", _("Volunteers")


class Availability(models.TextChoices):
    # Context: other apps translate "Available" differently (a reservist "available for call-up").
    AVAILABLE = "available", pgettext_lazy("team member", "Available")
    LIMITED = "limited", pgettext_lazy("team member", "Limited")
    UNAVAILABLE = "unavailable", pgettext_lazy("team member", "Unavailable")


class ShelterKind(models.TextChoices):
    BASEMENT = "basement", _("Basement of a building")
    UNDERGROUND_PARKING = "parking", _("Underground car park")
    MRT = "mrt", _("Underground railway station")
    SCHOOL = "school", _("School")
    PUBLIC_BUILDING = "public_building", _("Public building")
    OTHER = "other", _("Other")


class StationKind(models.TextChoices):
    RELIEF = "relief", _("Relief station")
    DISTRIBUTION = "distribution", _("Distribution station")
    FIRST_AID = "first_aid", _("First-aid station")


class ReleaseStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class TrainingStatus(models.TextChoices):
    CURRENT = "current", _("Current")
    DUE = "due", _("Due")
    LAPSED = "lapsed", _("Lapsed")
    # Never attended a recorded session (a member just imported): not the same as a training that ran out.
    NO_RECORD = "no_record", _("No training record")
