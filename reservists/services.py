"""Registry workflows: residence moves (Art. 24) and validation shared by the pages, the API and imports."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Region

from .actions import ApproveMove, FileMove, RejectMove
from .models import Reservist, ResidenceMove


def check_reservist_dates(birth_date, retirement_date, today=None) -> dict:
    """Field errors of the dates of a reservist (used by forms, the API and imports)."""
    errors = {}
    today = today or timezone.localdate()
    if birth_date and birth_date >= today:
        errors["birth_date"] = _("The birth date must be in the past.")
    elif birth_date and birth_date.year < 1900:
        errors["birth_date"] = _("The birth date is before 1900; please check it.")
    if birth_date and retirement_date and retirement_date <= birth_date:
        errors["retirement_date"] = _("The retirement date must be after the birth date.")
    return errors


def file_residence_move(*, user, reservist: Reservist, to_township: Region, reason: str, new_address: str = ""):
    """A township office asks the MND to move a reservist's residence. Returns the pending ResidenceMove."""
    return FileMove().run(user, reservist, to_township=to_township, reason=reason, new_address=new_address)


def decide_residence_move(*, user, move: ResidenceMove, approve: bool, comment: str = "") -> ResidenceMove:
    """An MND approver approves or rejects a pending move; only approval moves the reservist."""
    action = ApproveMove() if approve else RejectMove()
    action.run(user, move, note=comment)
    move.refresh_from_db()
    return move
