"""Small builders for the civil-defense tests."""

import datetime
import itertools

from core.models import Region
from core.pii import check_digit
from reservists.models import Reservist

from ..models import Member, Shelter, Station, Team, TeamPosition, TrainingAttendance, TrainingSession

_serial = itertools.count(1)


def national_id(letter: str = "F") -> str:
    prefix = f"{letter}1{next(_serial) + 3000000:07d}"
    return prefix + check_digit(prefix)


FIRST_TOWNSHIP = {"TW-NWT": "220", "TW-TPE": "100"}  # 板橋區 is the township clerk's (core.testing)


def township_of(county: Region) -> Region:
    code = FIRST_TOWNSHIP.get(county.code)
    if code:
        return Region.objects.get(code=code)
    return county.children.filter(is_postal_area=False).order_by("code").first()


def county_of(code_or_region) -> Region:
    if isinstance(code_or_region, Region):
        return code_or_region
    return Region.objects.get(code=code_or_region)


def make_team(county="TW-NWT", township=True, **kw) -> Team:
    county = county_of(county)
    kw.setdefault("name", f"第{next(_serial)}編組")
    kw.setdefault("kind", "team")
    return Team.objects.create(county=county, township=township_of(county) if township else None, **kw)


def make_member(team: Team, **kw) -> Member:
    kw.setdefault("national_id", national_id())
    kw.setdefault("name", f"member {next(_serial)}")
    kw.setdefault("position", "分隊員")
    return Member.objects.create(team=team, **kw)


def make_position(team, position="分隊員", authorised=5) -> TeamPosition:
    return TeamPosition.objects.create(team=team, position=position, authorised=authorised)


def make_shelter(county="TW-NWT", capacity=10, **kw) -> Shelter:
    kw.setdefault("name", f"shelter {next(_serial)}")
    kw.setdefault("address", "中山路1號")
    return Shelter.objects.create(township=township_of(county_of(county)), capacity=capacity, **kw)


def make_station(county="TW-NWT", **kw) -> Station:
    kw.setdefault("name", f"station {next(_serial)}")
    kw.setdefault("kind", "relief")
    return Station.objects.create(township=township_of(county_of(county)), address="活動中心", capacity=100, **kw)


def make_reservist(county="TW-NWT", **kw) -> Reservist:
    kw.setdefault("national_id", national_id("A"))
    kw.setdefault("name", f"reservist {next(_serial)}")
    return Reservist.objects.create(
        birth_date=datetime.date(1990, 1, 1),
        retirement_date=datetime.date(2015, 1, 1),
        branch="army",
        township=township_of(county_of(county)),
        **kw,
    )


def make_training(team, date=None, members=(), **kw) -> TrainingSession:
    session = TrainingSession.objects.create(
        team=team, date=date or datetime.date.today(), subject=kw.pop("subject", "急救訓練"), hours=4, **kw
    )
    TrainingAttendance.objects.bulk_create([TrainingAttendance(session=session, member=m) for m in members])
    return session
