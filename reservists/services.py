"""Registry workflows: residence moves (Art. 24) and validation shared by the pages, the API and imports."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import log_event
from core.exceptions import TransitionRefused
from core.models import Region
from core.scope import ensure_in_scope

from .choices import MoveStatus
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
    if not user.has_perm("reservists.add_residencemove"):
        raise PermissionDenied
    if to_township.level != "township":
        raise ValidationError({"to_township": _("Choose a township, not a county.")})
    if to_township.pk == reservist.township_id:
        raise ValidationError({"to_township": _("The reservist already lives in this township.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the move.")})
    with transaction.atomic():
        locked = Reservist.objects.select_for_update().get(pk=reservist.pk)
        ensure_in_scope(user, locked)
        if ResidenceMove.objects.filter(reservist=locked, status=MoveStatus.PENDING).exists():
            raise ValidationError({"to_township": _("A move of this reservist is already waiting for a decision.")})
        move = ResidenceMove.objects.create(
            reservist=locked,
            from_township_id=locked.township_id,
            to_township=to_township,
            new_address=new_address,
            reason=reason,
            requested_by=user,
        )
        log_event(user, move, _("Residence move requested"))
    return move


def decide_residence_move(*, user, move: ResidenceMove, approve: bool, comment: str = "") -> ResidenceMove:
    """An MND approver approves or rejects a pending move; only approval moves the reservist."""
    if not user.has_perm("reservists.decide_residencemove"):
        raise PermissionDenied
    if not approve and not comment.strip():
        raise ValidationError({"decision_comment": _("Say why the move is rejected.")})
    new_status = MoveStatus.APPROVED if approve else MoveStatus.REJECTED
    with transaction.atomic():
        ensure_in_scope(user, move)
        changed = ResidenceMove.objects.filter(pk=move.pk, status=MoveStatus.PENDING).update(
            status=new_status, decided_by=user, decided_at=timezone.now(), decision_comment=comment
        )
        if changed != 1:
            raise TransitionRefused(
                _("This move has already been decided."),
                [{"article": "24", "code": "not_pending", "message": _("Only a pending move can be decided.")}],
                status_code=409,
            )
        move.refresh_from_db()
        if approve:
            updates = {"township_id": move.to_township_id}
            if move.new_address:
                updates["address"] = move.new_address
            moved = Reservist.objects.filter(pk=move.reservist_id, township_id=move.from_township_id).update(
                **updates, updated_at=timezone.now()
            )
            if moved != 1:
                raise TransitionRefused(
                    _("The reservist no longer lives in the township the move starts from."),
                    [
                        {
                            "article": "24",
                            "code": "moved_meanwhile",
                            "message": _("File a new move from the current township."),
                        }
                    ],
                    status_code=409,
                )
            log_event(user, move.reservist, _("Residence moved to %(township)s") % {"township": move.to_township})
        log_event(user, move, _("Move approved") if approve else _("Move rejected"))
    return move
