"""Roster import (CSV or XLSX) into one team, on the shared all-or-nothing framework (core/importing.py).

Every row is parsed and checked first (national ID, availability, e-mail, duplicates in the file, the team still
in the user's area); one bad row means nothing is written. A person already on the team's roster is updated.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.importing import Column, Importer, RowError, choice_parser
from core.pii import normalise_national_id, validate_national_id

from .choices import Availability
from .models import Member, Team

MAX_ROWS = 20000

# "position" alone is another app's word (an order's place in a list): the post in a team has its own context.
POSITION_LABEL = pgettext_lazy("team post", "position")


def parse_national_id(value: str) -> str:
    value = normalise_national_id(value)
    validate_national_id(value)
    return value


def parse_email(value: str) -> str:
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(_("%(value)s is not an e-mail address.") % {"value": value}) from None
    return value


class RosterImport(Importer):
    kind = "civil_defense.roster"
    max_rows = MAX_ROWS  # reading stops at the first row beyond it
    permission = "civil_defense.add_member"
    title = gettext_lazy("Roster import")
    columns = [
        Column("national_id", gettext_lazy("national ID"), parse=parse_national_id, example="A123456789"),
        Column("name", pgettext_lazy("person", "name"), max_length=100, example="王小明"),
        Column("position", POSITION_LABEL, required=False, max_length=100, example="隊員"),
        Column("phone", gettext_lazy("phone"), required=False, max_length=30, example="0912345678"),
        Column("email", gettext_lazy("e-mail"), required=False, parse=parse_email, max_length=254),
        Column(
            "availability",
            gettext_lazy("availability"),
            required=False,
            parse=choice_parser(Availability),
            default=Availability.AVAILABLE,
            example="available",
        ),
        Column("skills", gettext_lazy("skills"), required=False, max_length=300, example="急救, 搜救"),
    ]

    def team(self) -> Team | None:
        return Team.objects.for_user(self.user).filter(pk=self.params.get("team")).first()

    def validate_all(self, rows):
        team = self.team()
        if team is None:
            yield RowError(0, "", _("The team is not in your area."))
            return
        yield from self.check_positions(team, rows)
        if len(rows) > MAX_ROWS:
            yield RowError(0, "", _("At most %(n)d rows per file.") % {"n": MAX_ROWS})
        seen: dict[str, int] = {}
        label = str(self.column_label("national_id"))
        for row in rows:
            national_id = row.values["national_id"]
            if national_id in seen:
                yield RowError(
                    row.number,
                    label,
                    _("The same national ID is already on row %(row)d of this file.") % {"row": seen[national_id]},
                )
            else:
                seen[national_id] = row.number

    def check_positions(self, team, rows):
        """A position is one of the team's establishment (編制): a name typed differently ("分隊員" for "隊員")
        would otherwise count as a position of its own beside the establishment."""
        allowed = list(team.positions.order_by("position").values_list("position", flat=True))
        label = str(self.column_label("position"))
        for row in rows:
            position = row.values["position"]
            if not position or position in allowed:
                continue
            if allowed:
                message = _("%(position)s is not a position of this team's establishment; use one of: %(allowed)s.") % {
                    "position": position,
                    "allowed": "、".join(allowed),
                }
            else:
                message = _(
                    "%(position)s is not a position of this team's establishment: the team has none yet. "
                    "Add its positions on the team page first, or leave the column empty."
                ) % {"position": position}
            yield RowError(row.number, label, message)

    def write(self, cursor, rows) -> int:
        team = self.team()
        now = timezone.now()
        members = [
            Member(
                team=team,
                national_id=row.values["national_id"],
                name=row.values["name"],
                position=row.values["position"],
                phone=row.values["phone"],
                email=row.values["email"],
                availability=row.values["availability"],
                skills=row.values["skills"],
                created_at=now,
                updated_at=now,
            )
            for row in rows
        ]
        Member.objects.bulk_create(
            members,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["team", "national_id"],
            update_fields=["name", "position", "phone", "email", "availability", "skills", "updated_at"],
        )
        return len(members)
