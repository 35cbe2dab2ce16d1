"""County readiness figures of civil defense, for the readiness page and the reports app.

`county_readiness(user)` is scope-aware (everything through `for_user`) and set-based (one grouped query per
figure, whatever the number of teams or members). Trained means "not lapsed" under civil_defense/training.py.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone

from core.models import Region

from .models import Member, Shelter, ShelterAssignment, Station, Team, TeamPosition, TrainingAttendance
from .training import thresholds


@dataclass
class CountyReadiness:
    county_id: int
    county_code: str
    county_name: str
    teams: int = 0
    establishment: int = 0
    strength: int = 0
    trained: int = 0
    # members with no recorded session at all (not lapsed: never recorded)
    no_record: int = 0
    shelters: int = 0
    shelter_capacity: int = 0
    shelter_assigned: int = 0
    stations: dict = field(default_factory=dict)

    @property
    def staffing_rate(self) -> float | None:
        """Strength against establishment, 0-1 (None when no establishment is recorded)."""
        return self.strength / self.establishment if self.establishment else None

    @property
    def trained_share(self) -> float | None:
        return self.trained / self.strength if self.strength else None

    @property
    def shelter_fill(self) -> float | None:
        return self.shelter_assigned / self.shelter_capacity if self.shelter_capacity else None

    def as_dict(self) -> dict:
        return {
            "county": self.county_code,
            "county_name": self.county_name,
            "teams": self.teams,
            "establishment": self.establishment,
            "strength": self.strength,
            "trained": self.trained,
            "no_record": self.no_record,
            "lapsed": self.strength - self.trained - self.no_record,
            "trained_share": self.trained_share,
            "staffing_rate": self.staffing_rate,
            "shelters": self.shelters,
            "shelter_capacity": self.shelter_capacity,
            "shelter_assigned": self.shelter_assigned,
            "stations": dict(self.stations),
        }


def _grouped(queryset, key: str, **aggregates) -> dict:
    return {row[key]: row for row in queryset.order_by().values(key).annotate(**aggregates)}


def county_readiness(user, *, today: datetime.date | None = None, county_codes=None) -> list[CountyReadiness]:
    """One row per county with civil-defense records visible to `user` (optionally only `county_codes`)."""
    today = today or timezone.localdate()
    lapsed_before, _due = thresholds(today)

    teams = Team.objects.for_user(user)
    members = Member.objects.for_user(user)
    positions = TeamPosition.objects.for_user(user)
    shelters = Shelter.objects.for_user(user)
    assignments = ShelterAssignment.objects.for_user(user).filter(released_at__isnull=True)
    stations = Station.objects.for_user(user)
    if county_codes:
        codes = list(county_codes)
        teams = teams.filter(county__code__in=codes)
        members = members.filter(team__county__code__in=codes)
        positions = positions.filter(team__county__code__in=codes)
        shelters = shelters.filter(township__parent__code__in=codes)
        assignments = assignments.filter(shelter__township__parent__code__in=codes)
        stations = stations.filter(township__parent__code__in=codes)

    by_team = _grouped(teams, "county_id", n=Count("pk"))
    by_position = _grouped(positions, "team__county_id", n=Sum("authorised"))
    by_member = _grouped(members, "team__county_id", n=Count("pk"))
    # From the attendance side: one pass over the recent sessions' attendance, not a probe per member.
    # trained: attended within the validity period; ever: attended at all (the others have no record, not lapsed)
    attended = TrainingAttendance.objects.filter(member__in=members.values("pk"), session__date__lte=today)
    by_attendance = _grouped(
        attended,
        "member__team__county_id",
        n=Count("member_id", distinct=True, filter=Q(session__date__gt=lapsed_before)),
        ever=Count("member_id", distinct=True),
    )
    by_shelter = _grouped(shelters, "township__parent_id", n=Count("pk"), cap=Sum("capacity"))
    by_assigned = _grouped(assignments, "shelter__township__parent_id", n=Count("pk"))
    station_rows = stations.order_by().values("township__parent_id", "kind").annotate(n=Count("pk"))

    county_ids = set(by_team) | set(by_member) | set(by_shelter) | set(by_assigned)
    county_ids |= {row["township__parent_id"] for row in station_rows}
    rows: dict[int, CountyReadiness] = {}
    for county in Region.objects.filter(pk__in=county_ids).order_by("code"):
        rows[county.pk] = CountyReadiness(county.pk, county.code, county.name)
    for county_id, row in rows.items():
        row.teams = by_team.get(county_id, {}).get("n") or 0
        row.establishment = by_position.get(county_id, {}).get("n") or 0
        row.strength = by_member.get(county_id, {}).get("n") or 0
        row.trained = by_attendance.get(county_id, {}).get("n") or 0
        row.no_record = row.strength - (by_attendance.get(county_id, {}).get("ever") or 0)
        row.shelters = by_shelter.get(county_id, {}).get("n") or 0
        row.shelter_capacity = by_shelter.get(county_id, {}).get("cap") or 0
        row.shelter_assigned = by_assigned.get(county_id, {}).get("n") or 0
    for station in station_rows:
        rows[station["township__parent_id"]].stations[station["kind"]] = station["n"]
    return list(rows.values())


def totals(rows: list[CountyReadiness]) -> CountyReadiness:
    total = CountyReadiness(0, "", "")
    for row in rows:
        for name in ("teams", "establishment", "strength", "trained", "no_record", "shelters", "shelter_capacity"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
        total.shelter_assigned += row.shelter_assigned
        for kind, n in row.stations.items():
            total.stations[kind] = total.stations.get(kind, 0) + n
    return total
